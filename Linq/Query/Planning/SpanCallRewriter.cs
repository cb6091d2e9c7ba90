using System.Linq.Expressions;
using System.Reflection;

namespace ZgDb.Query.Planning;

/// <summary>
/// C# 14 binds <c>array.Contains(x)</c> in an expression tree to <c>MemoryExtensions.Contains(op_Implicit(array), x)</c>
/// (first-class spans). The JIT's compiled trees run it; .NET's expression interpreter cannot hold a
/// <see cref="ReadOnlySpan{T}"/> (a ref struct) and throws <see cref="ArgumentException"/>. Under interpretation (Native
/// AOT, docs/AOT.md) the plan's code therefore calls <c>Enumerable.Contains(array ?? [], x)</c> instead: the same answer
/// (a null array converts to an empty span), and the operands are still evaluated array first, so a null path in
/// <c>x</c> throws as in LINQ-to-Objects.
/// </summary>
internal sealed class SpanCallRewriter : ExpressionVisitor
{
    private static readonly MethodInfo SpanContains = new Func<ReadOnlySpan<int>, int, bool>(MemoryExtensions.Contains).Method.GetGenericMethodDefinition();
    private static readonly MethodInfo SpanContainsComparer = new Func<ReadOnlySpan<int>, int, IEqualityComparer<int>?, bool>(MemoryExtensions.Contains).Method.GetGenericMethodDefinition();
    private static readonly MethodInfo EnumerableContains = new Func<IEnumerable<int>, int, bool>(Enumerable.Contains).Method.GetGenericMethodDefinition();
    private static readonly MethodInfo EnumerableContainsComparer = new Func<IEnumerable<int>, int, IEqualityComparer<int>?, bool>(Enumerable.Contains).Method.GetGenericMethodDefinition();

    public static Expression Rewrite(Expression expression) => new SpanCallRewriter().Visit(expression);

    protected override Expression VisitMethodCall(MethodCallExpression node)
    {
        if (node.Method.IsGenericMethod && node.Method.GetGenericMethodDefinition() is var definition
            && (definition == SpanContains || definition == SpanContainsComparer)
            && ArrayOf(node.Arguments[0]) is { } array)
        {
            var element = node.Method.GetGenericArguments()[0];
            var values = Expression.Coalesce(Visit(array), Expression.NewArrayBounds(element, Expression.Constant(0)));
            var rest = node.Arguments.Skip(1).Select(Visit).ToList();
            var method = (definition == SpanContains ? EnumerableContains : EnumerableContainsComparer).MakeGenericMethod(element);
            return Expression.Call(method, [Expression.Convert(values, typeof(IEnumerable<>).MakeGenericType(element)), .. rest!]);
        }
        return base.VisitMethodCall(node);
    }

    /// <summary>The array under <c>op_Implicit(array)</c> or <c>(ReadOnlySpan&lt;T&gt;)array</c>, else null.</summary>
    private static Expression? ArrayOf(Expression span) => span switch
    {
        MethodCallExpression { Method.Name: "op_Implicit", Arguments: [var a] } when a.Type.IsArray => a,
        UnaryExpression { NodeType: ExpressionType.Convert, Operand: var a } when a.Type.IsArray => a,
        _ => null,
    };
}
