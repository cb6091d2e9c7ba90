namespace ZgDb.Linq.Tests.Northwind;

/// <summary>
/// EF Core's test helpers that the ported tests call (test/EFCore.Specification.Tests/TestUtilities/TestExtensions.cs,
/// MIT): null-propagating reads used in the tests' expected queries, which the harness compiles but does not run.
/// </summary>
public static class TestExtensions
{
    public static TResult? Maybe<TSource, TResult>(this TSource caller, Func<TSource, TResult> result)
        where TResult : class?
        => caller is null ? null : result(caller);

    public static TResult? MaybeScalar<TSource, TResult>(this TSource caller, Func<TSource, TResult> result)
        where TResult : struct
        => caller is not null ? result(caller) : null;

    public static TResult? MaybeScalar<TSource, TResult>(this TSource caller, Func<TSource, TResult?> result)
        where TResult : struct
        => caller is not null ? result(caller) : null;

    public static IEnumerable<TResult?> MaybeDefaultIfEmpty<TResult>(this IEnumerable<TResult>? caller)
        => caller is null ? [default] : caller.DefaultIfEmpty();

    /// <summary>EF Core's <c>TagWith</c> (a comment in the SQL): ZgDb has no SQL, so the query is unchanged.</summary>
    public static IQueryable<T> TagWith<T>(this IQueryable<T> source, string tag) => source;
}
