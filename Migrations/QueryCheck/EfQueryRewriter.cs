using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using ZgDb.Query;

namespace ZgDb.Migrations.QueryCheck;

/// <summary>
/// Turns a ZgDb query (as the pipeline hands it to its observer) into the same query over EF Core: each collection
/// root becomes the <c>DbSet&lt;T&gt;</c> root of <paramref name="context"/>, each parameter the form the application
/// wrote it in (a literal stays a constant, a captured value becomes a captured value EF Core turns into a SQL
/// parameter). For printing, the parameters stay <c>@p0, @p1...</c>.
/// </summary>
/// <exception cref="ArgumentException">A query form the rewrite cannot express over EF Core (a collection root used as a <c>ZgCollection</c>, not as a queryable).</exception>
internal sealed class EfQueryRewriter(DbContext context, IReadOnlyList<ParameterExpression> parameters, IReadOnlyList<bool> literals, IReadOnlyList<object?> values,
    bool keepParameters) : ExpressionVisitor
{
    private readonly Dictionary<ParameterExpression, int> _slots = parameters.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i);

    public static Expression Rewrite(DbContext context, CompiledQueryEvent query, bool keepParameters = false) =>
        new EfQueryRewriter(context, query.Parameters, query.Literals, query.Values, keepParameters).Visit(query.Query);

    protected override Expression VisitConstant(ConstantExpression node) =>
        QueryRoots.CollectionElementType(node.Value) is { } element ? Root(element) : node;

    protected override Expression VisitParameter(ParameterExpression node)
    {
        if (keepParameters || !_slots.TryGetValue(node, out int slot)) return node;
        var value = values[slot];
        if (literals[slot]) return Expression.Constant(value, node.Type);
        var box = Activator.CreateInstance(typeof(StrongBox<>).MakeGenericType(node.Type), value)!;
        return Expression.Field(Expression.Constant(box), nameof(StrongBox<int>.Value));
    }

    private Expression Root(Type element)
    {
        var set = (IQueryable)typeof(DbContext).GetMethod(nameof(DbContext.Set), Type.EmptyTypes)!.MakeGenericMethod(element).Invoke(context, null)!;
        return set.Expression;
    }
}
