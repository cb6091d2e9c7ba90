namespace ZgDb.Server.Tests;

/// <summary>The key operations of a connected database behave as embedded ones: assigned keys, errors of the catalog.</summary>
public sealed class RemoteCrudTests
{
    [Fact]
    public async Task Insert_assigns_the_key_and_Find_reads_the_document_back()
    {
        await using var server = await TestServerFixture.StartAsync();
        using var db = server.Connect();
        var ada = new User { Name = "Ada", Age = 36, City = "London", CreatedAt = new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc), Role = Role.Admin, Home = new Address { City = "London" }, Tags = ["a", "b"] };
        db.Users.Insert(ada);
        Assert.NotEqual(0, ada.Id);
        var found = db.Users.Find(ada.Id)!;
        Assert.Equal("Ada", found.Name);
        Assert.Equal(Role.Admin, found.Role);
        Assert.Equal(ada.CreatedAt, found.CreatedAt);
        Assert.Equal(["a", "b"], found.Tags);
        Assert.Equal("London", found.Home!.City);
        Assert.Null(db.Users.Find(12345));
        Assert.Equal(1, db.Users.Count());
    }

    [Fact]
    public async Task Update_Upsert_Delete_and_InsertMany_change_what_the_server_stores()
    {
        await using var server = await TestServerFixture.StartAsync();
        using var db = server.Connect();
        var users = Enumerable.Range(1, 10).Select(i => new User { Name = "u" + i, Age = i }).ToList();
        db.Users.InsertMany(users);
        Assert.All(users, u => Assert.NotEqual(0, u.Id));
        Assert.Equal(10, users.Select(u => u.Id).Distinct().Count());
        users[0].Name = "changed";
        db.Users.Update(users[0]);
        Assert.Equal("changed", db.Users.Find(users[0].Id)!.Name);
        db.Users.Upsert(new User { Id = 1000, Name = "upserted" });
        Assert.Equal("upserted", db.Users.Find(1000)!.Name);
        Assert.True(db.Users.Delete(users[1].Id));
        Assert.False(db.Users.Delete(users[1].Id));
        Assert.Equal(10, db.Users.LongCount());
        var post = new Post { UserId = users[0].Id, Title = "hello" };
        db.Posts.Insert(post);
        Assert.NotEqual(Guid.Empty, post.Id);
        Assert.Equal("hello", db.Posts.Find(post.Id)!.Title);
    }

    [Fact]
    public async Task Duplicate_key_and_missing_document_are_the_catalog_errors_on_the_client()
    {
        await using var server = await TestServerFixture.StartAsync();
        using var db = server.Connect();
        db.Users.Insert(new User { Id = 7, Name = "seven" });
        var duplicate = Assert.Throws<ZgDbDuplicateKeyException>(() => db.Users.Insert(new User { Id = 7, Name = "again" }));
        Assert.Equal("Users", duplicate.Collection);
        Assert.Equal(7, duplicate.Key);
        var missing = Assert.Throws<ZgDbNotFoundException>(() => db.Users.Update(new User { Id = 8 }));
        Assert.Equal(8, missing.Key);
        Assert.Equal("seven", db.Users.Find(7)!.Name); // nothing changed
    }

    [Fact]
    public async Task Unreachable_server_is_a_connection_exception_naming_the_address()
    {
        int port = FreePort.Next();
        var e = Assert.Throws<ZgDbConnectionException>(() => ZgDatabase.Connect<BlogDb>($"zgdb://127.0.0.1:{port}", new ZgClientOptions { Token = "x", CallTimeout = TimeSpan.FromSeconds(5) }));
        Assert.Contains($"127.0.0.1:{port}", e.Message);
    }

    [Fact]
    public async Task Operations_not_carried_yet_say_so()
    {
        await using var server = await TestServerFixture.StartAsync();
        using var db = server.Connect();
        // SchemaVersion reads the engine's metadata, which no call carries yet
        var e = Assert.Throws<NotSupportedException>(() => db.SchemaVersion);
        Assert.Contains("not available over the network yet", e.Message);
        // UpdateMany's update is compiled code (RemoteMaintenanceTests has the rest)
        Assert.Throws<NotSupportedException>(() => db.Users.UpdateMany(u => u.Age > 3, u => u.Age++));
    }
}

internal static class FreePort
{
    public static int Next()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        int port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
