using System.Linq.Expressions;
using System.Reflection;
using Microsoft.Extensions.Logging;
using ZgDb.Tests.Relations;
using ZgDb.Tests.Support;
using ZgDb.Linq;

namespace ZgDb.Tests.Regressions;

/// <summary>
/// Regression (issue 13, finding 12): after <c>Dispose</c>, <c>Find</c>, <c>Count</c> and queries still returned data,
/// and <c>Dispose</c> inside an open transaction discarded it silently. Every public member of the database and its
/// collections (found by reflection, so a new one cannot be forgotten), queries composed before the dispose, the
/// query operators, Include, Explain, the async forms, entries and transactions now throw
/// <see cref="ObjectDisposedException"/>; disposing inside a transaction rolls it back and logs a warning.
/// </summary>
public abstract class DisposedDatabaseSuite<TBackend> : IDisposable where TBackend : Backend, new()
{
    private static readonly BindingFlags PublicInstance = BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly;
    private readonly TBackend _backend = new();

    public void Dispose() => _backend.Dispose();

    private VersionedLibraryDb OpenSeeded(ZgDbOptions? options = null)
    {
        var db = _backend.Open<VersionedLibraryDb>(options);
        db.Seed(2, 2);
        return db;
    }

    /// <summary>A value for each parameter type the public members take; a new parameter type fails here, naming the member.</summary>
    private static object? Sample(ParameterInfo parameter, IQueryable<VersionedBook> query)
    {
        var type = parameter.ParameterType;
        if (type == typeof(object)) return 1;
        if (type == typeof(object[])) return new object[] { 1 }; // Find(params object[] keyValues), Delete(params ...)
        if (type == typeof(VersionedBook)) return new VersionedBook { Id = 99, AuthorId = 1 };
        if (type == typeof(IEnumerable<VersionedBook>)) return new[] { new VersionedBook { Id = 98, AuthorId = 1 } };
        if (type == typeof(Expression<Func<VersionedBook, bool>>)) return (Expression<Func<VersionedBook, bool>>)(b => b.Id > 0);
        if (type == typeof(Action<VersionedBook>)) return (Action<VersionedBook>)(b => b.AuthorVersion++);
        if (type == typeof(CancellationToken)) return CancellationToken.None;
        if (type == typeof(IQueryable<VersionedBook>)) return query;
        if (type == typeof(Expression<Func<IQueryable<VersionedBook>, int>>)) return (Expression<Func<IQueryable<VersionedBook>, int>>)(q => q.Count());
        // ZgDb.Linq's operators: selectors of any result type (b => (TResult)b.Id), key and element selectors, a comparer
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Expression<>) && type.GetGenericArguments()[0] is { IsGenericType: true } lambda
            && lambda.GetGenericTypeDefinition() == typeof(Func<,>) && lambda.GetGenericArguments()[0] == typeof(VersionedBook))
            return IdAs(lambda.GetGenericArguments()[1]);
        if (type == typeof(Func<VersionedBook, int>)) return (Func<VersionedBook, int>)(b => b.Id);
        if (type == typeof(IEqualityComparer<int>)) return EqualityComparer<int>.Default;
        // SumAsync/AverageAsync over a sequence of numbers: query.Select(b => (TNumber)b.Id), made without the provider's
        // disposed check (composing after the dispose would throw before the member under test is called)
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IQueryable<>))
        {
            var element = type.GetGenericArguments()[0];
            var select = typeof(Queryable).GetMethods().First(m => m.Name == nameof(Queryable.Select) && m.GetParameters()[1].ParameterType.GetGenericArguments()[0].GetGenericArguments().Length == 2)
                .MakeGenericMethod(typeof(VersionedBook), element);
            return Activator.CreateInstance(typeof(ZgDb.Query.ZgQuery<>).MakeGenericType(element), query.Provider,
                Expression.Call(select, query.Expression, Expression.Quote(IdAs(element))));
        }
        throw new InvalidOperationException($"No sample value for parameter '{parameter.Name}' ({type.Name}) of {parameter.Member.DeclaringType?.Name}.{parameter.Member.Name}: add one.");
    }

    private static LambdaExpression IdAs(Type result)
    {
        var book = Expression.Parameter(typeof(VersionedBook), "b");
        return Expression.Lambda(typeof(Func<,>).MakeGenericType(typeof(VersionedBook), result), Expression.Convert(Expression.Property(book, nameof(VersionedBook.Id)), result), book);
    }

    private static MethodInfo Closed(MethodInfo method) => !method.IsGenericMethodDefinition ? method
        : method.MakeGenericMethod(method.GetGenericArguments().Select((_, i) => i == 0 ? typeof(VersionedBook) : typeof(int)).ToArray());

    /// <summary>Calls <paramref name="method"/> and awaits a returned task; returns what it threw.</summary>
    private static async Task<Exception?> Call(MethodInfo method, object? target, IQueryable<VersionedBook> query)
    {
        try
        {
            var closed = Closed(method);
            var result = closed.Invoke(target, BindingFlags.DoNotWrapExceptions, null, closed.GetParameters().Select(p => Sample(p, query)).ToArray(), null);
            if (result is Task task) await task;
            if (result is IAsyncEnumerable<VersionedBook> rows) await rows.GetAsyncEnumerator().MoveNextAsync();
            return null;
        }
        catch (Exception e) when (e is not InvalidOperationException { Message: var m } || !m.StartsWith("No sample value", StringComparison.Ordinal))
        {
            return e;
        }
    }

    private static async Task AssertEveryMemberThrows(IEnumerable<MethodInfo> methods, object? target, IQueryable<VersionedBook> query, int atLeast)
    {
        var members = methods.ToList();
        Assert.True(members.Count >= atLeast, $"only {members.Count} members found by reflection");
        var failures = new List<string>();
        foreach (var method in members)
            if (await Call(method, target, query) is not ObjectDisposedException)
                failures.Add($"{method.DeclaringType!.Name}.{method.Name}({string.Join(", ", method.GetParameters().Select(p => p.ParameterType.Name))})");
        Assert.True(failures.Count == 0, "These did not throw ObjectDisposedException after Dispose: " + string.Join("; ", failures));
    }

    [Fact]
    public async Task Every_public_member_of_the_database_and_its_collections_throws_after_Dispose()
    {
        var db = OpenSeeded();
        var query = db.Books.Where(b => b.AuthorVersion >= 0); // composed before the dispose
        db.Dispose();

        // ZgDatabase: everything but Dispose/DisposeAsync (idempotent) and object's members.
        await AssertEveryMemberThrows(typeof(ZgDatabase).GetMethods(PublicInstance).Where(m => m.Name is not (nameof(ZgDatabase.Dispose) or nameof(ZgDatabase.DisposeAsync))),
            db, query, atLeast: 8);

        // ZgCollection<T>, obtained after the dispose (the property itself only hands out the object): every member
        // but the IQueryable plumbing, which reads nothing (composing on it throws below) and ToString.
        var exempt = new[] { "get_ElementType", "get_Expression", "get_Provider", nameof(ToString) };
        await AssertEveryMemberThrows(typeof(ZgCollection<VersionedBook>).GetMethods(PublicInstance).Where(m => !exempt.Contains(m.Name)),
            db.Books, query, atLeast: 13);

        // ZgDb's LINQ additions: Explain and ExplainOf, and every async operator (ZgDb.Linq), on a query composed before the dispose.
        await AssertEveryMemberThrows(typeof(QueryableExtensions).GetMethods(BindingFlags.Public | BindingFlags.Static), null, query, atLeast: 2);
        await AssertEveryMemberThrows(typeof(AsyncQueryableExtensions).GetMethods(BindingFlags.Public | BindingFlags.Static), null, query, atLeast: 67);
    }

    [Fact]
    public async Task Queries_operators_includes_entries_and_enumerations_begun_before_Dispose_throw_after_it()
    {
        var db = OpenSeeded();
        var books = db.Books.Where(b => b.AuthorVersion >= 0);
        var included = db.Books.Include(b => b.Author);
        var authors = db.Authors.Include(a => a.Books).ThenInclude(b => b.Author);
        using var begunQuery = included.GetEnumerator();
        Assert.True(begunQuery.MoveNext());
        using var begunScan = ((IEnumerable<VersionedBook>)db.Books).GetEnumerator();
        Assert.True(begunScan.MoveNext());
        var book = db.Books.Find(1)!;
        var author = db.Authors.Find(1)!;
        var entry = db.Entry(book);
        var reference = entry.Reference(b => b.Author);
        var collection = db.Entry(author).Collection(a => a.Books);
        db.Dispose();

        var calls = new (string Name, Func<object?> Call)[]
        {
            ("ToList", () => books.ToList()),
            ("foreach", () => { foreach (var _ in books) { } return null; }),
            ("Count", () => books.Count()),
            ("LongCount(predicate)", () => books.LongCount(b => b.Id > 1)),
            ("Any", () => books.Any()),
            ("First", () => books.First()),
            ("FirstOrDefault(predicate)", () => books.FirstOrDefault(b => b.Id == 1)),
            ("Single(predicate)", () => books.Single(b => b.Id == 1)),
            ("Sum", () => books.Sum(b => b.Id)),
            ("Max", () => books.Max(b => b.Id)),
            ("Where", () => books.Where(b => b.Id > 1)),
            ("Select", () => books.Select(b => b.Id)),
            ("OrderBy", () => books.OrderBy(b => b.AuthorVersion)),
            ("Take", () => books.Take(1)),
            ("GroupBy", () => books.GroupBy(b => b.AuthorId)),
            ("Join", () => books.Join(db.Authors, b => b.AuthorId, a => a.Id, (b, a) => a.Version)),
            ("Where on the collection", () => db.Books.Where(b => b.Id > 0)),
            ("Include on the collection", () => db.Books.Include(b => b.Author)),
            ("Include, ToList", () => included.ToList()),
            ("ThenInclude, ToList", () => authors.ToList()),
            ("Include, Count", () => included.Count()),
            ("Explain", () => books.Explain()),
            ("ExplainOf", () => books.ExplainOf(q => q.Count())),
            ("a query enumeration begun before, MoveNext", () => begunQuery.MoveNext()),
            ("a collection scan begun before, MoveNext", () => begunScan.MoveNext()),
            ("Entry", () => db.Entry(book)),
            ("an entry made before, Reference", () => entry.Reference(b => b.Author)),
            ("a reference entry made before, Load", () => reference.Load()),
            ("a collection entry made before, Load", () => collection.Load()),
        };
        var failures = new List<string>();
        foreach (var (name, call) in calls)
        {
            try
            {
                call();
                failures.Add(name);
            }
            catch (ObjectDisposedException) { }
            catch (Exception e) { failures.Add($"{name} ({e.GetType().Name}: {e.Message})"); }
        }
        Assert.True(failures.Count == 0, "These did not throw ObjectDisposedException after Dispose: " + string.Join("; ", failures));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => books.ToListAsync());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => db.FlushAsync());
        // Disposing again does nothing.
        db.Dispose();
        await db.DisposeAsync();
    }

    [Fact]
    public void Dispose_inside_an_open_transaction_rolls_it_back_and_logs_a_warning()
    {
        var logger = new ListLogger();
        var db = OpenSeeded(new ZgDbOptions { Logger = logger });
        var transaction = db.BeginTransaction();
        db.BumpInside(1, 9);
        db.Books.Insert(new VersionedBook { Id = 50, AuthorId = 2, AuthorVersion = 1 });
        db.Dispose();

        Assert.False(transaction.IsActive);
        Assert.Throws<ObjectDisposedException>(transaction.Commit);
        transaction.Rollback(); // nothing left to roll back: no error
        transaction.Dispose();
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("rolled back", StringComparison.Ordinal)
            && e.Message.Contains(nameof(VersionedLibraryDb), StringComparison.Ordinal));

        if (!_backend.Persistent) return;
        using var reopened = _backend.Open<VersionedLibraryDb>();
        Assert.Null(reopened.Books.Find(50));
        Assert.Equal(1, reopened.Authors.Find(1)!.Version);
        Assert.All(reopened.Books.ToList(), b => Assert.Equal(1, b.AuthorVersion));
    }

    [Fact]
    public async Task Dispose_waits_for_a_transaction_of_another_flow_whose_commit_is_then_refused()
    {
        var db = OpenSeeded();
        using var begun = new SemaphoreSlim(0);
        var worker = Task.Run(async () =>
        {
            using var transaction = db.BeginTransaction();
            db.BumpInside(2, 8);
            begun.Release();
            // Once Dispose has begun, every call is refused, the commit included: the transaction can only roll back.
            var deadline = DateTime.UtcNow.AddSeconds(30);
            while (Record.Exception(() => db.Books.Count()) is not ObjectDisposedException && DateTime.UtcNow < deadline) await Task.Delay(5);
            return Record.Exception(transaction.Commit);
        });
        await begun.WaitAsync();
        var disposing = Task.Run(db.Dispose);
        Assert.IsType<ObjectDisposedException>(await worker);
        await disposing.WaitAsync(TimeSpan.FromSeconds(30));

        if (!_backend.Persistent) return;
        using var reopened = _backend.Open<VersionedLibraryDb>();
        Assert.Equal(1, reopened.Authors.Find(2)!.Version);
    }

    [Fact]
    public void Dispose_after_a_committed_transaction_logs_no_warning()
    {
        var logger = new ListLogger();
        var db = OpenSeeded(new ZgDbOptions { Logger = logger });
        db.Bump(1, 4);
        db.Dispose();
        Assert.DoesNotContain(logger.Entries, e => e.Level == LogLevel.Warning);
        if (!_backend.Persistent) return;
        using var reopened = _backend.Open<VersionedLibraryDb>();
        Assert.Equal(4, reopened.Authors.Find(1)!.Version);
    }
}

public sealed class InMemoryDisposedDatabaseRefusesEveryCall : DisposedDatabaseSuite<InMemoryBackend>;

public sealed class OnDiskDisposedDatabaseRefusesEveryCall : DisposedDatabaseSuite<OnDiskBackend>;
