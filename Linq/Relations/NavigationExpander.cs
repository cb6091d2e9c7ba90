using System.Linq.Expressions;
using System.Reflection;

namespace ZgDb.Relations;

/// <summary>
/// Rewrites navigation accesses in a query into lookups through the indexes, so a query over documents (which
/// store only foreign keys) gives the results LINQ-to-Objects gives over the fully linked object graph:
/// <c>p.Author</c> becomes a primary-key lookup of <c>p.AuthorId</c>; <c>u.Posts</c> becomes the posts found through
/// the foreign-key index on <c>Post.AuthorId</c>. The lookups read the database as of the moment they run.
/// </summary>
internal sealed class NavigationExpander(ZgDatabase database) : ExpressionVisitor
{
    private static readonly MethodInfo ReferenceMethod = typeof(NavigationExpander).GetMethod(nameof(Reference), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo DependentsMethod = typeof(NavigationExpander).GetMethod(nameof(Dependents), BindingFlags.NonPublic | BindingFlags.Static)!;
    private static readonly MethodInfo DependentMethod = typeof(NavigationExpander).GetMethod(nameof(Dependent), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>Whether <paramref name="property"/> is a navigation of the model.</summary>
    public bool IsNavigation(PropertyInfo property) =>
        database.Model.Relationships.Any(r => r.DependentNavigation == property || r.PrincipalNavigation == property);

    protected override Expression VisitMember(MemberExpression node)
    {
        if (node.Member is not PropertyInfo property || node.Expression is null) return base.VisitMember(node);
        var relationship = database.Model.Relationships.FirstOrDefault(r => r.DependentNavigation == property || r.PrincipalNavigation == property);
        if (relationship is null) return base.VisitMember(node);
        var owner = Visit(node.Expression);
        var context = Expression.Constant(new Context(database, relationship));
        if (relationship.DependentNavigation == property)
        {
            var foreignKey = Expression.Convert(Expression.Property(owner, relationship.ForeignKey.Info), typeof(object));
            return Expression.Call(ReferenceMethod.MakeGenericMethod(relationship.Principal.ClrType), context, foreignKey);
        }
        var key = Expression.Convert(Expression.Property(owner, relationship.Principal.Key.Info), typeof(object));
        if (relationship.IsUnique)
            return Expression.Call(DependentMethod.MakeGenericMethod(relationship.Dependent.ClrType), context, key);
        Expression list = Expression.Call(DependentsMethod.MakeGenericMethod(relationship.Dependent.ClrType), context, key);
        if (property.PropertyType.IsArray)
            list = Expression.Call(typeof(Enumerable).GetMethod(nameof(Enumerable.ToArray))!.MakeGenericMethod(relationship.Dependent.ClrType), list);
        return list.Type == property.PropertyType ? list : Expression.Convert(list, property.PropertyType);
    }

    internal sealed record Context(ZgDatabase Database, Relationship Relationship);

    private static T? Reference<T>(Context context, object? foreignKey) where T : class =>
        foreignKey is null ? null : context.Database.Engine.Store<T>().Find(foreignKey);

    private static List<T> Dependents<T>(Context context, object principalKey) where T : class =>
        context.Database.Engine.Store<T>().FindDependents(context.Relationship, principalKey);

    private static T? Dependent<T>(Context context, object principalKey) where T : class =>
        context.Database.Engine.Store<T>().FindDependents(context.Relationship, principalKey).FirstOrDefault();
}
