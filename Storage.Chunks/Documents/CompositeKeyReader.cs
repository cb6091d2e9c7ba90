using System.Linq.Expressions;

namespace ZgDb.Storage.Documents;

/// <summary>Reads, checks and explains composite keys (<see cref="KeyKind.Composite"/>) of an entity's documents.</summary>
internal static class CompositeKeyReader
{
    /// <summary>Compiles <c>d =&gt; new CompositeKey(d.Part1, d.Part2, ...)</c> for <paramref name="entity"/>'s key parts.</summary>
    public static Func<T, TKey> Compile<T, TKey>(EntityType entity)
    {
        var document = Expression.Parameter(typeof(T), "d");
        var parts = entity.KeyParts.Select(p => Expression.Convert(Expression.Property(document, p.Info), typeof(object)));
        var key = Expression.New(typeof(CompositeKey).GetConstructor([typeof(object[])])!, Expression.NewArrayInit(typeof(object), parts));
        return ExpressionCompilation.Compile(Expression.Lambda<Func<T, TKey>>(Expression.Convert(key, typeof(TKey)), document));
    }

    /// <summary>
    /// Refuses a document whose key has a part no key can hold: null, an empty string, a lone UTF-16 surrogate (as a
    /// single key of the part's kind refuses). A part of 0 or an empty Guid is stored as given (never assigned).
    /// </summary>
    public static void Validate(EntityType entity, string collection, object document)
    {
        foreach (var part in entity.KeyParts)
        {
            var value = part.Info.GetValue(document);
            string where = $"{entity.Name}.{part.Name} (part of the composite key {entity.Name}.({Describe(entity)}))";
            if (value is null || value is string { Length: 0 })
                throw new ZgDbValidationException(collection, $"{where} must not be null or empty.");
            if (value is string text && DocumentSerializer.InvalidUtf16At(text) is var bad and >= 0)
                throw new ZgDbValidationException(collection, $"{where} holds a lone UTF-16 surrogate (U+{(int)text[bad]:X4} at index {bad}), which cannot be stored exactly.");
            if (value is char c && char.IsSurrogate(c))
                throw new ZgDbValidationException(collection, $"{where} is a lone UTF-16 surrogate (U+{(int)c:X4}), which cannot be stored exactly.");
        }
    }

    /// <summary>The message for a caller's key that is not the entity's composite key (wrong count or type of values).</summary>
    public static string Mismatch(EntityType entity, object key)
    {
        var given = key switch { CompositeKey c => c.Parts, object[] a => a, var single => [single] };
        return $"the key of {entity.Name} is composite: {entity.KeyParts.Count} values in key order ({Describe(entity)}), such as " +
            $"Find({string.Join(", ", entity.KeyParts.Select(p => p.Name[..1].ToLowerInvariant() + p.Name[1..]))}); got {given.Count} value(s) " +
            $"({string.Join(", ", given.Select(v => v is null ? "null" : $"{ZgDbDuplicateKeyException.FormatKey(v)}: {v.GetType().Name}"))}).";
    }

    /// <summary><c>OrderId: Int32, ProductId: Int32</c>.</summary>
    public static string Describe(EntityType entity) => string.Join(", ", entity.KeyParts.Select(p => $"{p.Name}: {p.ClrType.Name}"));
}
