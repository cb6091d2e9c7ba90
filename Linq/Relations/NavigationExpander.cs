using System.Linq.Expressions;
using System.Reflection;
using ZgDb.Query.Execution;

namespace ZgDb.Relations;

/// <summary>
/// Rewrites navigation accesses in a query into lookups through the indexes, so a query over documents (which
/// store only foreign keys) gives the results LINQ-to-Objects gives over the fully linked object graph:
/// <c>p.Author</c> becomes a primary-key lookup of <c>p.AuthorId</c>; <c>u.Posts</c> becomes the posts found through
/// the foreign-key index on <c>Post.AuthorId</c>. The lookups read the <see cref="QueryContext"/> that
/// <paramref name="context"/> stands for (<see cref="RelatedDocuments"/>): the database state the query runs over,
/// never a later one.
/// </summary>
internal sealed class NavigationExpander(DatabaseModel model, ParameterExpression context) : ExpressionVisitor
{
    private static readonly MethodInfo ReferenceMethod = typeof(RelatedDocuments).GetMethod(nameof(RelatedDocuments.Principal))!;
    private static readonly MethodInfo DependentsMethod = typeof(RelatedDocuments).GetMethod(nameof(RelatedDocuments.Dependents))!;
    private static readonly MethodInfo DependentMethod = typeof(RelatedDocuments).GetMethod(nameof(RelatedDocuments.Dependent))!;

    /// <summary>Whether <paramref name="property"/> is a navigation of the model.</summary>
    public bool IsNavigation(PropertyInfo property) =>
        model.Relationships.Any(r => r.DependentNavigation == property || r.PrincipalNavigation == property);

    protected override Expression VisitMember(MemberExpression node)
    {
        if (node.Member is not PropertyInfo property || node.Expression is null) return base.VisitMember(node);
        var relationship = model.Relationships.FirstOrDefault(r => r.DependentNavigation == property || r.PrincipalNavigation == property);
        if (relationship is null) return base.VisitMember(node);
        var owner = Visit(node.Expression);
        if (relationship.DependentNavigation == property)
        {
            var foreignKey = Expression.Convert(Expression.Property(owner, relationship.ForeignKey.Info), typeof(object));
            return Expression.Call(ReferenceMethod.MakeGenericMethod(relationship.Principal.ClrType), context, foreignKey);
        }
        var key = Expression.Convert(Expression.Property(owner, relationship.Principal.Key.Info), typeof(object));
        var related = Expression.Constant(relationship);
        if (relationship.IsUnique)
            return Expression.Call(DependentMethod.MakeGenericMethod(relationship.Dependent.ClrType), context, related, key);
        Expression list = Expression.Call(DependentsMethod.MakeGenericMethod(relationship.Dependent.ClrType), context, related, key);
        if (property.PropertyType.IsArray)
            list = Expression.Call(typeof(Enumerable).GetMethod(nameof(Enumerable.ToArray))!.MakeGenericMethod(relationship.Dependent.ClrType), list);
        return list.Type == property.PropertyType ? list : Expression.Convert(list, property.PropertyType);
    }
}
