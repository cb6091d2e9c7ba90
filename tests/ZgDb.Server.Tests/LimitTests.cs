namespace ZgDb.Server.Tests;

/// <summary>Limits: a message over the server's maximum, a call over the concurrent calls, a transaction over the open transactions: each refused clearly (RESOURCE_EXHAUSTED) and the server keeps serving.</summary>
public sealed class LimitTests
{
    [Fact]
    public async Task Message_over_the_server_limit_is_refused_and_nothing_is_written()
    {
        await using var server = await TestServerFixture.StartAsync(o => o.MaxMessageSize = 64 * 1024);
        using var db = server.Connect();
        var big = new User { Name = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(150_000)) }; // does not compress
        var e = Assert.Throws<ZgDbConnectionException>(() => db.Users.Insert(big));
        Assert.Contains("limit", e.Message);
        Assert.Equal(0, db.Users.Count()); // the server still serves, and stored nothing
        db.Users.Insert(new User { Name = "small" });
        Assert.Equal(1, db.Users.Count());
    }

    [Fact]
    public async Task Query_results_over_many_pages_arrive_complete_and_in_order()
    {
        await using var server = await TestServerFixture.StartAsync(o => o.PageSize = 3);
        using var db = server.Connect();
        db.Users.InsertMany(Enumerable.Range(1, 100).Select(i => new User { Id = i, Name = "u" + i, Age = i % 7 }));
        Assert.Equal(Enumerable.Range(1, 100), db.Users.Select(u => u.Id).ToList());
        Assert.Equal(Enumerable.Range(1, 100).Where(i => i % 7 == 3), db.Users.Where(u => u.Age == 3).AsEnumerable().Select(u => u.Id));
        // An enumeration abandoned after the first page ends its stream: the next query is served.
        Assert.Equal(1, db.Users.AsEnumerable().First().Id);
        Assert.Equal(100, db.Users.Count());
    }

    [Fact]
    public async Task Call_over_MaxConcurrentCalls_is_refused_at_once_and_the_server_keeps_serving()
    {
        await using var server = await TestServerFixture.StartAsync(o => o.MaxConcurrentCalls = 1);
        using var db = server.Connect();
        using var other = server.Connect();
        db.Users.Insert(new User { Name = "a" });
        var tx = db.BeginTransaction(); // its stream is the one call the server serves
        var started = DateTime.UtcNow;
        var e = Assert.Throws<ZgDbConnectionException>(() => other.Users.Count());
        Assert.Contains("maximum of 1 concurrent calls (ZgServerOptions.MaxConcurrentCalls)", e.Message);
        Assert.IsType<Grpc.Core.RpcException>(e.InnerException);
        Assert.Equal(Grpc.Core.StatusCode.ResourceExhausted, ((Grpc.Core.RpcException)e.InnerException!).StatusCode);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), "refused at once, not queued");
        Assert.Throws<ZgDbConnectionException>(() => other.Users.Where(u => u.Age > 1).ToList());
        db.Users.Insert(new User { Name = "in the transaction" });
        tx.Commit();
        Assert.Equal(2, Eventually(() => other.Users.Count()));
    }

    [Fact]
    public async Task Transaction_over_MaxConcurrentTransactions_is_refused_and_reads_go_on()
    {
        await using var server = await TestServerFixture.StartAsync(o => o.MaxConcurrentTransactions = 1);
        using var first = server.Connect();
        using var second = server.Connect();
        using (var tx = first.BeginTransaction())
        {
            first.Users.Insert(new User { Name = "held" });
            var started = DateTime.UtcNow;
            var e = Assert.Throws<ZgDbConnectionException>(() => second.BeginTransaction());
            Assert.Contains("maximum of 1 open transactions (ZgServerOptions.MaxConcurrentTransactions)", e.Message);
            Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(5), "refused at once, not left waiting for the writer's turn");
            Assert.Equal(0, second.Users.Count()); // reads are served meanwhile (and do not see the open transaction)
            tx.Commit();
        }
        Assert.Equal(1, Eventually(() =>
        {
            using var tx = second.BeginTransaction();
            second.Users.Insert(new User { Name = "next" });
            tx.Commit();
            return 1;
        }));
        Assert.Equal(2, second.Users.Count());
    }

    /// <summary>The place a finished call held is released just after its reply: retried for up to 5 s.</summary>
    private static T Eventually<T>(Func<T> call)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            try
            {
                return call();
            }
            catch (ZgDbConnectionException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(50);
            }
        }
    }
}
