using System.Linq.Expressions;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using ZgDb.Remote;
using ZgDb.Remote.Protocol;

namespace ZgDb.Server.Tests;

/// <summary>
/// The operations of a connected database that are not single-document calls: DeleteMany (its predicate travels in
/// the query format and runs on the server), FlushAsync, Checkpoint and GetStatistics (their own calls), and the
/// clear refusal of what cannot travel (UpdateMany's compiled update, a predicate of the application's code).
/// </summary>
public sealed class RemoteMaintenanceTests
{
    /// <summary>A method of the application: a predicate using it cannot travel, and it must never run on the server.</summary>
    public static bool LocalCheck(User user) => user.Age > 0;

    private static List<User> Users() => Enumerable.Range(1, 60).Select(i => new User
    {
        Id = i,
        Name = (i % 3 == 0 ? "Ann" : "Bob") + i,
        Age = 18 + i % 40,
        City = i % 4 == 0 ? "Oslo" : "Rome",
        Email = i % 5 == 0 ? null : $"u{i}@example.org",
        Home = i % 6 == 0 ? null : new Address { City = i % 2 == 0 ? "Lima" : "Kyiv" },
        Tags = i % 7 == 0 ? ["vip"] : [],
        Score = i % 2 == 0 ? i / 2.0 : null,
    }).ToList();

    public static TheoryData<string> Predicates => new() { "indexed", "captured", "string method", "nested", "list", "nullable", "none", "all" };

    private static Expression<Func<User, bool>> Predicate(string name)
    {
        int minAge = 40;
        return name switch
        {
            "indexed" => u => u.City == "Oslo",
            "captured" => u => u.Age >= minAge && u.Id % 2 == 1,
            "string method" => u => u.Name.StartsWith("Ann") || u.Email == null,
            "nested" => u => u.Home != null && u.Home.City == "Lima",
            "list" => u => u.Tags.Any(t => t == "vip"),
            "nullable" => u => u.Score.HasValue && u.Score.Value > 10,
            "none" => u => u.Age > 1000,
            "all" => u => true,
            _ => throw new ArgumentOutOfRangeException(nameof(name)),
        };
    }

    [Theory]
    [MemberData(nameof(Predicates))]
    public async Task DeleteMany_deletes_what_the_embedded_provider_and_LINQ_to_Objects_delete(string name)
    {
        await using var server = await TestServerFixture.StartAsync();
        using var remote = server.Connect();
        using var embedded = ZgDatabase.OpenInMemory<BlogDb>();
        remote.Users.InsertMany(Users());
        embedded.Users.InsertMany(Users());
        var objects = Users();

        var predicate = Predicate(name);
        int expected = objects.RemoveAll(predicate.Compile().Invoke);
        Assert.Equal(expected, embedded.Users.DeleteMany(predicate));
        Assert.Equal(expected, remote.Users.DeleteMany(predicate));

        var left = objects.Select(u => u.Id).Order().ToList();
        Assert.Equal(left, embedded.Users.Select(u => u.Id).ToList().Order());
        Assert.Equal(left, remote.Users.Select(u => u.Id).ToList().Order());
        Assert.Equal(left.Count, remote.Users.Count());
        // the index served the deletion's reads too: a query on it agrees after the delete
        Assert.Equal(objects.Count(u => u.City == "Oslo"), remote.Users.Count(u => u.City == "Oslo"));
    }

    [Fact]
    public async Task DeleteMany_inside_a_transaction_is_part_of_it()
    {
        await using var server = await TestServerFixture.StartAsync();
        using var db = server.Connect();
        db.Users.InsertMany(Users());
        using (db.BeginTransaction())
        {
            Assert.Equal(15, db.Users.DeleteMany(u => u.City == "Oslo"));
            Assert.Equal(45, db.Users.Count()); // the transaction sees its own delete
        } // disposed without commit: rolled back
        Assert.Equal(60, db.Users.Count());
        using (var tx = db.BeginTransaction())
        {
            Assert.Equal(15, db.Users.DeleteMany(u => u.City == "Oslo"));
            tx.Commit();
        }
        Assert.Equal(45, db.Users.Count());
        Assert.Equal(0, db.Users.Count(u => u.City == "Oslo"));
    }

    [Fact]
    public async Task DeleteMany_with_a_method_of_the_application_is_refused_and_deletes_nothing()
    {
        await using var server = await TestServerFixture.StartAsync();
        using var db = server.Connect();
        db.Users.InsertMany(Users());
        var e = Assert.Throws<NotSupportedException>(() => db.Users.DeleteMany(u => LocalCheck(u)));
        Assert.Contains("DeleteMany's predicate", e.Message);
        Assert.Contains("cannot travel", e.Message);
        Assert.Throws<ArgumentNullException>(() => db.Users.DeleteMany(null!));
        Assert.Equal(60, db.Users.Count());
    }

    [Fact]
    public async Task A_raw_DeleteMany_with_a_disallowed_method_or_another_chain_is_refused_before_running()
    {
        await using var server = await TestServerFixture.StartAsync();
        using (var db = server.Connect()) db.Users.InsertMany(Users());
        using var channel = server.Channel();
        var client = new ZgDbData.ZgDbDataClient(channel);
        var headers = TestServerFixture.HandshakenHeaders<BlogDb>();
        WriteRequest Request(string chainJson) => new()
        {
            Collection = "Users",
            Kind = WriteKind.DeleteMany,
            Query = ByteString.CopyFrom(Encoding.UTF8.GetBytes($$"""{"version":1,"collection":"Users","chain":{{chainJson}}}""")),
        };
        const string Source = """{"k":"source","n":"Users"}""";
        // Take(source, 1): a chain, but not a predicate
        var take = Assert.Throws<RpcException>(() => client.Write(Request($$"""{"k":"op","n":"Take","a":[{{Source}},{"k":"const","t":"int","v":1}]}"""), headers));
        Assert.Equal(StatusCode.InvalidArgument, take.StatusCode);
        Assert.Contains("Where(source, predicate)", take.Status.Detail);
        // Where(u => File.ReadAllText(u.Name) ...): a method outside the allow-list
        var method = Assert.Throws<RpcException>(() => client.Write(Request(
            $$"""{"k":"op","n":"Where","a":[{{Source}},{"k":"lambda","n":"u#0","a":[{"k":"call","n":"File.ReadAllText(String)","a":[{"k":"member","n":"Name","a":[{"k":"param","n":"u#0"}]}]}]}]}"""), headers));
        Assert.Equal(StatusCode.InvalidArgument, method.StatusCode);
        Assert.Contains("refused before running", method.Status.Detail);
        Assert.Contains("File.ReadAllText", method.Status.Detail);
        using var after = server.Connect();
        Assert.Equal(60, after.Users.Count());
    }

    [Fact]
    public async Task UpdateMany_is_refused_naming_why_and_changes_nothing()
    {
        await using var server = await TestServerFixture.StartAsync();
        using var db = server.Connect();
        db.Users.InsertMany(Users());
        var e = Assert.Throws<NotSupportedException>(() => db.Users.UpdateMany(u => u.Age > 30, u => u.Name = "changed"));
        Assert.Contains("UpdateMany cannot travel", e.Message);
        Assert.Contains("Action<User>", e.Message);
        Assert.Equal(0, db.Users.Count(u => u.Name == "changed"));
    }

    [Fact]
    public async Task FlushAsync_Checkpoint_and_GetStatistics_run_on_the_served_database()
    {
        await using var server = await TestServerFixture.StartAsync(o => o.Database = new ZgDbOptions { Durability = Durability.Background });
        using var db = server.Connect();
        db.Users.InsertMany(Users());
        db.Posts.Insert(new Post { UserId = 1, Title = "hello" });
        await db.FlushAsync();
        var flushed = db.GetStatistics();
        Assert.Equal(flushed.LastLsn, flushed.DurableLsn); // every acknowledged write is on disk
        Assert.Equal([("Users", 60L), ("Posts", 1L)], flushed.Collections.Select(c => (c.Name, c.Count)).OrderByDescending(c => c.Count));
        Assert.Contains(flushed.Collections, c => c.PendingChanges > 0);

        db.Checkpoint();
        var checkpointed = db.GetStatistics();
        Assert.Equal(checkpointed.LastLsn, checkpointed.CheckpointLsn);
        Assert.All(checkpointed.Collections, c => Assert.Equal(0, c.PendingChanges));

        // the control plane's checkpoint answers from the same database: nothing new to fold, the same LSN
        var http = server.Server.CreateClient();
        var post = new HttpRequestMessage(HttpMethod.Post, "/checkpoint");
        post.Headers.Authorization = new("Bearer", TestServerFixture.Token);
        Assert.Contains($"\"checkpointLsn\":{checkpointed.CheckpointLsn}", await (await http.SendAsync(post)).Content.ReadAsStringAsync());

        using (db.BeginTransaction())
        {
            var inside = Assert.Throws<InvalidOperationException>(db.Checkpoint);
            Assert.Contains("cannot run inside a transaction", inside.Message);
        }
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => db.FlushAsync(cancelled.Token));
    }

    [Fact]
    public async Task Maintenance_calls_need_the_token_and_the_handshake()
    {
        await using var server = await TestServerFixture.StartAsync();
        using var channel = server.Channel();
        var client = new ZgDbData.ZgDbDataClient(channel);
        Assert.Equal(StatusCode.Unauthenticated, Assert.Throws<RpcException>(() => client.Checkpoint(new CheckpointRequest())).StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, Assert.Throws<RpcException>(() => client.Statistics(new StatisticsRequest())).StatusCode);
        Assert.Equal(StatusCode.Unauthenticated, (await Assert.ThrowsAsync<RpcException>(async () => await client.FlushAsync(new FlushRequest()))).StatusCode);
        var tokenOnly = new Metadata { { "authorization", "Bearer " + TestServerFixture.Token } };
        Assert.Equal(StatusCode.FailedPrecondition, Assert.Throws<RpcException>(() => client.Checkpoint(new CheckpointRequest(), tokenOnly)).StatusCode);
        Assert.True(client.Checkpoint(new CheckpointRequest(), TestServerFixture.HandshakenHeaders<BlogDb>()).CheckpointLsn >= 0);
    }
}
