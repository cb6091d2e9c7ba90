using System.Linq.Expressions;
using System.Text.RegularExpressions;
using ZgDb.Query.Plans;

namespace ZgDb.Telemetry;

/// <summary>
/// What a query span says about a compiled plan, without parameter values: the collection (when the plan reads only
/// one) and the access path of each read (<c>INDEX RANGE Person.Age</c>, <c>FULL SCAN Order</c>). Made once per
/// cached plan, the first time a listener sees it.
/// </summary>
internal sealed partial record QuerySummary(string? Collection, string AccessPath)
{
    public static QuerySummary Of(IReadOnlyList<PlanNode> plans, DatabaseModel model)
    {
        var paths = plans.Select(p => Root(p, model)).ToList();
        var collections = paths.Select(p => p.Entity?.CollectionName).Distinct().ToList();
        return new QuerySummary(collections.Count == 1 ? collections[0] : null, string.Join(" ; ", paths.Select(p => p.Text)));
    }

    /// <summary>The operation of a query expression: <c>query</c> for a sequence, else the terminal operator (<c>count</c>, <c>first</c>...).</summary>
    public static string OperationOf(Expression expression, bool sequence) =>
        !sequence && expression is MethodCallExpression call ? call.Method.Name.ToLowerInvariant() : "query";

    /// <summary>The read at the bottom of a chain: an access path, or a step that reads without one (a count from the stored count or an index), named by its class.</summary>
    private static (EntityType? Entity, string Text) Root(PlanNode node, DatabaseModel model)
    {
        while (node.Input is { } input) node = input;
        var type = node.GetType();
        var kind = Words().Replace(type.Name.Split('`')[0], "$1 $2").ToUpperInvariant();
        var entity = type.GetProperty("Entity")?.GetValue(node) as EntityType
                     ?? (type.IsGenericType ? model.FindEntity(type.GetGenericArguments()[0]) : null);
        var index = type.GetProperty("Index")?.GetValue(node) as EntityIndex;
        var text = entity is null ? kind : kind + " " + entity.Name + (index is null ? "" : "." + index.Name);
        return (entity, text);
    }

    [GeneratedRegex("([a-z])([A-Z])")]
    private static partial Regex Words();
}
