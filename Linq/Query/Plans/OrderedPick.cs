using System.Linq.Expressions;
using System.Reflection;

namespace ZgDb.Query.Plans;

/// <summary>What <see cref="OrderedPick"/> takes from the plan's ordered output.</summary>
internal enum PickKind
{
    /// <summary><c>MinBy(k)</c> over a read in ascending <c>k</c> order (nulls first, ties in key order): the first element with a non-null key, else the first.</summary>
    MinBy,

    /// <summary><c>MaxBy(k)</c> over a read in descending <c>k</c> order (nulls last, ties in key order): the first element.</summary>
    MaxBy,

    /// <summary><c>ElementAt(n)</c> over the plan with <c>Skip(max(n, 0)).Take(1)</c>: its one element.</summary>
    ElementAt,

    /// <summary><c>ElementAtOrDefault(n)</c>, likewise, or the default.</summary>
    ElementAtOrDefault,

    /// <summary><c>TakeLast(n)</c> over the read in reverse key order with <c>Take(n)</c>: those, reversed back.</summary>
    TakeLast,
}

/// <summary>
/// <c>MinBy</c>, <c>MaxBy</c>, <c>ElementAt[OrDefault]</c> and <c>TakeLast</c> served by the plan's order: the planner
/// (<see cref="Planning.QueryPlanner"/>) reads the collection in the order that puts the answer first (an index or
/// key order, read backwards where needed) and stops there, instead of running the operator as LINQ-to-Objects over
/// every document. Each gives what LINQ-to-Objects gives, ties and nulls included (see <see cref="PickKind"/>).
/// </summary>
internal sealed class OrderedPick(PickKind kind, Type element, LambdaExpression? key, Expression? index) : PlanNode
{
    public override double Cost => Input?.Cost ?? 0;

    public override string Explain(PlanText text) => kind switch
    {
        PickKind.MinBy => "MINBY (first non-null key in that order)",
        PickKind.MaxBy => "MAXBY (first in that order)",
        PickKind.TakeLast => "REVERSE (TAKELAST)",
        _ => kind.ToString().ToUpperInvariant() + " " + text.Value(index!),
    };

    public override Expression Build(Expression context)
    {
        var input = Input!.Build(context);
        return kind switch
        {
            PickKind.MinBy => Expression.Call(Method(nameof(FirstWithKey), element, key!.ReturnType), input, key),
            PickKind.MaxBy => Expression.Call(Method(nameof(FirstOrDefault), element), input),
            PickKind.TakeLast => EnumerableMethods.Call(EnumerableMethods.Reverse, [element], input),
            _ => Expression.Call(Method(nameof(Element), element), input, index!, Expression.Constant(kind == PickKind.ElementAtOrDefault)),
        };
    }

    /// <summary>The count for the <c>Skip</c> before an <c>ElementAt</c>: a negative index skips nothing (and finds nothing).</summary>
    public static Expression SkipFor(Expression index) =>
        Expression.Call(typeof(Math).GetMethod(nameof(Math.Max), [typeof(int), typeof(int)])!, index, Expression.Constant(0));

    private static MethodInfo Method(string name, params Type[] types) =>
        typeof(OrderedPick).GetMethod(name, BindingFlags.Public | BindingFlags.Static)!.MakeGenericMethod(types);

    /// <summary>MinBy's answer over a sequence in ascending key order: LINQ's MinBy skips null keys, unless every key is null.</summary>
    public static T? FirstWithKey<T, TKey>(IEnumerable<T> ascending, Func<T, TKey> key)
    {
        bool any = false;
        T? first = default;
        foreach (var item in ascending)
        {
            if (!any)
            {
                first = item;
                any = true;
            }
            if (key(item) is not null) return item;
        }
        return first;
    }

    public static T? FirstOrDefault<T>(IEnumerable<T> sequence)
    {
        foreach (var item in sequence) return item;
        return default;
    }

    /// <summary>ElementAt's answer over the sequence already skipped to <paramref name="index"/>.</summary>
    public static T? Element<T>(IEnumerable<T> skipped, int index, bool orDefault)
    {
        if (index >= 0)
            foreach (var item in skipped) return item;
        if (orDefault) return default;
        throw new ArgumentOutOfRangeException(nameof(index), index, "Index was out of range. Must be non-negative and less than the size of the collection.");
    }
}
