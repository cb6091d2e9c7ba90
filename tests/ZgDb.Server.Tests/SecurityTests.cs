using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using ZgDb.Remote.Protocol;

namespace ZgDb.Server.Tests;

/// <summary>
/// What the server refuses: calls without an accepted token, and queries naming anything outside the format's
/// allow-list, sent as raw messages (the typed client never writes them: it runs such parts itself).
/// </summary>
public sealed class SecurityTests
{
    public static int Calls;

    /// <summary>A method of the application: must never run on the server.</summary>
    public static bool UserMethod(string name)
    {
        Interlocked.Increment(ref Calls);
        return true;
    }

    [Fact]
    public async Task Connect_without_a_token_is_refused()
    {
        await using var server = await TestServerFixture.StartAsync();
        var e = Assert.Throws<ZgDbConnectionException>(() => server.Connect(token: null));
        Assert.Contains("token", e.Message);
        var wrong = Assert.Throws<ZgDbConnectionException>(() => server.Connect(token: "not-the-token"));
        Assert.Contains("refused the token", wrong.Message);
    }

    [Fact]
    public async Task Every_data_call_without_a_token_is_unauthenticated()
    {
        await using var server = await TestServerFixture.StartAsync();
        using var channel = Channel(server);
        var client = new ZgDbData.ZgDbDataClient(channel);
        var e = Assert.Throws<RpcException>(() => client.Count(new CountRequest { Collection = "Users" }));
        Assert.Equal(StatusCode.Unauthenticated, e.StatusCode);
        var write = Assert.Throws<RpcException>(() => client.Write(new WriteRequest { Collection = "Users", Kind = WriteKind.Insert, Documents = { ByteString.CopyFromUtf8("{\"Id\":1}") } }));
        Assert.Equal(StatusCode.Unauthenticated, write.StatusCode);
        using var db = server.Connect();
        Assert.Equal(0, db.Users.Count()); // nothing was written
    }

    [Fact]
    public async Task Checkpoint_endpoint_needs_the_token()
    {
        await using var server = await TestServerFixture.StartAsync();
        var http = server.Server.CreateClient();
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await http.PostAsync("/checkpoint", null)).StatusCode);
        var request = new HttpRequestMessage(HttpMethod.Post, "/checkpoint");
        request.Headers.Authorization = new("Bearer", TestServerFixture.Token);
        Assert.Equal(System.Net.HttpStatusCode.OK, (await http.SendAsync(request)).StatusCode);
        Assert.Equal("Healthy", await http.GetStringAsync("/health"));
        Assert.Contains("\"Collection\":\"Users\"", await http.GetStringAsync("/schema"));
    }

    [Fact]
    public async Task Backup_endpoint_needs_the_token_and_writes_a_backup_that_opens_with_the_data()
    {
        var backups = Path.Combine(Path.GetTempPath(), "zgdb-backups-" + Guid.NewGuid().ToString("n"));
        try
        {
            await using var server = await TestServerFixture.StartAsync(o => o.BackupDirectory = backups);
            using (var db = server.Connect()) db.Users.InsertMany(Enumerable.Range(1, 50).Select(i => new User { Name = "u" + i, Age = i }));
            var http = server.Server.CreateClient();
            Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await http.PostAsync("/backup?name=first", null)).StatusCode);
            Assert.False(Directory.Exists(Path.Combine(backups, "first")));

            HttpRequestMessage Post(string query)
            {
                var request = new HttpRequestMessage(HttpMethod.Post, "/backup" + query);
                request.Headers.Authorization = new("Bearer", TestServerFixture.Token);
                return request;
            }
            var ok = await http.SendAsync(Post("?name=first"));
            Assert.Equal(System.Net.HttpStatusCode.OK, ok.StatusCode);
            Assert.Contains("\"name\":\"first\"", await ok.Content.ReadAsStringAsync());
            using (var copy = ZgDatabase.Open<BlogDb>(Path.Combine(backups, "first")))
                Assert.Equal(Enumerable.Range(1, 50).Sum(), copy.Users.AsEnumerable().Sum(u => u.Age));

            // a path instead of a name, or a name taken, is refused and writes nothing
            var escape = await http.SendAsync(Post("?name=..%2Fescaped"));
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, escape.StatusCode);
            Assert.Contains("not a path", await escape.Content.ReadAsStringAsync());
            Assert.False(Directory.Exists(Path.Combine(Path.GetDirectoryName(backups)!, "escaped")));
            Assert.Equal(System.Net.HttpStatusCode.Conflict, (await http.SendAsync(Post("?name=first"))).StatusCode);
            Assert.Equal("Healthy", await http.GetStringAsync("/health"));
        }
        finally
        {
            if (Directory.Exists(backups)) Directory.Delete(backups, recursive: true);
        }
    }

    [Fact]
    public async Task Backup_endpoint_is_off_unless_a_backup_directory_is_set()
    {
        await using var server = await TestServerFixture.StartAsync();
        var http = server.Server.CreateClient();
        var request = new HttpRequestMessage(HttpMethod.Post, "/backup");
        request.Headers.Authorization = new("Bearer", TestServerFixture.Token);
        var response = await http.SendAsync(request);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("BackupDirectory", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("File.ReadAllText(String)", "File.ReadAllText")]
    [InlineData("Environment.Exit(Int32)", "Environment.Exit")]
    [InlineData("SecurityTests.UserMethod(String)", "SecurityTests.UserMethod")]
    [InlineData("System.IO.File.ReadAllText", "System.IO.File.ReadAllText")]
    public async Task Query_calling_a_method_outside_the_allow_list_is_refused_and_nothing_runs(string key, string named)
    {
        await using var server = await TestServerFixture.StartAsync();
        using (var db = server.Connect()) db.Users.Insert(new User { Name = "Ada" });
        // Users.Where(u => <key>(u.Name)) as the client would write it if it wrote methods by name.
        var query = $$$"""
            {"version":1,"collection":"Users","chain":{"k":"op","n":"Where","a":[{"k":"source","n":"Users"},
              {"k":"lambda","n":"u#0","a":[{"k":"call","n":"{{{key}}}","a":[{"k":"member","n":"Name","a":[{"k":"param","n":"u#0"}]}]}]}]}}
            """;
        var e = Assert.Throws<RpcException>(() => RawQuery(server, query));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains(named, e.Status.Detail);
        Assert.Contains("not on the server's list of allowed methods", e.Status.Detail);
        Assert.Equal(0, Volatile.Read(ref Calls));
        using var after = server.Connect();
        Assert.Equal(1, after.Users.Count()); // the server still serves
    }

    [Theory]
    [InlineData("""{"k":"member","n":"Now","a":[{"k":"const","t":"DateTime","v":"2024-01-01T00:00:00"}]}""", "member 'Now'")]
    [InlineData("""{"k":"const","t":"System.IO.FileInfo","v":"x"}""", "System.IO.FileInfo")]
    [InlineData("""{"k":"unary","n":"Convert","t":"System.Diagnostics.Process","a":[{"k":"param","n":"u#0"}]}""", "System.Diagnostics.Process")]
    [InlineData("""{"k":"new","n":"System.IO.FileStream"}""", "kind 'new'")]
    public async Task Query_naming_a_type_or_member_outside_the_model_is_refused(string body, string named)
    {
        await using var server = await TestServerFixture.StartAsync();
        var query = $$$"""{"version":1,"collection":"Users","chain":{"k":"op","n":"Where","a":[{"k":"source","n":"Users"},{"k":"lambda","n":"u#0","a":[{{{body}}}]}]}}""";
        var e = Assert.Throws<RpcException>(() => RawQuery(server, query));
        Assert.Equal(StatusCode.InvalidArgument, e.StatusCode);
        Assert.Contains(named, e.Status.Detail);
    }

    [Fact]
    public async Task Query_of_another_format_version_or_operator_is_refused()
    {
        await using var server = await TestServerFixture.StartAsync();
        var version = Assert.Throws<RpcException>(() => RawQuery(server, """{"version":99,"collection":"Users","chain":{"k":"source","n":"Users"}}"""));
        Assert.Contains("version 99", version.Status.Detail);
        var op = Assert.Throws<RpcException>(() => RawQuery(server, """{"version":1,"collection":"Users","chain":{"k":"op","n":"Aggregate","a":[{"k":"source","n":"Users"}]}}"""));
        Assert.Contains("'Aggregate'", op.Status.Detail);
        var garbage = Assert.Throws<RpcException>(() => RawQuery(server, "{not json"));
        Assert.Equal(StatusCode.InvalidArgument, garbage.StatusCode);
    }

    [Fact]
    public async Task A_user_method_in_a_query_runs_on_the_client_never_on_the_server()
    {
        await using var server = await TestServerFixture.StartAsync();
        using var db = server.Connect();
        db.Users.InsertMany([new User { Name = "a", Age = 1 }, new User { Name = "b", Age = 2 }]);
        int before = Volatile.Read(ref Calls);
        var query = db.Users.Where(u => u.Age > 0).Where(u => UserMethod(u.Name));
        Assert.Equal(2, query.ToList().Count);
        Assert.Contains("REMOTE Collection -> Where -> IN MEMORY (client) Where", query.ToString());
        Assert.Equal(before + 2, Volatile.Read(ref Calls)); // here, in the client's process, once per row the server sent
    }

    private static GrpcChannel Channel(TestServerFixture server) =>
        GrpcChannel.ForAddress("http://localhost", new GrpcChannelOptions { HttpHandler = server.Server.CreateHandler() });

    private static List<QueryPage> RawQuery(TestServerFixture server, string json)
    {
        using var channel = Channel(server);
        var client = new ZgDbData.ZgDbDataClient(channel);
        var headers = TestServerFixture.HandshakenHeaders<BlogDb>();
        using var call = client.Query(new QueryRequest { Query = ByteString.CopyFrom(Encoding.UTF8.GetBytes(json)) }, headers);
        var pages = new List<QueryPage>();
        while (call.ResponseStream.MoveNext(CancellationToken.None).GetAwaiter().GetResult()) pages.Add(call.ResponseStream.Current);
        return pages;
    }
}
