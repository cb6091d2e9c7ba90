using Xunit;

namespace ZgDb.Linq.Tests;

/// <summary>
/// The asynchronous operators (ZgDb.Linq) give LINQ-to-Objects' answers over the same lists, and honour their token:
/// before the query, between the rows it returns, and between the stored rows it reads without returning them.
/// </summary>
public abstract class AsyncOperatorSuite<TBackend>(TBackend backend) : IClassFixture<TBackend> where TBackend : Backend
{
    private ShopDb Db => backend.Db;
    private List<Person> People => backend.People;

    private static string P(object? value) => Canonical.Print(value);

    [Fact]
    public async Task Row_operators_equal_LINQ_to_Objects()
    {
        Assert.Equal(P(People.Where(p => p.Age > 60).ToList()), P(await Db.People.Where(p => p.Age > 60).ToListAsync()));
        Assert.Equal(P(People.ToList()), P(await Db.People.ToListAsync()));
        Assert.Equal(P(People.Where(p => p.City == "Paris").Select(p => p.Name).ToArray()), P(await Db.People.Where(p => p.City == "Paris").Select(p => p.Name).ToArrayAsync()));
        Assert.Equal(P(People.Where(p => p.Id < 50).ToDictionary(p => p.Id)), P(await Db.People.Where(p => p.Id < 50).ToDictionaryAsync(p => p.Id)));
        Assert.Equal(P(People.Where(p => p.Id < 50).ToDictionary(p => p.Email, StringComparer.OrdinalIgnoreCase)),
            P(await Db.People.Where(p => p.Id < 50).ToDictionaryAsync(p => p.Email, StringComparer.OrdinalIgnoreCase)));
        Assert.Equal(P(People.Where(p => p.Id < 50).ToDictionary(p => p.Id, p => p.Name)), P(await Db.People.Where(p => p.Id < 50).ToDictionaryAsync(p => p.Id, p => p.Name)));
        Assert.Equal(P(People.Where(p => p.Id < 50).ToDictionary(p => p.Email, p => p.Age, StringComparer.Ordinal)),
            P(await Db.People.Where(p => p.Id < 50).ToDictionaryAsync(p => p.Email, p => p.Age, StringComparer.Ordinal)));
        await Assert.ThrowsAsync<ArgumentException>(() => Db.People.ToDictionaryAsync(p => p.City ?? ""));
        Assert.Throws<ArgumentException>(() => People.ToDictionary(p => p.City ?? ""));

        var seen = new List<int>();
        await Db.People.Where(p => p.Age == 33).OrderByDescending(p => p.Born).ForEachAsync(p => seen.Add(p.Id));
        Assert.Equal(People.Where(p => p.Age == 33).OrderByDescending(p => p.Born).Select(p => p.Id), seen);

        var streamed = new List<int>();
        await foreach (var person in Db.People.Where(p => p.Score > 90).AsAsyncEnumerable()) streamed.Add(person.Id);
        Assert.Equal(People.Where(p => p.Score > 90).Select(p => p.Id), streamed);
        streamed.Clear();
        await foreach (var person in Db.People.AsAsyncEnumerable()) streamed.Add(person.Id);
        Assert.Equal(People.Select(p => p.Id), streamed);
    }

    [Fact]
    public async Task Element_operators_equal_LINQ_to_Objects_with_its_exceptions()
    {
        Assert.Equal(P(People.First()), P(await Db.People.FirstAsync()));
        Assert.Equal(P(People.First(p => p.City == "Berlin")), P(await Db.People.FirstAsync(p => p.City == "Berlin")));
        Assert.Equal(P(People.OrderBy(p => p.Age).FirstOrDefault()), P(await Db.People.OrderBy(p => p.Age).FirstOrDefaultAsync()));
        Assert.Equal(P(People.FirstOrDefault(p => p.Id < 0)), P(await Db.People.FirstOrDefaultAsync(p => p.Id < 0)));
        Assert.Equal(P(People.Single(p => p.Id == 77)), P(await Db.People.SingleAsync(p => p.Id == 77)));
        Assert.Equal(P(People.Where(p => p.Id == 78).Single()), P(await Db.People.Where(p => p.Id == 78).SingleAsync()));
        Assert.Equal(P(People.SingleOrDefault(p => p.Id == -1)), P(await Db.People.SingleOrDefaultAsync(p => p.Id == -1)));
        Assert.Equal(P(People.Where(p => p.Id == 79).SingleOrDefault()), P(await Db.People.Where(p => p.Id == 79).SingleOrDefaultAsync()));

        // LINQ-to-Objects' exceptions, in the task
        Assert.Throws<InvalidOperationException>(() => People.First(p => p.Id < 0));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Db.People.FirstAsync(p => p.Id < 0));
        Assert.Throws<InvalidOperationException>(() => People.Single(p => p.City == "Paris"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Db.People.SingleAsync(p => p.City == "Paris"));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Db.People.Where(p => p.City == "Paris").SingleOrDefaultAsync());
        await Assert.ThrowsAsync<InvalidOperationException>(() => Db.People.Where(p => p.Id < 0).Select(p => p.Age).MinAsync());
    }

    [Fact]
    public async Task Aggregates_equal_LINQ_to_Objects()
    {
        Assert.Equal(People.Count, await Db.People.CountAsync());
        Assert.Equal(People.Count(p => p.City == "Paris"), await Db.People.CountAsync(p => p.City == "Paris"));
        Assert.Equal(People.LongCount(p => p.Age > 40), await Db.People.LongCountAsync(p => p.Age > 40));
        Assert.Equal(People.Where(p => p.Active).LongCount(), await Db.People.Where(p => p.Active).LongCountAsync());
        Assert.Equal(People.Any(p => p.Id < 0), await Db.People.AnyAsync(p => p.Id < 0));
        Assert.Equal(People.Where(p => p.City == "Berlin").Any(), await Db.People.Where(p => p.City == "Berlin").AnyAsync());
        Assert.Equal(People.All(p => p.Age >= 0), await Db.People.AllAsync(p => p.Age >= 0));
        Assert.Equal(People.All(p => p.Age > 30), await Db.People.AllAsync(p => p.Age > 30));

        var young = People.Where(p => p.Age < 30).ToList();
        var youngDb = Db.People.Where(p => p.Age < 30);
        Assert.Equal(young.Sum(p => p.Age), await youngDb.SumAsync(p => p.Age));
        Assert.Equal(young.Sum(p => p.Big), await youngDb.SumAsync(p => p.Big));
        Assert.Equal(young.Sum(p => p.Balance), await youngDb.SumAsync(p => p.Balance));
        Assert.Equal(young.Sum(p => p.Height), await youngDb.SumAsync(p => p.Height));
        Assert.Equal(young.Sum(p => p.Score), await youngDb.SumAsync(p => p.Score));
        Assert.Equal(young.Select(p => p.Age).Sum(), await youngDb.Select(p => p.Age).SumAsync());
        Assert.Equal(young.Select(p => (float)p.Age).Sum(), await youngDb.Select(p => (float)p.Age).SumAsync());
        Assert.Equal(young.Average(p => p.Age), await youngDb.AverageAsync(p => p.Age));
        Assert.Equal(young.Average(p => p.Balance), await youngDb.AverageAsync(p => p.Balance));
        Assert.Equal(young.Average(p => p.Height), await youngDb.AverageAsync(p => p.Height));
        Assert.Equal(young.Average(p => p.Score), await youngDb.AverageAsync(p => p.Score));
        Assert.Equal(young.Select(p => (long?)p.Big).Average(), await youngDb.Select(p => (long?)p.Big).AverageAsync());
        Assert.Equal(young.Min(p => p.Born), await youngDb.MinAsync(p => p.Born));
        Assert.Equal(young.Max(p => p.Name), await youngDb.MaxAsync(p => p.Name));
        Assert.Equal(young.Select(p => p.Score).Min(), await youngDb.Select(p => p.Score).MinAsync());
        Assert.Equal(young.Select(p => p.Age).Max(), await youngDb.Select(p => p.Age).MaxAsync());
        Assert.Equal(People.Where(p => p.Id < 0).Select(p => p.Score).Max(), await Db.People.Where(p => p.Id < 0).Select(p => p.Score).MaxAsync());
        Assert.Throws<InvalidOperationException>(() => People.Where(p => p.Id < 0).Average(p => p.Age));
        await Assert.ThrowsAsync<InvalidOperationException>(() => Db.People.Where(p => p.Id < 0).AverageAsync(p => p.Age));
    }

    [Fact]
    public async Task A_token_cancelled_before_the_call_cancels_every_operator_and_reads_nothing()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var token = cancelled.Token;
        var reads = new ReadCounter(int.MaxValue, cancelled);
        var query = Db.People.Where(p => reads.Read(p));
        var calls = new Func<Task>[]
        {
            () => query.ToListAsync(token), () => query.ToArrayAsync(token), () => query.ToDictionaryAsync(p => p.Id, token),
            () => query.ForEachAsync(_ => { }, token), () => query.FirstAsync(token), () => query.FirstOrDefaultAsync(token),
            () => query.SingleAsync(p => p.Id == 1, token), () => query.SingleOrDefaultAsync(token), () => query.CountAsync(token),
            () => query.LongCountAsync(p => p.Age > 3, token), () => query.AnyAsync(token), () => query.AllAsync(p => p.Age > 3, token),
            () => query.SumAsync(p => p.Age, token), () => query.MinAsync(p => p.Age, token), () => query.MaxAsync(p => p.Age, token),
            () => query.AverageAsync(p => p.Balance, token), () => Db.People.CountAsync(token),
            async () => { await foreach (var _ in query.AsAsyncEnumerable().WithCancellation(token)) { } },
        };
        foreach (var call in calls)
            await Assert.ThrowsAnyAsync<OperationCanceledException>(call);
        Assert.Equal(0, reads.Reads);
        Assert.True(query.ToListAsync(token).IsCanceled);
    }

    [Fact]
    public async Task A_token_cancelled_while_rows_are_returned_stops_at_the_next_row()
    {
        using var cts = new CancellationTokenSource();
        int handled = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Db.People.ForEachAsync(_ => { if (++handled == 10) cts.Cancel(); }, cts.Token));
        Assert.Equal(10, handled);

        using var streaming = new CancellationTokenSource();
        int streamed = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in Db.People.Where(p => p.Age > 20).AsAsyncEnumerable().WithCancellation(streaming.Token))
                if (++streamed == 5) streaming.Cancel();
        });
        Assert.Equal(5, streamed);
    }

    [Fact]
    public async Task A_token_cancelled_inside_a_scan_stops_a_count_between_stored_rows()
    {
        // The predicate is application code (a full scan with a filter); it cancels on the 100th document it sees. A
        // count returns no rows, so only the check between stored rows can stop it.
        using var cts = new CancellationTokenSource();
        var reads = new ReadCounter(100, cts);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Db.People.Where(p => reads.Read(p)).CountAsync(cts.Token));
        Assert.Equal(100, reads.Reads);

        using var sum = new CancellationTokenSource();
        var summed = new ReadCounter(40, sum);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Db.People.Where(p => summed.Read(p)).SumAsync(p => p.Age, sum.Token));
        Assert.Equal(40, summed.Reads);

        // The scope ends with the call: the same query run synchronously afterwards, on the same thread, reads every document.
        var all = new ReadCounter(int.MaxValue, cts);
        Assert.Equal(People.Count, Db.People.Count(p => all.Read(p)));
        Assert.Equal(People.Count, all.Reads);
    }

    /// <summary>Application code in a predicate: counts the documents it sees and cancels on the <c>at</c>-th.</summary>
    private sealed class ReadCounter(int at, CancellationTokenSource source)
    {
        public int Reads { get; private set; }

        public bool Read(Person _)
        {
            if (++Reads == at) source.Cancel();
            return true;
        }
    }
}

public sealed class InMemoryAsyncOperatorTests(InMemoryBackend backend) : AsyncOperatorSuite<InMemoryBackend>(backend);

public sealed class OnDiskAsyncOperatorTests(OnDiskBackend backend) : AsyncOperatorSuite<OnDiskBackend>(backend);
