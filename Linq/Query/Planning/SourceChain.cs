using System.Linq.Expressions;
using System.Reflection;
using M = ZgDb.Query.EnumerableMethods;

namespace ZgDb.Query.Planning;

/// <summary>
/// The operators applied directly to one collection that the planner can serve: <c>Where*</c>, then an ordering,
/// then <c>Skip/Take*</c>, then an optional identity-free <c>Select</c> and a <c>Count/LongCount/Any</c>. Read from the
/// normalized query, innermost first; <see cref="Rest"/> holds the calls above that the plan does not absorb.
/// </summary>
internal sealed class SourceChain
{
    public required Type Element { get; init; }
    public List<LambdaExpression> Predicates { get; } = [];
    public List<(LambdaExpression Key, bool Descending)> Orderings { get; } = [];
    public List<(bool Take, Expression Count)> Limits { get; } = [];
    public LambdaExpression? Selector { get; set; }
    public MethodInfo? Terminal { get; set; }

    /// <summary>The calls above the chain, innermost first.</summary>
    public List<MethodCallExpression> Rest { get; } = [];

    private static readonly HashSet<MethodInfo> Operators =
    [
        M.Where, M.OrderBy, M.OrderByDescending, M.ThenBy, M.ThenByDescending, M.Skip, M.Take, M.Select, M.Count, M.LongCount, M.Any,
    ];

    /// <summary>The chain under <paramref name="node"/> when its innermost source is a collection, else null.</summary>
    public static SourceChain? Read(Expression node)
    {
        var calls = new List<MethodCallExpression>();
        while (node is MethodCallExpression call && call.Method.IsGenericMethod && Operators.Contains(call.Method.GetGenericMethodDefinition())
               && call.Arguments.Count > 0)
        {
            calls.Add(call);
            node = call.Arguments[0];
        }
        if (node is not CollectionSourceExpression source) return null;
        calls.Reverse();
        var chain = new SourceChain { Element = source.ElementType };
        int stage = 0; // 0 filters, 1 ordered, 2 limited, 3 projected, 4 counted
        int group = 0; // where the keys of the latest OrderBy end
        foreach (var call in calls)
        {
            var definition = call.Method.GetGenericMethodDefinition();
            bool accepted = stage < 4 && chain.Rest.Count == 0;
            if (accepted)
            {
                if (definition == M.Where && stage <= 1) chain.Predicates.Add(Lambda(call.Arguments[1]));
                else if ((definition == M.OrderBy || definition == M.OrderByDescending) && stage <= 1)
                {
                    // A second OrderBy sorts the sorted sequence again, stably: its keys come first, the earlier ones break ties.
                    chain.Orderings.Insert(0, (Lambda(call.Arguments[1]), definition == M.OrderByDescending));
                    group = 1;
                    stage = 1;
                }
                else if ((definition == M.ThenBy || definition == M.ThenByDescending) && stage == 1)
                    chain.Orderings.Insert(group++, (Lambda(call.Arguments[1]), definition == M.ThenByDescending));
                else if ((definition == M.Skip || definition == M.Take) && stage <= 2)
                {
                    chain.Limits.Add((definition == M.Take, call.Arguments[1]));
                    stage = 2;
                }
                else if (definition == M.Select && stage <= 2)
                {
                    chain.Selector = Lambda(call.Arguments[1]);
                    stage = 3;
                }
                else if ((definition == M.Count || definition == M.LongCount || definition == M.Any) && call.Arguments.Count == 1)
                {
                    chain.Terminal = definition;
                    stage = 4;
                }
                else accepted = false;
            }
            if (!accepted) chain.Rest.Add(call);
        }
        return chain;
    }

    private static LambdaExpression Lambda(Expression argument) => argument switch
    {
        LambdaExpression lambda => lambda,
        UnaryExpression { NodeType: ExpressionType.Quote, Operand: LambdaExpression quoted } => quoted,
        _ => throw new NotSupportedException($"The argument '{argument}' is not a lambda."),
    };
}
