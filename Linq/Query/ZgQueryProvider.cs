using System.Collections;
using System.Linq.Expressions;

namespace ZgDb.Query;

/// <summary>What the query pipeline needs from a collection root found in an expression.</summary>
internal interface IZgCollection
{
    Type ElementType { get; }
    ZgDatabase Database { get; }
}

/// <summary>
/// The <see cref="IQueryProvider"/> of every ZgDb collection and query: hands each expression to the database's
/// <see cref="QueryPipeline"/> (plan cache, re-linq front end, planner, compiled plans).
/// </summary>
internal sealed class ZgQueryProvider(ZgDatabase database) : IQueryProvider
{
    public ZgDatabase Database { get; } = database;
    public QueryPipeline Pipeline { get; } = QueryPipeline.For(database);

    public IQueryable CreateQuery(Expression expression)
    {
        var element = EnumerableMethods.ElementType(expression.Type);
        return (IQueryable)Activator.CreateInstance(typeof(ZgQuery<>).MakeGenericType(element), this, expression)!;
    }

    public IQueryable<TElement> CreateQuery<TElement>(Expression expression) => new ZgQuery<TElement>(this, expression);

    public object? Execute(Expression expression) => Execute<object?>(expression);

    public TResult Execute<TResult>(Expression expression)
    {
        var (query, includes) = Prepare(expression);
        return (TResult)Pipeline.Execute(query, includes)!;
    }

    /// <summary>The plan of <paramref name="expression"/> as text (see <see cref="QueryableExtensions.Explain{T}"/>).</summary>
    public string Explain(Expression expression) => Pipeline.Explain(Prepare(expression).Query);

    /// <summary>Include calls come out (applied to the results); the rest goes to the pipeline (which expands navigations).</summary>
    private (Expression Query, Relations.IncludeProcessor? Includes) Prepare(Expression expression) =>
        Relations.IncludeProcessor.Strip(expression, Database);
}

/// <summary>A query over ZgDb collections, composed with LINQ operators; runs (over one snapshot) each time it is enumerated.</summary>
internal sealed class ZgQuery<T>(ZgQueryProvider provider, Expression expression) : IOrderedQueryable<T>
{
    public Type ElementType => typeof(T);
    public Expression Expression { get; } = expression;
    public IQueryProvider Provider { get; } = provider;

    public IEnumerator<T> GetEnumerator() => provider.Execute<IEnumerable<T>>(Expression).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => Expression.ToString();
}
