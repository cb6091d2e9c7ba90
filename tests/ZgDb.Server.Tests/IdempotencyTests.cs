using Google.Protobuf;
using Grpc.Core;
using ZgDb.Remote;
using ZgDb.Remote.Protocol;

namespace ZgDb.Server.Tests;

/// <summary>
/// Writes carry an idempotency key and the client retries them (and reads) when the server is unavailable: a write
/// whose reply was lost is answered from the first attempt, not applied twice; a write sent while the server
/// restarts is applied once it is back.
/// </summary>
public sealed class IdempotencyTests
{
    [Fact]
    public async Task Write_whose_reply_was_lost_is_retried_and_applied_once()
    {
        await using var server = await TestServerFixture.StartAsync();
        var dropping = new DropFirstReply(server.Server.CreateHandler(), "/Write");
        using var db = ZgDatabase.Connect<BlogDb>("zgdb://localhost", new ZgClientOptions { Token = TestServerFixture.Token, HttpHandler = dropping, RetryDelay = TimeSpan.FromMilliseconds(10) });
        var assigned = new User { Name = "assigned key" };
        db.Users.Insert(assigned); // applied, reply dropped, retried: the same reply, the key the server assigned the first time
        Assert.Equal(1, dropping.Dropped);
        Assert.Equal(1, db.Users.Count());
        Assert.Equal("assigned key", db.Users.Find(assigned.Id)!.Name);

        dropping.Arm();
        db.Users.Insert(new User { Id = 500, Name = "explicit key" }); // without the key the retry would be a duplicate key
        Assert.Equal(2, dropping.Dropped);
        dropping.Arm();
        db.Users.InsertMany([new User { Name = "m1" }, new User { Name = "m2" }]);
        Assert.Equal(3, dropping.Dropped);
        Assert.Equal(4, db.Users.Count());
    }

    [Fact]
    public async Task Idempotency_key_reused_for_another_write_is_refused()
    {
        await using var server = await TestServerFixture.StartAsync();
        using var channel = server.Channel();
        var client = new ZgDbData.ZgDbDataClient(channel);
        var headers = TestServerFixture.HandshakenHeaders<BlogDb>();
        headers.Add(RemoteProtocol.IdempotencyHeader, "key-1");
        WriteRequest Insert(int id) => new() { Collection = "Users", Kind = WriteKind.Insert, Documents = { ByteString.CopyFromUtf8($"{{\"Id\":{id},\"Name\":\"u{id}\"}}") } };
        client.Write(Insert(1), headers);
        client.Write(Insert(1), headers); // the same write again: answered, not applied (no duplicate key)
        var e = Assert.Throws<RpcException>(() => client.Write(Insert(2), headers));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains("'key-1' was already used for another write", e.Status.Detail);
        Assert.Equal(1, client.Count(new CountRequest { Collection = "Users" }, TestServerFixture.HandshakenHeaders<BlogDb>()).Count);
    }

    [Fact]
    public void Write_sent_while_the_server_restarts_is_retried_and_applied_once()
    {
        var directory = ServerProcess.NewDirectory("zgdb-server-retry-");
        int port = FreePort.Next();
        var address = $"zgdb://127.0.0.1:{port}";
        using var cleanup = new DirectoryCleanup(directory);
        var options = new ZgClientOptions { Token = ServerProcess.Token, CallTimeout = TimeSpan.FromSeconds(10), MaxRetries = 60, RetryDelay = TimeSpan.FromMilliseconds(250) };
        BlogDb db;
        using (var server = ServerProcess.Host(directory, $"http://127.0.0.1:{port}"))
        {
            db = server.Connect(address, options);
            db.Users.Insert(new User { Name = "before" });
            server.Kill();
        }
        using (db)
        {
            var write = Task.Run(() => db.Users.Insert(new User { Name = "during the restart" })); // UNAVAILABLE, retried
            Thread.Sleep(500);
            using var restarted = ServerProcess.Host(directory, $"http://127.0.0.1:{port}");
            Assert.True(write.Wait(TimeSpan.FromSeconds(60)), "the write was not retried to the restarted server:\n" + restarted.Output);
            Assert.Equal(["before", "during the restart"], db.Users.OrderBy(u => u.Id).Select(u => u.Name).ToList());
        }
    }

    /// <summary>Lets one call of <paramref name="path"/> reach the server and run, then drops its reply as a broken connection would.</summary>
    private sealed class DropFirstReply(HttpMessageHandler inner, string path) : DelegatingHandler(inner)
    {
        private int _armed = 1;

        public int Dropped { get; private set; }

        public void Arm() => _armed = 1;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = await base.SendAsync(request, cancellationToken);
            if (!request.RequestUri!.AbsolutePath.EndsWith(path, StringComparison.Ordinal) || Interlocked.Exchange(ref _armed, 0) == 0) return response;
            await response.Content.LoadIntoBufferAsync(cancellationToken); // the server has run the write and replied
            response.Dispose();
            Dropped++;
            throw new HttpRequestException("the connection was reset before the reply arrived (test)", new IOException("connection reset by peer"));
        }
    }
}
