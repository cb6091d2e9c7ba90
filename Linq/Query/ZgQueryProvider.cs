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
/// <see cref="QueryPipeline"/> (plan cache, re-linq front end, planner, compiled plans). Every entry point first
/// checks that the database is not disposed (<see cref="ZgDatabase.ThrowIfDisposed"/>).
/// </summary>
internal sealed class ZgQueryProvider(ZgDatabase database) : IQueryProvider, Remote.IExplainingProvider
{
    public ZgDatabase Database { get; } = database;
    public QueryPipeline Pipeline { get; } = QueryPipeline.For(database);

    public IQueryable CreateQuery(Expression expression)
    {
        Database.ThrowIfDisposed();
        var element = EnumerableMethods.ElementType(expression.Type);
        return (IQueryable)Activator.CreateInstance(typeof(ZgQuery<>).MakeGenericType(element), this, expression)!;
    }

    public IQueryable<TElement> CreateQuery<TElement>(Expression expression)
    {
        Database.ThrowIfDisposed();
        return new ZgQuery<TElement>(this, expression);
    }

    public object? Execute(Expression expression) => Execute<object?>(expression);

    public TResult Execute<TResult>(Expression expression)
    {
        Database.ThrowIfDisposed();
        var telemetry = Telemetry.OperationTelemetry.Start(Database, Telemetry.QuerySummary.OperationOf(expression, sequence: false), null);
        try
        {
            var (query, includes) = Prepare(expression);
            var result = (TResult)Pipeline.Execute(query, includes, telemetry)!;
            telemetry?.Succeeded();
            return result;
        }
        catch (Exception e) when (Telemetry.OperationTelemetry.FailedFilter(telemetry, e))
        {
            throw;
        }
    }

    /// <summary>The rows of a sequence query; when a listener is attached, measured until the enumeration ends (a <c>query</c> span with the rows returned).</summary>
    public IEnumerable<T> ExecuteRows<T>(Expression expression)
    {
        Database.ThrowIfDisposed();
        var telemetry = Telemetry.OperationTelemetry.Start(Database, Telemetry.QuerySummary.OperationOf(expression, sequence: true), null);
        try
        {
            var (query, includes) = Prepare(expression);
            var rows = (IEnumerable<T>)Pipeline.Execute(query, includes, telemetry)!;
            return telemetry is null ? rows : telemetry.Observe(rows);
        }
        catch (Exception e) when (Telemetry.OperationTelemetry.FailedFilter(telemetry, e))
        {
            throw;
        }
    }

    /// <summary>The plan of <paramref name="expression"/> as text (see <see cref="QueryableExtensions.Explain{T}"/>).</summary>
    public string Explain(Expression expression)
    {
        Database.ThrowIfDisposed();
        return Pipeline.Explain(Prepare(expression).Query);
    }

    /// <summary>Include calls come out (applied to the results); the rest goes to the pipeline (which expands navigations).</summary>
    private (Expression Query, Relations.IncludeProcessor? Includes) Prepare(Expression expression) =>
        Relations.IncludeProcessor.Strip(expression, Database);
}

/// <summary>
/// A query over ZgDb collections, composed with LINQ operators; runs (over one snapshot) each time it is enumerated.
/// Once the database is disposed, enumerating it, or going on with an enumeration begun before, throws
/// <see cref="ObjectDisposedException"/>. Also an <see cref="IAsyncEnumerable{T}"/> (<see cref="Execution.AsyncRows{T}"/>), so
/// EF Core's <c>ToListAsync</c> accepts a composed ZgDb query in a file that imports both (docs/ASYNC.md).
/// </summary>
internal sealed class ZgQuery<T>(ZgQueryProvider provider, Expression expression) : IOrderedQueryable<T>, IAsyncEnumerable<T>
{
    public Type ElementType => typeof(T);
    public Expression Expression { get; } = expression;
    public IQueryProvider Provider { get; } = provider;

    public IEnumerator<T> GetEnumerator() => Rows(provider.ExecuteRows<T>(Expression));

    /// <summary>The rows, checking before each step that the database is still open (a disposed one may have deleted the chunk files the rows come from).</summary>
    private IEnumerator<T> Rows(IEnumerable<T> rows)
    {
        using var enumerator = rows.GetEnumerator();
        while (true)
        {
            provider.Database.ThrowIfDisposed();
            if (!enumerator.MoveNext()) yield break;
            yield return enumerator.Current;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public IAsyncEnumerator<T> GetAsyncEnumerator(CancellationToken cancellationToken = default) =>
        new Execution.AsyncRows<T>(this).GetAsyncEnumerator(cancellationToken);

    public override string ToString() => Expression.ToString();
}
