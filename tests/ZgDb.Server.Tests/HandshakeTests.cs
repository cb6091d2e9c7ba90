using Grpc.Core;
using ZgDb.Remote;
using ZgDb.Remote.Protocol;

namespace ZgDb.Server.Tests;

/// <summary>
/// The handshake compares the client's model with the server's stored model and names the first difference; the
/// server requires it: a data call without the handshake's protocol version and fingerprint, or with another model's
/// fingerprint, is refused (FAILED_PRECONDITION) and the server keeps serving.
/// </summary>
public sealed class HandshakeTests
{
    public sealed class OtherUser
    {
        public int Id { get; set; }
        public string Name { get; set; } = "";
        public string Age { get; set; } = ""; // int on the server
    }

    public sealed class OtherDb : ZgDatabase
    {
        public ZgCollection<OtherUser> Users => Collection<OtherUser>();
        public ZgCollection<Post> Posts => Collection<Post>();
    }

    private const string AgeDiffers = "collection 'Users', property 'Age': int32 on the server, string on the client";

    [Fact]
    public async Task Client_with_another_model_is_refused_naming_the_first_difference()
    {
        await using var server = await TestServerFixture.StartAsync();
        var e = Assert.Throws<ZgDbConnectionException>(() => server.Connect<OtherDb>());
        Assert.Contains(AgeDiffers, e.Message);
        Assert.Contains("zgdb://localhost", e.Message);
        using var good = server.Connect(); // the server keeps serving the right model
        Assert.Equal(0, good.Users.Count());
    }

    [Fact]
    public async Task Data_call_without_a_handshake_is_refused_and_the_server_keeps_serving()
    {
        await using var server = await TestServerFixture.StartAsync();
        using var channel = server.Channel();
        var client = new ZgDbData.ZgDbDataClient(channel);
        var token = new Metadata { { "authorization", "Bearer " + TestServerFixture.Token } };
        var count = Assert.Throws<RpcException>(() => client.Count(new CountRequest { Collection = "Users" }, token));
        Assert.Equal(StatusCode.FailedPrecondition, count.StatusCode);
        Assert.Contains("carries no handshake", count.Status.Detail);
        Assert.Contains("/zgdb.v1.ZgDbData/Count", count.Status.Detail);
        var write = Assert.Throws<RpcException>(() => client.Write(new WriteRequest { Collection = "Users", Kind = WriteKind.Insert, Documents = { Google.Protobuf.ByteString.CopyFromUtf8("{\"Id\":1}") } }, token));
        Assert.Equal(StatusCode.FailedPrecondition, write.StatusCode);
        using var query = client.Query(new QueryRequest { Query = Google.Protobuf.ByteString.CopyFromUtf8("""{"version":1,"collection":"Users","chain":{"k":"source","n":"Users"}}""") }, token);
        var stream = await Assert.ThrowsAsync<RpcException>(() => query.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.FailedPrecondition, stream.StatusCode);
        using var tx = client.Transaction(token);
        var duplex = await Assert.ThrowsAsync<RpcException>(() => tx.ResponseStream.MoveNext(CancellationToken.None));
        Assert.Equal(StatusCode.FailedPrecondition, duplex.StatusCode);
        // With the handshake's headers the same call is served, and the refused write stored nothing.
        Assert.Equal(0, client.Count(new CountRequest { Collection = "Users" }, TestServerFixture.HandshakenHeaders<BlogDb>()).Count);
    }

    [Fact]
    public async Task Data_call_with_another_model_fingerprint_is_refused_naming_the_first_difference()
    {
        await using var server = await TestServerFixture.StartAsync();
        using var channel = server.Channel();
        var client = new ZgDbData.ZgDbDataClient(channel);
        var other = TestServerFixture.HandshakenHeaders<OtherDb>();
        var unknown = Assert.Throws<RpcException>(() => client.Count(new CountRequest { Collection = "Users" }, other));
        Assert.Equal(StatusCode.FailedPrecondition, unknown.StatusCode);
        Assert.Contains($"fingerprint {other.GetValue(RemoteProtocol.FingerprintHeader)}) is not the server's", unknown.Status.Detail);
        // Once a handshake has seen that model, its data calls are refused naming the first difference.
        Assert.Throws<ZgDbConnectionException>(() => server.Connect<OtherDb>());
        var named = Assert.Throws<RpcException>(() => client.Count(new CountRequest { Collection = "Users" }, other));
        Assert.Contains(AgeDiffers, named.Status.Detail);
        var version = new Metadata { { "authorization", "Bearer " + TestServerFixture.Token }, { RemoteProtocol.ProtocolHeader, "99" }, { RemoteProtocol.FingerprintHeader, "x" } };
        Assert.Contains("protocol version 99", Assert.Throws<RpcException>(() => client.Count(new CountRequest { Collection = "Users" }, version)).Status.Detail);
    }

    [Fact]
    public async Task Server_replaced_by_one_with_another_model_refuses_the_connected_client_naming_the_first_difference()
    {
        await using var first = await TestServerFixture.StartAsync();
        await using var replaced = await TestServerFixture.StartAsync<OtherDb>();
        var handler = new SwitchingHandler(first.Server.CreateHandler());
        using var db = ZgDatabase.Connect<BlogDb>("zgdb://localhost", new ZgClientOptions { Token = TestServerFixture.Token, HttpHandler = handler });
        db.Users.Insert(new User { Name = "Ada" });
        handler.Target = new HttpMessageInvoker(replaced.Server.CreateHandler()); // the server restarted with another model
        var e = Assert.Throws<ZgDbConnectionException>(() => db.Users.Count());
        Assert.Contains("collection 'Users', property 'Age': string on the server, int32 on the client", e.Message);
        Assert.Throws<ZgDbConnectionException>(() => db.Users.Where(u => u.Age > 1).ToList());
        using var own = replaced.Connect<OtherDb>();
        Assert.Equal(0, own.Users.Count()); // nothing of the refused client reached it
    }

    /// <summary>Sends to whichever server is the target now: a server replaced under a connected client.</summary>
    private sealed class SwitchingHandler(HttpMessageHandler first) : HttpMessageHandler
    {
        public HttpMessageInvoker Target { get; set; } = new(first);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Target.SendAsync(request, cancellationToken);
    }
}
