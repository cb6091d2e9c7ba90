using System.Linq.Expressions;

namespace ZgDb.Query;

/// <summary>
/// The front end's mark for "every document of the collection of <see cref="ElementType"/>" in a normalized query
/// (an <see cref="IEnumerable{T}"/> of stored documents). The planner replaces each one with an access plan; no
/// compiled query ever contains one.
/// </summary>
internal sealed class CollectionSourceExpression(Type elementType) : Expression
{
    public Type ElementType { get; } = elementType;
    public override ExpressionType NodeType => ExpressionType.Extension;
    public override Type Type => typeof(IEnumerable<>).MakeGenericType(ElementType);
    public override bool CanReduce => false;
    protected override Expression VisitChildren(ExpressionVisitor visitor) => this;
    public override string ToString() => $"Collection<{ElementType.Name}>";
}

/// <summary>The element of a sequence that carries two query sources at once (after a join or a second from clause).</summary>
internal sealed class QueryPair<TFirst, TSecond>(TFirst first, TSecond second)
{
    public readonly TFirst First = first;
    public readonly TSecond Second = second;
}
