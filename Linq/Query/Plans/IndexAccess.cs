using System.Linq.Expressions;
using ZgDb.Query.Execution;
using ZgDb.Storage.Indexes;

namespace ZgDb.Query.Plans;

/// <summary>How an index access hands out its documents.</summary>
internal enum IndexOrder
{
    /// <summary>Sorted back into primary-key order (what LINQ-to-Objects over the collection would see).</summary>
    Key,
    /// <summary>In index order (value, then key): the query's OrderBy is served by the index.</summary>
    Index,
}

/// <summary>
/// The common work of every secondary-index access: ask the index for the primary keys (equal prefix values, then
/// a range on the next column), then fetch each document by key, so only the chunks holding results are read.
/// </summary>
internal abstract class IndexAccess<T>(EntityType entity, EntityIndex index, Expression[] prefix, RangeBound? lower, RangeBound? upper,
    bool descending, IndexOrder order, Func<T, object?>? orderValue) : AccessPath<T>(entity) where T : class
{
    public EntityIndex Index { get; } = index;
    public IReadOnlyList<Expression> Prefix { get; } = prefix;
    public RangeBound? Lower { get; } = lower;
    public RangeBound? Upper { get; } = upper;
    public override bool InKeyOrder => order == IndexOrder.Key || Prefix.Count == Index.Properties.Count;
    public bool Descending => descending;

    /// <summary>Whether a string prefix (StartsWith, ordinal) becomes the range [prefix, next prefix).</summary>
    public bool StartsWith { get; init; }

    /// <summary>
    /// A guess at the documents read, without statistics: each equal column keeps 1/20 of the collection, a range
    /// a third (a closed range a ninth), an ordinal prefix 1/30; the plan is cached, so it cannot depend on values.
    /// </summary>
    protected static double Estimate(int equalColumns, double rangeFactor) => ScanCost * Math.Pow(0.05, equalColumns) * rangeFactor;

    protected string Column(int i) => $"{Entity.Name}.{Index.Properties[i].Name}";

    public override Expression Build(Expression context) => CallSelf(nameof(Run), context,
        Expression.NewArrayInit(typeof(object), Prefix.Select(p => Expression.Convert(p, typeof(object)))),
        Lower?.Value ?? NoValue, Upper?.Value ?? NoValue);

    /// <summary>The index's bounds for this execution, or null when the range is empty (a null bound compares false with everything).</summary>
    protected (IndexBound? Lower, IndexBound? Upper)? Bounds(object? low, object? high)
    {
        if (StartsWith)
        {
            if (low is not string text) return null;
            var next = NextPrefix(text);
            return (new IndexBound(text, true), next is null ? null : new IndexBound(next, false));
        }
        if (Lower is not null && low is null || Upper is not null && high is null) return null;
        return (Lower is { } lo ? new IndexBound(low, lo.Inclusive) : null, Upper is { } hi ? new IndexBound(high, hi.Inclusive) : null);
    }

    /// <summary>The smallest string greater (ordinally) than every string starting with <paramref name="prefix"/>, or null when there is none.</summary>
    public static string? NextPrefix(string prefix)
    {
        var chars = prefix.ToCharArray();
        for (int i = chars.Length - 1; i >= 0; i--)
        {
            if (chars[i] == char.MaxValue) continue;
            chars[i]++;
            return new string(chars, 0, i + 1);
        }
        return null;
    }

    protected IIndexSnapshot Open(QueryContext context) => context.Index<T>(Index.Name)
        ?? throw new InvalidOperationException($"The index '{Index.Name}' of {Entity.Name} is not available.");

    public IEnumerable<T> Run(QueryContext context, object?[] prefixValues, object? low, object? high)
    {
        if (Bounds(low, high) is not { } bounds) return [];
        var index = Open(context);
        var keys = index.Range(prefixValues, bounds.Lower, bounds.Upper, descending);
        return Fetch(context, keys);
    }

    /// <summary>The documents of <paramref name="keys"/>, in the order this access promises.</summary>
    protected IEnumerable<T> Fetch(QueryContext context, IEnumerable<object> keys)
    {
        var snapshot = context.Snapshot<T>();
        if (order == IndexOrder.Key && Prefix.Count < Index.Properties.Count || order == IndexOrder.Key && descending)
        {
            var sorted = keys.ToList();
            sorted.Sort(KeyComparer.For(Entity.KeyKind));
            return FetchEach(snapshot, sorted);
        }
        var documents = FetchEach(snapshot, keys);
        return descending && orderValue is not null ? StableDescending(documents, orderValue) : documents;
    }

    private static IEnumerable<T> FetchEach(Storage.Engine.ICollectionSnapshot<T> snapshot, IEnumerable<object> keys)
    {
        foreach (var key in keys)
            if (snapshot.Get(key) is { } document) yield return document;
    }

    /// <summary>
    /// An index read backwards gives equal values in descending key order; OrderByDescending is stable and keeps
    /// them in ascending key order. Reverses each run of equal values.
    /// </summary>
    private static IEnumerable<T> StableDescending(IEnumerable<T> documents, Func<T, object?> value)
    {
        var run = new List<T>();
        object? current = null;
        foreach (var document in documents)
        {
            var v = value(document);
            if (run.Count > 0 && !Equals(v, current))
            {
                for (int i = run.Count - 1; i >= 0; i--) yield return run[i];
                run.Clear();
            }
            current = v;
            run.Add(document);
        }
        for (int i = run.Count - 1; i >= 0; i--) yield return run[i];
    }

    /// <summary>The expression counting the matching entries (a long) from the index alone.</summary>
    public virtual Expression BuildCount(Expression context) => CallSelf(nameof(CountEntries), context,
        Expression.NewArrayInit(typeof(object), Prefix.Select(p => Expression.Convert(p, typeof(object)))),
        Lower?.Value ?? NoValue, Upper?.Value ?? NoValue);

    /// <summary>How many entries match, from the index alone (for an exactly served Count/Any).</summary>
    public long CountEntries(QueryContext context, object?[] prefixValues, object? low, object? high) =>
        Bounds(low, high) is { } bounds ? Open(context).CountRange(prefixValues, bounds.Lower, bounds.Upper) : 0;
}

/// <summary>Equality on the first columns of an index: <c>City == c</c>, or <c>City == c &amp;&amp; Age == a</c> on (City, Age).</summary>
internal sealed class IndexSeek<T>(EntityType entity, EntityIndex index, Expression[] prefix, IndexOrder order, bool descending = false, Func<T, object?>? orderValue = null)
    : IndexAccess<T>(entity, index, prefix, null, null, descending, order, orderValue) where T : class
{
    public override double Cost => Index.IsUnique && Prefix.Count == Index.Properties.Count ? 2 : Estimate(Prefix.Count, 1);
    public override string Explain(PlanText text) =>
        $"INDEX SEEK {string.Join(" AND ", Prefix.Select((p, i) => $"{Column(i)} = {text.Value(p)}"))}" + (Descending ? " DESC" : "");
}

/// <summary>A range on one index column after optional equal prefix columns: <c>Age &gt;= 25</c>, <c>Name.StartsWith(p, Ordinal)</c>.</summary>
internal sealed class IndexRange<T>(EntityType entity, EntityIndex index, Expression[] prefix, RangeBound? lower, RangeBound? upper,
    bool descending, IndexOrder order, Func<T, object?>? orderValue)
    : IndexAccess<T>(entity, index, prefix, lower, upper, descending, order, orderValue) where T : class
{
    public override double Cost => Estimate(Prefix.Count, StartsWith ? 0.03 : Lower is not null && Upper is not null ? 0.11 : 0.33);
    public override string Explain(PlanText text)
    {
        var prefix = string.Concat(Prefix.Select((p, i) => $"{Column(i)} = {text.Value(p)} AND "));
        var range = StartsWith ? $"STARTS WITH {text.Value(Lower!.Value.Value)}" : Range(text, Lower, Upper);
        return $"INDEX RANGE {prefix}{Column(Prefix.Count)} {range}" + (Descending ? " DESC" : "");
    }
}

/// <summary>Every entry of an index in its order: serves <c>OrderBy(u =&gt; u.Age).Take(n)</c> without sorting.</summary>
internal sealed class IndexOrderedScan<T>(EntityType entity, EntityIndex index, bool descending, Func<T, object?>? orderValue)
    : IndexAccess<T>(entity, index, [], null, null, descending, IndexOrder.Index, orderValue) where T : class
{
    public override double Cost => ScanCost * 2;
    public override string Explain(PlanText text) => $"INDEX ORDERED SCAN {Column(0)}" + (Descending ? " DESC" : "");
}

/// <summary>Equality with any value of a list on the first column of an index: <c>cities.Contains(u.City)</c>; in key order.</summary>
internal sealed class IndexIn<T>(EntityType entity, EntityIndex index, Expression values) : IndexAccess<T>(entity, index, [], null, null, false, IndexOrder.Key, null)
    where T : class
{
    public override double Cost => Estimate(1, 3);
    public override string Explain(PlanText text) => $"INDEX SEEK {Column(0)} IN {text.Value(values)}";
    public override Expression Build(Expression context) => CallSelf(nameof(RunIn), context, values);

    public override Expression BuildCount(Expression context) => CallSelf(nameof(CountIn), context, values);

    private readonly Type _element = EnumerableMethods.ElementType(values.Type);

    public IEnumerable<T> RunIn(QueryContext context, System.Collections.IEnumerable? list)
    {
        ArgumentNullException.ThrowIfNull(list, "source");
        if (!CapturedList.ComparesByDefaultEquality(list)) return OwnSemantics(context, list);
        var index = Open(context);
        var keys = new HashSet<object>(KeyComparer.Equality(Entity.KeyKind));
        foreach (var value in list.Cast<object?>().Distinct())
            foreach (var key in index.Range([value], null, null, false)) keys.Add(key);
        return Fetch(context, keys);
    }

    public long CountIn(QueryContext context, System.Collections.IEnumerable? list)
    {
        ArgumentNullException.ThrowIfNull(list, "source");
        if (!CapturedList.ComparesByDefaultEquality(list)) return OwnSemantics(context, list).LongCount();
        var index = Open(context);
        return list.Cast<object?>().Distinct().Sum(value => index.CountRange([value], null, null));
    }

    /// <summary>A list whose Contains is not the index's equality (a set with its own comparer): every document, in key order, that the list itself contains.</summary>
    private IEnumerable<T> OwnSemantics(QueryContext context, System.Collections.IEnumerable list)
    {
        var path = Index.Properties[0];
        return context.Snapshot<T>().Scan().Where(document => CapturedList.Contains(list, _element, path.GetValue(document)));
    }
}
