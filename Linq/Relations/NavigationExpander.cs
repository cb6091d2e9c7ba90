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

    private static readonly MethodInfo EntryMethod = typeof(ZgDatabase).GetMethod(nameof(ZgDatabase.Entry))!;
    private static readonly MethodInfo EntryReference = typeof(ZgEntry<>).GetMethod(nameof(ZgEntry<object>.Reference))!;
    private static readonly MethodInfo EntryCollection = typeof(ZgEntry<>).GetMethod(nameof(ZgEntry<object>.Collection))!;
    private static readonly MethodInfo LoadMethod = typeof(ZgNavigationEntry).GetMethod(nameof(ZgNavigationEntry.Load))!;
    private static readonly MethodInfo LoadInQueryMethod = typeof(Navigations).GetMethod(nameof(Navigations.LoadInQuery))!;

    /// <summary>Whether <paramref name="property"/> is a navigation of the model.</summary>
    public bool IsNavigation(PropertyInfo property) =>
        model.Relationships.Any(r => r.DependentNavigation == property || r.PrincipalNavigation == property) || model.FindSkipNavigation(property) is not null;

    /// <summary>
    /// <c>db.Entry(x).Reference(e =&gt; e.Nav).Load()</c> (or <c>.Collection(...)</c>) inside the query becomes a load from
    /// the query's context (<see cref="Navigations.LoadInQuery"/>), so it reads the query's state too.
    /// </summary>
    protected override Expression VisitMethodCall(MethodCallExpression node)
    {
        if (node.Method == LoadMethod
            && node.Object is MethodCallExpression { Object: MethodCallExpression { Method.IsGenericMethod: true } entry } navigationCall
            && entry.Method.GetGenericMethodDefinition() == EntryMethod
            && (SameMethod(navigationCall.Method, EntryReference) || SameMethod(navigationCall.Method, EntryCollection))
            && navigationCall.Arguments[0] is UnaryExpression { NodeType: ExpressionType.Quote, Operand: LambdaExpression path }
            && path.Body is MemberExpression { Member: PropertyInfo navigation } member && member.Expression == path.Parameters[0]
            && IsNavigation(navigation))
        {
            var entityType = entry.Method.GetGenericArguments()[0];
            return Expression.Call(LoadInQueryMethod.MakeGenericMethod(entityType), context, Visit(entry.Object!), Visit(entry.Arguments[0]),
                Expression.Constant(navigation), Expression.Constant(SameMethod(navigationCall.Method, EntryCollection)));
        }
        if (node.Method.IsGenericMethod && node.Method.GetGenericMethodDefinition() == IncludedMethod)
            return Expression.Call(IncludedInQueryMethod.MakeGenericMethod(node.Method.GetGenericArguments()), context, Visit(node.Arguments[0]));
        return base.VisitMethodCall(node);
    }

    private static readonly MethodInfo IncludedMethod = typeof(IncludeProcessor).GetMethod(nameof(IncludeProcessor.Included))!;
    private static readonly MethodInfo IncludedInQueryMethod = typeof(IncludeProcessor).GetMethod(nameof(IncludeProcessor.IncludedInQuery))!;

    /// <summary>Whether <paramref name="method"/> is <paramref name="definition"/> (a method of a generic type's definition) on any instantiation.</summary>
    private static bool SameMethod(MethodInfo method, MethodInfo definition) =>
        method.Module == definition.Module && method.MetadataToken == definition.MetadataToken;

    protected override Expression VisitMember(MemberExpression node)
    {
        if (node.Member is not PropertyInfo property || node.Expression is null) return base.VisitMember(node);
        if (model.FindSkipNavigation(property) is { } skip) return SkipTargets(skip, Visit(node.Expression), property.PropertyType);
        var relationship = model.Relationships.FirstOrDefault(r => r.DependentNavigation == property || r.PrincipalNavigation == property);
        if (relationship is null) return base.VisitMember(node);
        var owner = Visit(node.Expression);
        if (relationship.DependentNavigation == property)
        {
            Expression foreignKey = relationship.HasCompositeForeignKey
                ? Expression.Call(Expression.Constant(relationship), typeof(Relationship).GetMethod(nameof(Relationship.ForeignKeyOf))!, owner)
                : Expression.Convert(Expression.Property(owner, relationship.ForeignKey.Info), typeof(object));
            return Expression.Call(ReferenceMethod.MakeGenericMethod(relationship.Principal.ClrType), context, foreignKey);
        }
        Expression key = relationship.Principal.HasCompositeKey
            ? Expression.Call(Expression.Constant(relationship.Principal), typeof(EntityType).GetMethod(nameof(EntityType.KeyOf))!, owner)
            : Expression.Convert(Expression.Property(owner, relationship.Principal.Key.Info), typeof(object));
        var related = Expression.Constant(relationship);
        if (relationship.IsUnique)
            return Expression.Call(DependentMethod.MakeGenericMethod(relationship.Dependent.ClrType), context, related, key);
        Expression list = Expression.Call(DependentsMethod.MakeGenericMethod(relationship.Dependent.ClrType), context, related, key);
        if (property.PropertyType.IsArray)
            list = Expression.Call(typeof(Enumerable).GetMethod(nameof(Enumerable.ToArray))!.MakeGenericMethod(relationship.Dependent.ClrType), list);
        return list.Type == property.PropertyType ? list : Expression.Convert(list, property.PropertyType);
    }

    private static readonly MethodInfo SkipTargetsMethod = typeof(RelatedDocuments).GetMethod(nameof(RelatedDocuments.SkipTargets))!;

    /// <summary><c>p.Tags</c> of a many-to-many: the targets of the owner's join rows (<see cref="RelatedDocuments.SkipTargets"/>).</summary>
    private Expression SkipTargets(SkipNavigation skip, Expression owner, Type navigationType)
    {
        var key = Expression.Convert(Expression.Property(owner, skip.Entity.Key.Info), typeof(object));
        Expression list = Expression.Call(SkipTargetsMethod.MakeGenericMethod(skip.JoinEntity.ClrType, skip.Target.ClrType), context, Expression.Constant(skip), key);
        if (navigationType.IsArray)
            list = Expression.Call(typeof(Enumerable).GetMethod(nameof(Enumerable.ToArray))!.MakeGenericMethod(skip.Target.ClrType), list);
        return list.Type == navigationType ? list : Expression.Convert(list, navigationType);
    }
}
