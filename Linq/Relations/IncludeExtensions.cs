using System.Linq.Expressions;
using System.Reflection;

namespace ZgDb.Linq;

/// <summary>A query with an Include, which ThenInclude can extend (as EF Core's).</summary>
public interface IIncludableQueryable<out TEntity, out TProperty> : IQueryable<TEntity>;

/// <summary>
/// Eager loading of navigations, as in EF Core: <c>db.Posts.Include(p =&gt; p.Author)</c>,
/// <c>db.Users.Include(u =&gt; u.Posts).ThenInclude(p =&gt; p.Comments)</c>, and filtered collection includes
/// (<c>Include(u =&gt; u.Posts.Where(p =&gt; p.Published).OrderBy(p =&gt; p.Title).Take(5))</c>). Navigations are resolved
/// by primary-key lookups and the foreign-key indexes. On a query that is not a ZgDb query these do nothing; on a
/// database connected to a server (<c>ZgDatabase.Connect</c>) a navigation path travels and the server loads it (a
/// filtered include or a many-to-many navigation throws <see cref="NotSupportedException"/> when the query runs).
/// In the namespace <c>ZgDb.Linq</c>, imported deliberately, so a file importing EF Core's namespace too has no
/// ambiguous <c>Include</c> (docs/ASYNC.md).
/// </summary>
public static class IncludeExtensions
{
    internal static readonly MethodInfo IncludeMethod = typeof(IncludeExtensions).GetMethod(nameof(Include))!;
    internal static readonly MethodInfo ThenIncludeAfterCollection = typeof(IncludeExtensions).GetMethods()
        .Single(m => m.Name == nameof(ThenInclude) && m.GetParameters()[0].ParameterType.GetGenericArguments()[1].IsGenericType);
    internal static readonly MethodInfo ThenIncludeAfterReference = typeof(IncludeExtensions).GetMethods()
        .Single(m => m.Name == nameof(ThenInclude) && m != ThenIncludeAfterCollection);

    /// <summary>Loads the navigation (reference or collection, optionally filtered) on every entity the query returns.</summary>
    public static IIncludableQueryable<TEntity, TProperty> Include<TEntity, TProperty>(this IQueryable<TEntity> source, Expression<Func<TEntity, TProperty>> navigationPath)
        where TEntity : class =>
        Wrap<TEntity, TProperty>(source, IncludeMethod.MakeGenericMethod(typeof(TEntity), typeof(TProperty)), navigationPath);

    /// <summary>Loads a navigation of each element of the collection loaded by the previous Include.</summary>
    public static IIncludableQueryable<TEntity, TProperty> ThenInclude<TEntity, TPreviousProperty, TProperty>(
        this IIncludableQueryable<TEntity, IEnumerable<TPreviousProperty>> source, Expression<Func<TPreviousProperty, TProperty>> navigationPath)
        where TEntity : class =>
        Wrap<TEntity, TProperty>(source, ThenIncludeAfterCollection.MakeGenericMethod(typeof(TEntity), typeof(TPreviousProperty), typeof(TProperty)), navigationPath);

    /// <summary>Loads a navigation of the reference loaded by the previous Include.</summary>
    public static IIncludableQueryable<TEntity, TProperty> ThenInclude<TEntity, TPreviousProperty, TProperty>(
        this IIncludableQueryable<TEntity, TPreviousProperty> source, Expression<Func<TPreviousProperty, TProperty>> navigationPath)
        where TEntity : class =>
        Wrap<TEntity, TProperty>(source, ThenIncludeAfterReference.MakeGenericMethod(typeof(TEntity), typeof(TPreviousProperty), typeof(TProperty)), navigationPath);

    private static IIncludableQueryable<TEntity, TProperty> Wrap<TEntity, TProperty>(IQueryable<TEntity> source, MethodInfo method, LambdaExpression path)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(path);
        // A connected database's query carries the Include to the server (its provider says if it cannot).
        if (source.Provider is not Query.ZgQueryProvider && RemoteRoot(source.Expression) is null)
            return new IncludableQueryable<TEntity, TProperty>(source);
        var call = Expression.Call(null, method, source.Expression, Expression.Quote(path));
        return new IncludableQueryable<TEntity, TProperty>(source.Provider.CreateQuery<TEntity>(call));
    }

    /// <summary>Whether <paramref name="method"/> is Include or one of the ThenIncludes (a generic method definition of this class).</summary>
    internal static bool IsInclude(MethodInfo method) =>
        method.DeclaringType == typeof(IncludeExtensions) && method.IsGenericMethod
        && method.GetGenericMethodDefinition() is var d && (d == IncludeMethod || d == ThenIncludeAfterCollection || d == ThenIncludeAfterReference);

    /// <summary>The backend of the connected database the query is rooted at, or null (an embedded database, or not a ZgDb query).</summary>
    private static Remote.IRemoteBackend? RemoteRoot(Expression expression)
    {
        while (expression is MethodCallExpression { Arguments.Count: > 0 } call) expression = call.Arguments[0];
        return expression is ConstantExpression { Value: Query.IZgCollection collection } ? collection.Database.Remote : null;
    }

    private sealed class IncludableQueryable<TEntity, TProperty>(IQueryable<TEntity> inner) : IIncludableQueryable<TEntity, TProperty>, IOrderedQueryable<TEntity>
    {
        public Type ElementType => inner.ElementType;
        public Expression Expression => inner.Expression;
        public IQueryProvider Provider => inner.Provider;
        public IEnumerator<TEntity> GetEnumerator() => inner.GetEnumerator();
        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
        /// <summary>The wrapped query's own description (a connected query says where each part runs).</summary>
        public override string? ToString() => inner.ToString();
    }
}
