using Grpc.Core;
using Grpc.Net.Client;
using ZgDb.Remote.Protocol;

namespace ZgDb.Server.Tests;

/// <summary>Transactions over the stream: all or nothing, reads inside see their writes, a dropped client or the timeout rolls back.</summary>
public sealed class RemoteTransactionTests
{
    [Fact]
    public async Task Commit_publishes_every_write_and_reads_inside_see_them()
    {
        await using var server = await TestServerFixture.StartAsync();
        using var db = server.Connect();
        using var other = server.Connect();
        using (var tx = db.BeginTransaction())
        {
            var ada = new User { Name = "Ada", Age = 30 };
            db.Users.Insert(ada);
            Assert.NotEqual(0, ada.Id);
            db.Users.Insert(new User { Name = "Bob", Age = 40 });
            Assert.Equal("Ada", db.Users.Find(ada.Id)!.Name);           // inside: its own writes
            Assert.Equal(2, db.Users.Count());
            Assert.Equal(["Bob"], db.Users.Where(u => u.Age > 35).Select(u => u.Name).ToList());
            Assert.Equal(0, other.Users.Count());                       // outside: not yet
            Assert.Throws<ZgDbDuplicateKeyException>(() => db.Users.Insert(new User { Id = ada.Id, Name = "again" }));
            Assert.True(tx.IsActive);                                   // a failed call leaves it usable
            tx.Commit();
            Assert.False(tx.IsActive);
        }
        Assert.Equal(2, other.Users.Count());
        Assert.Equal(2, db.Users.Count());
    }

    [Fact]
    public async Task Dispose_without_commit_rolls_back()
    {
        await using var server = await TestServerFixture.StartAsync();
        using var db = server.Connect();
        using (db.BeginTransaction())
        {
            db.Users.Insert(new User { Name = "gone" });
            Assert.Equal(1, db.Users.Count());
        }
        Assert.Equal(0, db.Users.Count());
        db.Users.Insert(new User { Name = "kept" }); // the writer's turn was given back
        Assert.Equal(1, db.Users.Count());
    }

    [Fact]
    public async Task Dropped_connection_mid_transaction_rolls_back_and_frees_the_writer()
    {
        await using var server = await TestServerFixture.StartAsync();
        var dropped = server.Connect();
        dropped.BeginTransaction();
        dropped.Users.Insert(new User { Name = "half" });
        dropped.Dispose(); // the channel closes with the transaction open
        using var db = server.Connect();
        db.Users.Insert(new User { Name = "after" }); // waits for the server to roll the dropped one back
        Assert.Equal(["after"], db.Users.Select(u => u.Name).ToList());
    }

    [Fact]
    public async Task Transaction_past_its_timeout_is_rolled_back()
    {
        await using var server = await TestServerFixture.StartAsync(o => o.TransactionTimeout = TimeSpan.FromMilliseconds(500));
        using var db = server.Connect();
        var tx = db.BeginTransaction();
        db.Users.Insert(new User { Name = "late" });
        Thread.Sleep(1500);
        var e = Assert.Throws<ZgDbConnectionException>(() => tx.Commit());
        Assert.Contains("rolled back", e.Message);
        Assert.False(tx.IsActive);
        Assert.Equal(0, db.Users.Count());
    }

    [Fact]
    public async Task Transaction_stream_without_a_token_is_refused()
    {
        await using var server = await TestServerFixture.StartAsync();
        using var channel = GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = server.Server.CreateHandler() });
        using var call = new ZgDbData.ZgDbDataClient(channel).Transaction();
        var e = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
    }
}
