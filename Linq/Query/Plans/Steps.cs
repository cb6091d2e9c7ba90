using System.Linq.Expressions;
using System.Reflection;
using ZgDb.Query.Execution;
using M = ZgDb.Query.EnumerableMethods;

namespace ZgDb.Query.Plans;

/// <summary>Keeps the documents matching a predicate the access path did not serve (a compiled delegate over stored documents).</summary>
internal sealed class Filter(LambdaExpression predicate) : PlanNode
{
    public LambdaExpression Predicate { get; } = predicate;

    /// <summary>Said after the filter in Explain (how an index could serve it).</summary>
    public string? Hint { get; init; }

    public override double Cost => (Input?.Cost ?? 0) * 1.1;
    public override string Explain(PlanText text) => "FILTER " + PlanText.Code(Predicate) + (Hint is null ? "" : $" ({Hint})");
    public override Expression Build(Expression context) =>
        M.Call(M.Where, [Predicate.Parameters[0].Type], Input!.Build(context), Predicate);
}

/// <summary>Sorts in memory (stable, with LINQ-to-Objects' own comparers, so ties and culture rules match it).</summary>
internal sealed class Sort(IReadOnlyList<(LambdaExpression Key, bool Descending)> orderings) : PlanNode
{
    public override double Cost => (Input?.Cost ?? 0) * 2;
    public override string Explain(PlanText text) =>
        "SORT " + string.Join(", ", orderings.Select(o => PlanText.Code(o.Key) + (o.Descending ? " DESC" : "")));

    public override Expression Build(Expression context)
    {
        var sequence = Input!.Build(context);
        for (int i = 0; i < orderings.Count; i++)
        {
            var (key, descending) = orderings[i];
            var method = (i == 0, descending) switch
            {
                (true, false) => M.OrderBy,
                (true, true) => M.OrderByDescending,
                (false, false) => M.ThenBy,
                _ => M.ThenByDescending,
            };
            sequence = M.Call(method, [key.Parameters[0].Type, key.ReturnType], sequence, key);
        }
        return sequence;
    }
}

/// <summary>Skip(n) or Take(n): lazy, so a Take over an ordered access path stops after n documents.</summary>
internal sealed class SkipTake(bool take, Expression count, Type element) : PlanNode
{
    public override double Cost => Input?.Cost ?? 0;
    public override string Explain(PlanText text) => (take ? "TAKE " : "SKIP ") + text.Value(count);
    public override Expression Build(Expression context) => M.Call(take ? M.Take : M.Skip, [element], Input!.Build(context), count);
}

/// <summary>Copies each document as it leaves the plan: callers never see a stored object.</summary>
internal sealed class CopyDocuments<T> : PlanNode where T : class
{
    public override double Cost => Input?.Cost ?? 0;
    public override string Explain(PlanText text) => "";
    public override Expression Build(Expression context) =>
        Expression.Call(context, typeof(QueryContext).GetMethod(nameof(QueryContext.Copy))!.MakeGenericMethod(typeof(T)), Input!.Build(context));
}

/// <summary>
/// Count/LongCount/Any answered without reading documents: from the index entries (a predicate served exactly by
/// an index) or from the collection's count (no predicate).
/// </summary>
internal sealed class CountWithoutDocuments<T>(AccessPath<T>? access, CountKind kind) : PlanNode where T : class
{
    public override double Cost => 1;
    public override string Explain(PlanText text) => access is null
        ? $"COUNT {typeof(T).Name} (stored count)"
        : access.Explain(text) + $" -> {kind.ToString().ToUpperInvariant()} (from the index)";

    public override Expression Build(Expression context)
    {
        Expression count = access switch
        {
            null => Expression.Call(Expression.Constant(this), GetType().GetMethod(nameof(StoredCount))!, context),
            IndexAccess<T> index => index.BuildCount(context),
            _ => throw new InvalidOperationException($"{access.GetType().Name} cannot count."),
        };
        return kind switch
        {
            CountKind.Count => Expression.ConvertChecked(count, typeof(int)),
            CountKind.LongCount => count,
            _ => Expression.GreaterThan(count, Expression.Constant(0L)),
        };
    }

    public long StoredCount(QueryContext context) => context.Snapshot<T>().Count;
}

internal enum CountKind { Count, LongCount, Any }

/// <summary>A projection applied to the plan's documents (copies when the result could expose stored objects).</summary>
internal sealed class Project(LambdaExpression selector) : PlanNode
{
    public override double Cost => Input?.Cost ?? 0;
    public override string Explain(PlanText text) => "SELECT " + PlanText.Code(selector);
    public override Expression Build(Expression context) =>
        M.Call(M.Select, [selector.Parameters[0].Type, selector.ReturnType], Input!.Build(context), selector);
}

/// <summary>Count/LongCount/Any over the plan's sequence.</summary>
internal sealed class Aggregate(MethodInfo definition, Type element) : PlanNode
{
    public override double Cost => Input?.Cost ?? 0;
    public override string Explain(PlanText text) => definition.Name.ToUpperInvariant();
    public override Expression Build(Expression context) => M.Call(definition, [element], Input!.Build(context));
}

/// <summary>
/// A plan whose index path is exact only when no document can make the predicate throw (see
/// <see cref="Planning.ThrowAnalysis"/>): a parameter is not null, an indexed path holds no null. Checked on each
/// execution; when it fails, the plan that reads (and filters) every document runs, and throws where LINQ-to-Objects does.
/// </summary>
internal sealed class Guarded<T>(IReadOnlyList<Planning.NoThrowRequirement> requirements, PlanNode fast, PlanNode everything) : PlanNode where T : class
{
    private static readonly MethodInfo NoNullMethod = typeof(Guarded<T>).GetMethod(nameof(HasNoNull))!;
    private static readonly MethodInfo EvaluatesMethod = typeof(Guarded<T>).GetMethod(nameof(Evaluates))!;

    /// <summary>Whether the value computes without an exception (else the plan that reads every row raises it where LINQ-to-Objects does).</summary>
    public static bool Evaluates(Func<object?> value)
    {
        try
        {
            value();
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException and not Storage.Engine.ChunkLoadRequired)
        {
            return false;
        }
    }

    public override double Cost => fast.Cost;

    /// <summary>The index plan, then what it needs (the parameters' values are known here: a non-null one needs nothing) and the plan otherwise.</summary>
    public override string Explain(PlanText text)
    {
        var open = requirements.Where(r => r switch
        {
            Planning.NoThrowRequirement.ParameterNotNull p => text.Value(p.Parameter) == "null",
            Planning.NoThrowRequirement.Evaluates v => !text.Evaluates(v.Value),
            _ => true,
        }).ToList();
        return open.Count == 0
            ? fast.ExplainChain(text)
            : $"{fast.ExplainChain(text)} (FULL SCAN instead when {string.Join(" or ", open.Select(r => Describe(r, text)))})";
    }

    private static string Describe(Planning.NoThrowRequirement requirement, PlanText text) => requirement switch
    {
        Planning.NoThrowRequirement.ParameterNotNull p => PlanText.Code(p.Parameter) + " is null",
        Planning.NoThrowRequirement.NoNullAt n => $"a {typeof(T).Name}.{n.Path} is null",
        Planning.NoThrowRequirement.Evaluates v => PlanText.Code(v.Value) + " throws",
        _ => requirement.ToString(),
    };

    public override Expression Build(Expression context)
    {
        Expression check = Expression.Constant(true);
        foreach (var requirement in requirements)
        {
            Expression holds = requirement switch
            {
                Planning.NoThrowRequirement.ParameterNotNull p when p.Parameter.Type.IsValueType && Nullable.GetUnderlyingType(p.Parameter.Type) is null
                    => Expression.Constant(true),
                Planning.NoThrowRequirement.ParameterNotNull p => Expression.NotEqual(Expression.Convert(p.Parameter, typeof(object)), Expression.Constant(null)),
                Planning.NoThrowRequirement.NoNullAt n => Expression.Call(NoNullMethod, context, Expression.Constant(n.Index.Name)),
                Planning.NoThrowRequirement.Evaluates v => Expression.Call(EvaluatesMethod,
                    Expression.Lambda<Func<object?>>(Expression.Convert(v.Value, typeof(object)))),
                _ => throw new InvalidOperationException(requirement.ToString()),
            };
            check = Expression.AndAlso(check, holds);
        }
        var whenSafe = fast.Build(context);
        var otherwise = everything.Build(context);
        var type = whenSafe.Type == otherwise.Type ? whenSafe.Type : typeof(IEnumerable<>).MakeGenericType(M.ElementType(whenSafe.Type));
        return Expression.Condition(check, Expression.Convert(whenSafe, type), Expression.Convert(otherwise, type));
    }

    /// <summary>Whether no document has a null in the first column of the index (one count from the index).</summary>
    public static bool HasNoNull(QueryContext context, string index) =>
        context.Index<T>(index) is { } snapshot && snapshot.CountRange([null], null, null) == 0;
}
