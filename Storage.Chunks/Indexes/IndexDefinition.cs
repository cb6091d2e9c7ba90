namespace ZgDb.Storage.Indexes;

/// <summary>
/// One declared index of a collection, compiled: its columns, how to read its values from a document, its entry
/// order and its signature (the column types and key kind; a stored index file whose signature differs is not used).
/// Immutable; one per index per open database.
/// </summary>
internal sealed class IndexDefinition<TKey, T> where TKey : notnull where T : class
{
    private readonly Func<T, object?>[] _getters;

    public IndexDefinition(string collection, EntityType entity, EntityIndex index, IComparer<TKey> keys)
    {
        Index = index;
        Columns = index.Properties.Select(p => new IndexColumn(p, entity.Name)).ToArray();
        _getters = index.Properties.Select(IndexColumn.CompileGetter<T>).ToArray();
        Comparer = new IndexEntryComparer<TKey>(Columns, keys);
        KeyKind = entity.HasCompositeKey ? IndexValueKind.Composite : IndexColumn.KindOf(typeof(TKey))!.Value;
        KeyParts = IndexKeyParts.Of(entity);
        Signature = IndexSignature.Of(Columns.Select(c => c.TypeName), entity);
        Identity = IndexSignature.Identity(collection, index.Name, Signature);
    }

    public EntityIndex Index { get; }
    public string Name => Index.Name;
    public IndexColumn[] Columns { get; }
    public IndexEntryComparer<TKey> Comparer { get; }
    public IndexValueKind KeyKind { get; }

    /// <summary>For a composite primary key: its parts as index files store them; else null.</summary>
    public IndexKeyParts? KeyParts { get; }

    /// <summary>The column types and key kind, e.g. <c>string,int32;key:Int32</c>.</summary>
    public string Signature { get; }

    /// <summary>The hash stored in the index file's header: collection, index name and signature.</summary>
    public ulong Identity { get; }

    public object?[] ValuesOf(T document)
    {
        var values = new object?[_getters.Length];
        for (int i = 0; i < values.Length; i++) values[i] = _getters[i](document);
        return values;
    }

    /// <summary>The value shown in a unique-violation message: the value, or "(a, b)" for a composite index.</summary>
    public object? Display(object?[] values) => values.Length == 1 ? values[0] : new CompositeValue(values);

    private sealed class CompositeValue(object?[] values)
    {
        public override string ToString() => "(" + string.Join(", ", values.Select(v => v is string s ? $"'{s}'" : v?.ToString() ?? "null")) + ")";
    }
}
