using System.Linq.Expressions;

namespace ZgDb.Query;

/// <summary>
/// The <see cref="IQueryProvider"/> of every ZgDb collection. Runs a query over one consistent snapshot of the
/// collections it reads: each collection root is replaced by copies of its documents and the rest is evaluated by
/// LINQ-to-Objects, so results are exactly LINQ-to-Objects' on the same data.
/// </summary>
internal sealed class ZgQueryProvider(ZgDatabase database) : IQueryProvider
{
    public ZgDatabase Database { get; } = database;

    public IQueryable CreateQuery(Expression expression)
    {
        var element = TypeSystem.ElementType(expression.Type);
        return (IQueryable)Activator.CreateInstance(typeof(ZgQuery<>).MakeGenericType(element), this, expression)!;
    }

    public IQueryable<TElement> CreateQuery<TElement>(Expression expression) => new ZgQuery<TElement>(this, expression);

    public object? Execute(Expression expression) => Execute<object?>(expression);

    public TResult Execute<TResult>(Expression expression)
    {
        // Relations first: Include calls come out (applied to the results), navigations become index lookups.
        var (query, includes) = Relations.IncludeProcessor.Strip(expression, Database);
        query = new Relations.NavigationExpander(Database).Visit(query);
        var result = LinqToObjects.Execute<TResult>(new RootRewriter().Visit(query));
        return includes is null ? result : (TResult)includes.ApplyTo(result)!;
    }

    /// <summary>System.Linq's own LINQ-to-Objects provider: it rewrites Queryable calls over in-memory roots to Enumerable calls.</summary>
    private static readonly IQueryProvider LinqToObjects = new EnumerableQuery<object>(Array.Empty<object>());

    /// <summary>Replaces each collection root with an in-memory copy of its documents (one snapshot per root).</summary>
    private sealed class RootRewriter : ExpressionVisitor
    {
        protected override Expression VisitConstant(ConstantExpression node)
        {
            if (node.Value is IQueryable queryable && queryable.Provider is ZgQueryProvider && node.Value.GetType().IsGenericType
                && node.Value.GetType().GetGenericTypeDefinition() == typeof(ZgCollection<>))
            {
                var list = Activator.CreateInstance(typeof(List<>).MakeGenericType(queryable.ElementType), queryable)!;
                var asQueryable = typeof(Queryable).GetMethods().First(m => m.Name == nameof(Queryable.AsQueryable) && m.IsGenericMethod)
                    .MakeGenericMethod(queryable.ElementType);
                return Expression.Constant(asQueryable.Invoke(null, [list]), node.Type.IsAssignableFrom(typeof(IQueryable<>).MakeGenericType(queryable.ElementType)) ? node.Type : typeof(IQueryable<>).MakeGenericType(queryable.ElementType));
            }
            return base.VisitConstant(node);
        }
    }
}

/// <summary>A query over ZgDb collections, composed with LINQ operators; runs when enumerated.</summary>
internal sealed class ZgQuery<T>(ZgQueryProvider provider, Expression expression) : IOrderedQueryable<T>
{
    public Type ElementType => typeof(T);
    public Expression Expression { get; } = expression;
    public IQueryProvider Provider { get; } = provider;

    public IEnumerator<T> GetEnumerator() => provider.Execute<IEnumerable<T>>(Expression).GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}

internal static class TypeSystem
{
    public static Type ElementType(Type sequence)
    {
        var enumerable = sequence.IsGenericType && sequence.GetGenericTypeDefinition() == typeof(IEnumerable<>)
            ? sequence
            : sequence.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return enumerable?.GetGenericArguments()[0] ?? sequence;
    }
}
