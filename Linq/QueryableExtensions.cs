using System.Linq.Expressions;
using System.Reflection;
using ZgDb.Query;

namespace ZgDb;

/// <summary>ZgDb's additions to LINQ: <see cref="Explain{T}"/> and asynchronous forms of the common operators.</summary>
public static class QueryableExtensions
{
    /// <summary>
    /// The plan ZgDb runs for this query, as text: the access path of each collection and the steps over it, e.g.
    /// <c>INDEX RANGE User.Age [25, +inf) -&gt; FILTER Name.StartsWith(@p1) -&gt; TAKE 10</c>. Does not run the query.
    /// On a connected database (ZgDb.Client) it says what runs where: <c>REMOTE [the server's plan] -&gt; IN MEMORY (client) Select</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The query is not a ZgDb query.</exception>
    /// <exception cref="NotSupportedException">ZgDb cannot evaluate the query (the message names the expression).</exception>
    public static string Explain<T>(this IQueryable<T> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        return ProviderOf(query).Explain(query.Expression);
    }

    /// <summary>The plan of a query ending in a scalar operator, e.g. <c>db.Users.ExplainOf(q =&gt; q.Count(u =&gt; u.Age &gt; 3))</c>.</summary>
    public static string ExplainOf<T, TResult>(this IQueryable<T> query, Expression<Func<IQueryable<T>, TResult>> terminal)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(terminal);
        var body = new RootReplacer(terminal.Parameters[0], query.Expression).Visit(terminal.Body);
        return ProviderOf(query).Explain(body);
    }

    /// <summary>The results as a list. Reads are synchronous in ZgDb: the task is already complete.</summary>
    public static Task<List<T>> ToListAsync<T>(this IQueryable<T> query, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(query.ToList());
    }

    /// <summary>The first result or default. Completes synchronously.</summary>
    public static Task<T?> FirstOrDefaultAsync<T>(this IQueryable<T> query, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(query.FirstOrDefault());
    }

    /// <summary>The first result matching <paramref name="predicate"/>, or default. Completes synchronously.</summary>
    public static Task<T?> FirstOrDefaultAsync<T>(this IQueryable<T> query, Expression<Func<T, bool>> predicate, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(query.FirstOrDefault(predicate));
    }

    /// <summary>The number of results. Completes synchronously.</summary>
    public static Task<int> CountAsync<T>(this IQueryable<T> query, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Queryable.Count(query));
    }

    /// <summary>The number of results matching <paramref name="predicate"/>. Completes synchronously.</summary>
    public static Task<int> CountAsync<T>(this IQueryable<T> query, Expression<Func<T, bool>> predicate, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Queryable.Count(query, predicate));
    }

    /// <summary>Whether there is any result. Completes synchronously.</summary>
    public static Task<bool> AnyAsync<T>(this IQueryable<T> query, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Queryable.Any(query));
    }

    /// <summary>Whether any result matches <paramref name="predicate"/>. Completes synchronously.</summary>
    public static Task<bool> AnyAsync<T>(this IQueryable<T> query, Expression<Func<T, bool>> predicate, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return Task.FromResult(Queryable.Any(query, predicate));
    }

    private static Remote.IExplainingProvider ProviderOf(IQueryable query) => query.Provider as Remote.IExplainingProvider
        ?? throw new ArgumentException($"Explain needs a ZgDb query; this one runs on {query.Provider.GetType().Name}.", nameof(query));

    private sealed class RootReplacer(ParameterExpression parameter, Expression root) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == parameter ? root : node;
    }
}
