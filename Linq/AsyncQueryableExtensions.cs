using System.Linq.Expressions;
using ZgDb.Query.Execution;

namespace ZgDb.Linq;

/// <summary>
/// The asynchronous operators EF Core users reach for, over ZgDb queries: <c>using ZgDb.Linq;</c> then
/// <c>await db.Users.Where(u =&gt; u.Age &gt; 3).ToListAsync(token)</c>. They live in their own namespace, imported
/// deliberately, so a file that imports <c>Microsoft.EntityFrameworkCore</c> and <c>ZgDb</c> has no ambiguous call
/// (CS0121); where one file needs both, call these by class name (docs/ASYNC.md).
/// <para>
/// Cancellation: a token cancelled before the call gives a cancelled task; one cancelled while the query runs stops
/// it between stored rows (also rows a filter or a count reads without returning them) with
/// <see cref="OperationCanceledException"/>. Errors (an empty sequence for <c>FirstAsync</c>, a disposed database)
/// come back in the task, as from any <c>async</c> method; a null argument throws at once.
/// </para>
/// <para>
/// Each task is complete when the method returns: ZgDb's reads run on the calling thread, reading from the chunk
/// cache or, for a chunk not yet cached, from the file (the engine has no awaitable chunk load yet). On a query
/// that is not a ZgDb query the operators run its synchronous LINQ counterpart.
/// </para>
/// </summary>
public static class AsyncQueryableExtensions
{
    /// <summary>The query's rows as an <see cref="IAsyncEnumerable{T}"/>, for <c>await foreach</c>; the token given to <c>WithCancellation</c> (or <c>GetAsyncEnumerator</c>) is checked before each row and between stored rows.</summary>
    public static IAsyncEnumerable<T> AsAsyncEnumerable<T>(this IQueryable<T> source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source as IAsyncEnumerable<T> ?? new AsyncRows<T>(source);
    }

    /// <summary>The results as a list.</summary>
    public static Task<List<T>> ToListAsync<T>(this IQueryable<T> source, CancellationToken cancellationToken = default) =>
        Run(source, cancellationToken, static (q, token) =>
        {
            var list = new List<T>();
            foreach (var row in q)
            {
                token.ThrowIfCancellationRequested();
                list.Add(row);
            }
            return list;
        });

    /// <summary>The results as an array.</summary>
    public static Task<T[]> ToArrayAsync<T>(this IQueryable<T> source, CancellationToken cancellationToken = default) =>
        Run(source, cancellationToken, static (q, token) => Rows(q, token).ToArray());

    /// <summary>The results by key; a key twice throws <see cref="ArgumentException"/>, as LINQ's <c>ToDictionary</c>.</summary>
    public static Task<Dictionary<TKey, TSource>> ToDictionaryAsync<TSource, TKey>(this IQueryable<TSource> source, Func<TSource, TKey> keySelector, CancellationToken cancellationToken = default)
        where TKey : notnull =>
        ToDictionaryAsync(source, keySelector, static x => x, null, cancellationToken);

    /// <summary>The results by key, keys compared by <paramref name="comparer"/>.</summary>
    public static Task<Dictionary<TKey, TSource>> ToDictionaryAsync<TSource, TKey>(this IQueryable<TSource> source, Func<TSource, TKey> keySelector, IEqualityComparer<TKey>? comparer, CancellationToken cancellationToken = default)
        where TKey : notnull =>
        ToDictionaryAsync(source, keySelector, static x => x, comparer, cancellationToken);

    /// <summary>An element of each result by its key.</summary>
    public static Task<Dictionary<TKey, TElement>> ToDictionaryAsync<TSource, TKey, TElement>(this IQueryable<TSource> source, Func<TSource, TKey> keySelector, Func<TSource, TElement> elementSelector, CancellationToken cancellationToken = default)
        where TKey : notnull =>
        ToDictionaryAsync(source, keySelector, elementSelector, null, cancellationToken);

    /// <summary>An element of each result by its key, keys compared by <paramref name="comparer"/>.</summary>
    public static Task<Dictionary<TKey, TElement>> ToDictionaryAsync<TSource, TKey, TElement>(this IQueryable<TSource> source, Func<TSource, TKey> keySelector, Func<TSource, TElement> elementSelector, IEqualityComparer<TKey>? comparer, CancellationToken cancellationToken = default)
        where TKey : notnull
    {
        ArgumentNullException.ThrowIfNull(keySelector);
        ArgumentNullException.ThrowIfNull(elementSelector);
        return Run(source, cancellationToken, (q, token) => Rows(q, token).ToDictionary(keySelector, elementSelector, comparer));
    }

    /// <summary>Runs <paramref name="action"/> on each result, in order, checking the token before each.</summary>
    public static Task ForEachAsync<T>(this IQueryable<T> source, Action<T> action, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(action);
        if (cancellationToken.IsCancellationRequested) return Task.FromCanceled(cancellationToken);
        return EachAsync(source.AsAsyncEnumerable(), action, cancellationToken);
    }

    /// <summary>
    /// The action for each row of an <c>await foreach</c>, outside the query's steps: a chunk load awaited before the
    /// first row may start the query again, but never once the action has run (it is the application's side effect).
    /// </summary>
    private static async Task EachAsync<T>(IAsyncEnumerable<T> rows, Action<T> action, CancellationToken token)
    {
        await foreach (var row in rows.WithCancellation(token).ConfigureAwait(false)) action(row);
    }

    /// <summary>The first result; an empty query throws <see cref="InvalidOperationException"/>.</summary>
    public static Task<T> FirstAsync<T>(this IQueryable<T> source, CancellationToken cancellationToken = default) =>
        Run(source, cancellationToken, static q => Queryable.First(q));

    /// <summary>The first result matching <paramref name="predicate"/>; none throws <see cref="InvalidOperationException"/>.</summary>
    public static Task<T> FirstAsync<T>(this IQueryable<T> source, Expression<Func<T, bool>> predicate, CancellationToken cancellationToken = default) =>
        Run(source, predicate, cancellationToken, static (q, p) => Queryable.First(q, p));

    /// <summary>The first result, or default.</summary>
    public static Task<T?> FirstOrDefaultAsync<T>(this IQueryable<T> source, CancellationToken cancellationToken = default) =>
        Run(source, cancellationToken, static q => Queryable.FirstOrDefault(q));

    /// <summary>The first result matching <paramref name="predicate"/>, or default.</summary>
    public static Task<T?> FirstOrDefaultAsync<T>(this IQueryable<T> source, Expression<Func<T, bool>> predicate, CancellationToken cancellationToken = default) =>
        Run(source, predicate, cancellationToken, static (q, p) => Queryable.FirstOrDefault(q, p));

    /// <summary>The only result; none or more than one throws <see cref="InvalidOperationException"/>.</summary>
    public static Task<T> SingleAsync<T>(this IQueryable<T> source, CancellationToken cancellationToken = default) =>
        Run(source, cancellationToken, static q => Queryable.Single(q));

    /// <summary>The only result matching <paramref name="predicate"/>; none or more than one throws <see cref="InvalidOperationException"/>.</summary>
    public static Task<T> SingleAsync<T>(this IQueryable<T> source, Expression<Func<T, bool>> predicate, CancellationToken cancellationToken = default) =>
        Run(source, predicate, cancellationToken, static (q, p) => Queryable.Single(q, p));

    /// <summary>The only result, or default when there is none; more than one throws <see cref="InvalidOperationException"/>.</summary>
    public static Task<T?> SingleOrDefaultAsync<T>(this IQueryable<T> source, CancellationToken cancellationToken = default) =>
        Run(source, cancellationToken, static q => Queryable.SingleOrDefault(q));

    /// <summary>The only result matching <paramref name="predicate"/>, or default; more than one throws <see cref="InvalidOperationException"/>.</summary>
    public static Task<T?> SingleOrDefaultAsync<T>(this IQueryable<T> source, Expression<Func<T, bool>> predicate, CancellationToken cancellationToken = default) =>
        Run(source, predicate, cancellationToken, static (q, p) => Queryable.SingleOrDefault(q, p));

    /// <summary>The number of results (from the stored count or index entries when the plan can).</summary>
    public static Task<int> CountAsync<T>(this IQueryable<T> source, CancellationToken cancellationToken = default) =>
        Run(source, cancellationToken, static q => Queryable.Count(q));

    /// <summary>The number of results matching <paramref name="predicate"/>.</summary>
    public static Task<int> CountAsync<T>(this IQueryable<T> source, Expression<Func<T, bool>> predicate, CancellationToken cancellationToken = default) =>
        Run(source, predicate, cancellationToken, static (q, p) => Queryable.Count(q, p));

    /// <summary>The number of results, as a long.</summary>
    public static Task<long> LongCountAsync<T>(this IQueryable<T> source, CancellationToken cancellationToken = default) =>
        Run(source, cancellationToken, static q => Queryable.LongCount(q));

    /// <summary>The number of results matching <paramref name="predicate"/>, as a long.</summary>
    public static Task<long> LongCountAsync<T>(this IQueryable<T> source, Expression<Func<T, bool>> predicate, CancellationToken cancellationToken = default) =>
        Run(source, predicate, cancellationToken, static (q, p) => Queryable.LongCount(q, p));

    /// <summary>Whether there is any result.</summary>
    public static Task<bool> AnyAsync<T>(this IQueryable<T> source, CancellationToken cancellationToken = default) =>
        Run(source, cancellationToken, static q => Queryable.Any(q));

    /// <summary>Whether any result matches <paramref name="predicate"/>.</summary>
    public static Task<bool> AnyAsync<T>(this IQueryable<T> source, Expression<Func<T, bool>> predicate, CancellationToken cancellationToken = default) =>
        Run(source, predicate, cancellationToken, static (q, p) => Queryable.Any(q, p));

    /// <summary>Whether every result matches <paramref name="predicate"/> (true for an empty query).</summary>
    public static Task<bool> AllAsync<T>(this IQueryable<T> source, Expression<Func<T, bool>> predicate, CancellationToken cancellationToken = default) =>
        Run(source, predicate, cancellationToken, static (q, p) => Queryable.All(q, p));

    /// <summary>The smallest result; an empty query of a non-nullable type throws <see cref="InvalidOperationException"/>, as LINQ.</summary>
    public static Task<T> MinAsync<T>(this IQueryable<T> source, CancellationToken cancellationToken = default) =>
        Run(source, cancellationToken, static q => Queryable.Min(q)!);

    /// <summary>The smallest value of <paramref name="selector"/> over the results.</summary>
    public static Task<TResult> MinAsync<T, TResult>(this IQueryable<T> source, Expression<Func<T, TResult>> selector, CancellationToken cancellationToken = default) =>
        Run(source, selector, cancellationToken, static (q, s) => Queryable.Min(q, s)!);

    /// <summary>The largest result; an empty query of a non-nullable type throws <see cref="InvalidOperationException"/>, as LINQ.</summary>
    public static Task<T> MaxAsync<T>(this IQueryable<T> source, CancellationToken cancellationToken = default) =>
        Run(source, cancellationToken, static q => Queryable.Max(q)!);

    /// <summary>The largest value of <paramref name="selector"/> over the results.</summary>
    public static Task<TResult> MaxAsync<T, TResult>(this IQueryable<T> source, Expression<Func<T, TResult>> selector, CancellationToken cancellationToken = default) =>
        Run(source, selector, cancellationToken, static (q, s) => Queryable.Max(q, s)!);

    /// <summary>The sum of the values (<c>Queryable.Sum</c>).</summary>
    public static Task<int> SumAsync(this IQueryable<int> source, CancellationToken cancellationToken = default) =>
        Run(source, cancellationToken, static q => Queryable.Sum(q));

    /// <summary>The sum of <paramref name="selector"/> over the results.</summary>
    public static Task<int> SumAsync<TSource>(this IQueryable<TSource> source, Expression<Func<TSource, int>> selector, CancellationToken cancellationToken = default) =>
        Run(source, selector, cancellationToken, static (q, s) => Queryable.Sum(q, s));

    /// <summary>The sum of the values (<c>Queryable.Sum</c>).</summary>
    public static Task<int?> SumAsync(this IQueryable<int?> source, CancellationToken cancellationToken = default) =>
        Run(source, cancellationToken, static q => Queryable.Sum(q));

    /// <summary>The sum of <paramref name="selector"/> over the results.</summary>
    public static Task<int?> SumAsync<TSource>(this IQueryable<TSource> source, Expression<Func<TSource, int?>> selector, CancellationToken cancellationToken = default) =>
        Run(source, selector, cancellationToken, static (q, s) => Queryable.Sum(q, s));

    /// <summary>The sum of the values (<c>Queryable.Sum</c>).</summary>
    public static Task<long> SumAsync(this IQueryable<long> source, CancellationToken cancellationToken = default) =>
        Run(source, cancellationToken, static q => Queryable.Sum(q));

    /// <summary>The sum of <paramref name="selector"/> over the results.</summary>
    public static Task<long> SumAsync<TSource>(this IQueryable<TSource> source, Expression<Func<TSource, long>> selector, CancellationToken cancellationToken = default) =>
        Run(source, selector, cancellationToken, static (q, s) => Queryable.Sum(q, s));

    /// <summary>The sum of the values (<c>Queryable.Sum</c>).</summary>
    public static Task<long?> SumAsync(this IQueryable<long?> source, CancellationToken cancellationToken = default) =>
        Run(source, cancellationToken, static q => Queryable.Sum(q));

    /// <summary>The sum of <paramref name="selector"/> over the results.</summary>
    public static Task<long?> SumAsync<TSource>(this IQueryable<TSource> source, Expression<Func<TSource, long?>> selector, CancellationToken cancellationToken = default) =>
        Run(source, selector, cancellationToken, static (q, s) => Queryable.Sum(q, s));

    /// <summary>The sum of the values (<c>Queryable.Sum</c>).</summary>
    public static Task<float> SumAsync(this IQueryable<float> source, CancellationToken cancellationToken = default) =>
        Run(source, cancellationToken, static q => Queryable.Sum(q));

    /// <summary>The sum of <paramref name="selector"/> over the results.</summary>
    public static Task<float> SumAsync<TSource>(this IQueryable<TSource> source, Expression<Func<TSource, float>> selector, CancellationToken cancellationToken = default) =>
        Run(source, selector, cancellationToken, static (q, s) => Queryable.Sum(q, s));

    /// <summary>The sum of the values (<c>Queryable.Sum</c>).</summary>
    public static Task<float?> SumAsync(this IQueryable<float?> source, CancellationToken cancellationToken = default) =>
        Run(source, cancellationToken, static q => Queryable.Sum(q));

    /// <summary>The sum of <paramref name="selector"/> over the results.</summary>
    public static Task<float?> SumAsync<TSource>(this IQueryable<TSource> source, Expression<Func<TSource, float?>> selector, CancellationToken cancellationToken = default) =>
        Run(source, selector, cancellationToken, static (q, s) => Queryable.Sum(q, s));

    /// <summary>The sum of the values (<c>Queryable.Sum</c>).</summary>
    public static Task<double> SumAsync(this IQueryable<double> source, CancellationToken cancellationToken = default) =>
        Run(source, cancellationToken, static q => Queryable.Sum(q));

    /// <summary>The sum of <paramref name="selector"/> over the results.</summary>
    public static Task<double> SumAsync<TSource>(this IQueryable<TSource> source, Expression<Func<TSource, double>> selector, CancellationToken cancellationToken = default) =>
        Run(source, selector, cancellationToken, static (q, s) => Queryable.Sum(q, s));

    /// <summary>The sum of the values (<c>Queryable.Sum</c>).</summary>
    public static Task<double?> SumAsync(this IQueryable<double?> source, CancellationToken cancellationToken = default) =>
        Run(source, cancellationToken, static q => Queryable.Sum(q));

    /// <summary>The sum of <paramref name="selector"/> over the results.</summary>
    public static Task<double?> SumAsync<TSource>(this IQueryable<TSource> source, Expression<Func<TSource, double?>> selector, CancellationToken cancellationToken = default) =>
        Run(source, selector, cancellationToken, static (q, s) => Queryable.Sum(q, s));

    /// <summary>The sum of the values (<c>Queryable.Sum</c>).</summary>
    public static Task<decimal> SumAsync(this IQueryable<decimal> source, CancellationToken cancellationToken = default) =>
        Run(source, cancellationToken, static q => Queryable.Sum(q));

    /// <summary>The sum of <paramref name="selector"/> over the results.</summary>
    public static Task<decimal> SumAsync<TSource>(this IQueryable<TSource> source, Expression<Func<TSource, decimal>> selector, CancellationToken cancellationToken = default) =>
        Run(source, selector, cancellationToken, static (q, s) => Queryable.Sum(q, s));

    /// <summary>The sum of the values (<c>Queryable.Sum</c>).</summary>
    public static Task<decimal?> SumAsync(this IQueryable<decimal?> source, CancellationToken cancellationToken = default) =>
        Run(source, cancellationToken, static q => Queryable.Sum(q));

    /// <summary>The sum of <paramref name="selector"/> over the results.</summary>
    public static Task<decimal?> SumAsync<TSource>(this IQueryable<TSource> source, Expression<Func<TSource, decimal?>> selector, CancellationToken cancellationToken = default) =>
        Run(source, selector, cancellationToken, static (q, s) => Queryable.Sum(q, s));

    /// <summary>The average of the values; an empty non-nullable sequence throws <see cref="InvalidOperationException"/>, as LINQ.</summary>
    public static Task<double> AverageAsync(this IQueryable<int> source, CancellationToken cancellationToken = default) =>
        Run(source, cancellationToken, static q => Queryable.Average(q));

    /// <summary>The average of <paramref name="selector"/> over the results.</summary>
    public static Task<double> AverageAsync<TSource>(this IQueryable<TSource> source, Expression<Func<TSource, int>> selector, CancellationToken cancellationToken = default) =>
        Run(source, selector, cancellationToken, static (q, s) => Queryable.Average(q, s));

    /// <summary>The average of the values; an empty non-nullable sequence throws <see cref="InvalidOperationException"/>, as LINQ.</summary>
    public static Task<double?> AverageAsync(this IQueryable<int?> source, CancellationToken cancellationToken = default) =>
        Run(source, cancellationToken, static q => Queryable.Average(q));

    /// <summary>The average of <paramref name="selector"/> over the results.</summary>
    public static Task<double?> AverageAsync<TSource>(this IQueryable<TSource> source, Expression<Func<TSource, int?>> selector, CancellationToken cancellationToken = default) =>
        Run(source, selector, cancellationToken, static (q, s) => Queryable.Average(q, s));

    /// <summary>The average of the values; an empty non-nullable sequence throws <see cref="InvalidOperationException"/>, as LINQ.</summary>
    public static Task<double> AverageAsync(this IQueryable<long> source, CancellationToken cancellationToken = default) =>
        Run(source, cancellationToken, static q => Queryable.Average(q));

    /// <summary>The average of <paramref name="selector"/> over the results.</summary>
    public static Task<double> AverageAsync<TSource>(this IQueryable<TSource> source, Expression<Func<TSource, long>> selector, CancellationToken cancellationToken = default) =>
        Run(source, selector, cancellationToken, static (q, s) => Queryable.Average(q, s));

    /// <summary>The average of the values; an empty non-nullable sequence throws <see cref="InvalidOperationException"/>, as LINQ.</summary>
    public static Task<double?> AverageAsync(this IQueryable<long?> source, CancellationToken cancellationToken = default) =>
        Run(source, cancellationToken, static q => Queryable.Average(q));

    /// <summary>The average of <paramref name="selector"/> over the results.</summary>
    public static Task<double?> AverageAsync<TSource>(this IQueryable<TSource> source, Expression<Func<TSource, long?>> selector, CancellationToken cancellationToken = default) =>
        Run(source, selector, cancellationToken, static (q, s) => Queryable.Average(q, s));

    /// <summary>The average of the values; an empty non-nullable sequence throws <see cref="InvalidOperationException"/>, as LINQ.</summary>
    public static Task<float> AverageAsync(this IQueryable<float> source, CancellationToken cancellationToken = default) =>
        Run(source, cancellationToken, static q => Queryable.Average(q));

    /// <summary>The average of <paramref name="selector"/> over the results.</summary>
    public static Task<float> AverageAsync<TSource>(this IQueryable<TSource> source, Expression<Func<TSource, float>> selector, CancellationToken cancellationToken = default) =>
        Run(source, selector, cancellationToken, static (q, s) => Queryable.Average(q, s));

    /// <summary>The average of the values; an empty non-nullable sequence throws <see cref="InvalidOperationException"/>, as LINQ.</summary>
    public static Task<float?> AverageAsync(this IQueryable<float?> source, CancellationToken cancellationToken = default) =>
        Run(source, cancellationToken, static q => Queryable.Average(q));

    /// <summary>The average of <paramref name="selector"/> over the results.</summary>
    public static Task<float?> AverageAsync<TSource>(this IQueryable<TSource> source, Expression<Func<TSource, float?>> selector, CancellationToken cancellationToken = default) =>
        Run(source, selector, cancellationToken, static (q, s) => Queryable.Average(q, s));

    /// <summary>The average of the values; an empty non-nullable sequence throws <see cref="InvalidOperationException"/>, as LINQ.</summary>
    public static Task<double> AverageAsync(this IQueryable<double> source, CancellationToken cancellationToken = default) =>
        Run(source, cancellationToken, static q => Queryable.Average(q));

    /// <summary>The average of <paramref name="selector"/> over the results.</summary>
    public static Task<double> AverageAsync<TSource>(this IQueryable<TSource> source, Expression<Func<TSource, double>> selector, CancellationToken cancellationToken = default) =>
        Run(source, selector, cancellationToken, static (q, s) => Queryable.Average(q, s));

    /// <summary>The average of the values; an empty non-nullable sequence throws <see cref="InvalidOperationException"/>, as LINQ.</summary>
    public static Task<double?> AverageAsync(this IQueryable<double?> source, CancellationToken cancellationToken = default) =>
        Run(source, cancellationToken, static q => Queryable.Average(q));

    /// <summary>The average of <paramref name="selector"/> over the results.</summary>
    public static Task<double?> AverageAsync<TSource>(this IQueryable<TSource> source, Expression<Func<TSource, double?>> selector, CancellationToken cancellationToken = default) =>
        Run(source, selector, cancellationToken, static (q, s) => Queryable.Average(q, s));

    /// <summary>The average of the values; an empty non-nullable sequence throws <see cref="InvalidOperationException"/>, as LINQ.</summary>
    public static Task<decimal> AverageAsync(this IQueryable<decimal> source, CancellationToken cancellationToken = default) =>
        Run(source, cancellationToken, static q => Queryable.Average(q));

    /// <summary>The average of <paramref name="selector"/> over the results.</summary>
    public static Task<decimal> AverageAsync<TSource>(this IQueryable<TSource> source, Expression<Func<TSource, decimal>> selector, CancellationToken cancellationToken = default) =>
        Run(source, selector, cancellationToken, static (q, s) => Queryable.Average(q, s));

    /// <summary>The average of the values; an empty non-nullable sequence throws <see cref="InvalidOperationException"/>, as LINQ.</summary>
    public static Task<decimal?> AverageAsync(this IQueryable<decimal?> source, CancellationToken cancellationToken = default) =>
        Run(source, cancellationToken, static q => Queryable.Average(q));

    /// <summary>The average of <paramref name="selector"/> over the results.</summary>
    public static Task<decimal?> AverageAsync<TSource>(this IQueryable<TSource> source, Expression<Func<TSource, decimal?>> selector, CancellationToken cancellationToken = default) =>
        Run(source, selector, cancellationToken, static (q, s) => Queryable.Average(q, s));

    /// <summary>The rows, checking the token before each one.</summary>
    private static IEnumerable<T> Rows<T>(IQueryable<T> query, CancellationToken token)
    {
        foreach (var row in query)
        {
            token.ThrowIfCancellationRequested();
            yield return row;
        }
    }

    private static Task<TResult> Run<TSource, TResult>(IQueryable<TSource> source, CancellationToken token, Func<IQueryable<TSource>, TResult> operation) =>
        Run(source, token, (q, _) => operation(q));

    private static Task<TResult> Run<TSource, TArgument, TResult>(IQueryable<TSource> source, TArgument argument, CancellationToken token, Func<IQueryable<TSource>, TArgument, TResult> operation)
    {
        ArgumentNullException.ThrowIfNull(argument);
        return Run(source, token, (q, _) => operation(q, argument));
    }

    /// <summary>
    /// Runs the synchronous operator with <paramref name="token"/> current (<see cref="QueryCancellation"/>), so the
    /// query's snapshots check it between stored rows, and inside an <see cref="Storage.Engine.AsyncChunkLoads"/> scope,
    /// so a chunk that is not cached is loaded by an awaited read (then the operator runs again, over the chunks now
    /// cached); the outcome becomes the task's (a cancelled task for this token).
    /// </summary>
    private static Task<TResult> Run<TSource, TResult>(IQueryable<TSource> source, CancellationToken token, Func<IQueryable<TSource>, CancellationToken, TResult> operation)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (token.IsCancellationRequested) return Task.FromCanceled<TResult>(token);
        var loads = new Storage.Engine.AsyncChunkLoads();
        try
        {
            // The first run, synchronous: from a warm cache the task is complete when this returns.
            using (QueryCancellation.Enter(token))
            using (Storage.Engine.AsyncChunkLoads.Enter(loads))
                return Task.FromResult(operation(source, token));
        }
        catch (Storage.Engine.ChunkLoadRequired required) when (required.Scope == loads)
        {
            return RunAfterLoads(source, token, operation, loads, required);
        }
        catch (OperationCanceledException e) when (e.CancellationToken == token && token.IsCancellationRequested)
        {
            return Task.FromCanceled<TResult>(token);
        }
        catch (Exception e)
        {
            return Task.FromException<TResult>(e);
        }
    }

    /// <summary>Awaits the chunk loads the last run asked for, then runs the operator again (a bounded number of times; then misses are read synchronously).</summary>
    private static async Task<TResult> RunAfterLoads<TSource, TResult>(IQueryable<TSource> source, CancellationToken token,
        Func<IQueryable<TSource>, CancellationToken, TResult> operation, Storage.Engine.AsyncChunkLoads loads, Storage.Engine.ChunkLoadRequired required)
    {
        while (true)
        {
            await required.LoadAsync(token).ConfigureAwait(false);
            loads.AwaitedLoads += required.Chunks;
            loads.Restarts++;
            loads.Restartable = loads.Restarts < Storage.Engine.AsyncChunkLoads.MaxRestarts;
            try
            {
                using (QueryCancellation.Enter(token))
                using (Storage.Engine.AsyncChunkLoads.Enter(loads))
                    return operation(source, token);
            }
            catch (Storage.Engine.ChunkLoadRequired again) when (again.Scope == loads)
            {
                required = again;
            }
        }
    }
}
