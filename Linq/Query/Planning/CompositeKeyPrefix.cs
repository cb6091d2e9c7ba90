using System.Linq.Expressions;
using ZgDb.Query.Plans;
using ZgDb.Query.Translators;

namespace ZgDb.Query.Planning;

/// <summary>
/// Plans a composite primary key (<see cref="KeyKind.Composite"/>) from a query's conditions: equalities on the
/// key's first parts make a prefix (all parts: a seek), and range conditions on the part after the prefix bound it
/// (<c>OrderId == 10248 &amp;&amp; ProductId &gt; 10</c>). Any other condition on the key is left to the filter.
/// </summary>
internal static class CompositeKeyPrefix
{
    /// <summary>The access path and the indexes of the conditions it answers exactly, or null when no condition is on the key's first part.</summary>
    public static (AccessPath<T> Path, HashSet<int> Served)? Plan<T>(EntityType entity, IReadOnlyList<IndexCondition?> conditions) where T : class
    {
        var prefix = new List<Expression>();
        var served = new HashSet<int>();
        int part = 0;
        for (; part < entity.KeyParts.Count; part++)
        {
            int i = Find(conditions, entity.KeyParts[part], c => c.Kind == ConditionKind.Equal);
            if (i < 0) break;
            prefix.Add(conditions[i]!.Value);
            if (conditions[i]!.Exact) served.Add(i);
        }
        RangeBound? lower = null, upper = null;
        if (part < entity.KeyParts.Count)
        {
            int lo = Find(conditions, entity.KeyParts[part], c => c is { Kind: ConditionKind.Range, IsLower: true });
            int hi = Find(conditions, entity.KeyParts[part], c => c is { Kind: ConditionKind.Range, IsLower: false });
            if (lo >= 0) lower = Bound(conditions, lo, served);
            if (hi >= 0) upper = Bound(conditions, hi, served);
        }
        if (prefix.Count == 0 && lower is null && upper is null) return null;
        return (new CompositeKeyRange<T>(entity, prefix, lower, upper), served);
    }

    private static RangeBound Bound(IReadOnlyList<IndexCondition?> conditions, int i, HashSet<int> served)
    {
        if (conditions[i]!.Exact) served.Add(i);
        return new RangeBound(conditions[i]!.Value, conditions[i]!.Inclusive);
    }

    private static int Find(IReadOnlyList<IndexCondition?> conditions, EntityProperty part, Func<IndexCondition, bool> kind)
    {
        for (int i = 0; i < conditions.Count; i++)
            if (conditions[i] is { Path.Count: 1 } c && c.Path[0].Name == part.Name && c.Path[0].DeclaringType == part.Info.DeclaringType && kind(c)) return i;
        return -1;
    }
}
