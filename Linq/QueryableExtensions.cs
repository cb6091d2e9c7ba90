using System.Linq.Expressions;
using System.Reflection;
using ZgDb.Query;

namespace ZgDb;

/// <summary>
/// ZgDb's additions to LINQ: <see cref="Explain{T}"/> and <see cref="ExplainOf{T, TResult}"/>. The asynchronous operators and
/// <c>Include</c> are in the namespace <c>ZgDb.Linq</c> (<see cref="Linq.AsyncQueryableExtensions"/>), imported deliberately (docs/ASYNC.md).
/// </summary>
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

    private static Remote.IExplainingProvider ProviderOf(IQueryable query) => query.Provider as Remote.IExplainingProvider
        ?? throw new ArgumentException($"Explain needs a ZgDb query; this one runs on {query.Provider.GetType().Name}.", nameof(query));

    private sealed class RootReplacer(ParameterExpression parameter, Expression root) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == parameter ? root : node;
    }
}
