using System.Linq.Expressions;
using ZgDb.Query.Execution;
using ZgDb.Storage.Indexes;

namespace ZgDb.Query.Plans;

/// <summary>
/// The documents whose composite primary key starts with equal values for its first parts (<see cref="Prefix"/>)
/// and, optionally, lies within bounds on the next part: <c>OrderId == 10248</c> is every key <c>(10248, x)</c>.
/// With every part equal it is a seek (cost 1). In key order; only the chunks overlapping the range are read.
/// </summary>
internal sealed class CompositeKeyRange<T>(EntityType entity, IReadOnlyList<Expression> prefix, RangeBound? lower, RangeBound? upper)
    : AccessPath<T>(entity) where T : class
{
    public IReadOnlyList<Expression> Prefix { get; } = prefix;

    private bool IsSeek => Prefix.Count == Entity.KeyParts.Count;

    public override double Cost => IsSeek ? 1
        : ScanCost * Math.Pow(0.05, Prefix.Count) * (lower is not null && upper is not null ? 0.11 : lower is not null || upper is not null ? 0.33 : 1) * 0.5;

    public override bool InKeyOrder => true;

    public override string Explain(PlanText text)
    {
        var parts = Entity.KeyParts;
        var equal = string.Join(", ", Prefix.Select((v, i) => $"{parts[i].Name} = {text.Value(v)}"));
        if (IsSeek) return $"PRIMARY KEY SEEK {Entity.Name}.({Entity.KeyName.Replace(",", ", ")}) = ({string.Join(", ", Prefix.Select(text.Value))})";
        var range = lower is null && upper is null ? "" : $"{parts[Prefix.Count].Name} {Range(text, lower, upper)}";
        return $"PRIMARY KEY RANGE {Entity.Name}.({Entity.KeyName.Replace(",", ", ")}) PREFIX " + string.Join(", ", new[] { equal, range }.Where(s => s.Length > 0));
    }

    public override Expression Build(Expression context) => CallSelf(nameof(Run), context,
        Expression.NewArrayInit(typeof(object), Prefix.Select(p => p.Type == typeof(object) ? p : Expression.Convert(p, typeof(object)))),
        lower?.Value ?? NoValue, upper?.Value ?? NoValue);

    public IEnumerable<T> Run(QueryContext context, object?[] prefix, object? low, object? high)
    {
        // A null value (a nullable parameter holding null) equals no key part, as in C#.
        if (prefix.Any(p => p is null) || lower is not null && low is null || upper is not null && high is null) return [];
        // A key prefix equals every key it starts (CompositeKey.CompareTo): the prefix alone bounds both ends.
        IndexBound? from = lower is { } lo ? new IndexBound(Key(prefix, low), lo.Inclusive) : prefix.Length > 0 ? new IndexBound(Key(prefix, null), true) : null;
        IndexBound? to = upper is { } hi ? new IndexBound(Key(prefix, high), hi.Inclusive) : prefix.Length > 0 ? new IndexBound(Key(prefix, null), true) : null;
        return context.Snapshot<T>().KeyRange(from, to, descending: false);
    }

    private static CompositeKey Key(object?[] prefix, object? next) => new(next is null ? [.. prefix.Select(p => p!)] : [.. prefix.Select(p => p!), next]);
}
