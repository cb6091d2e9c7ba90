namespace ZgDb.Server.Tests;

/// <summary>Limits: a message over the server's maximum is refused clearly and the server keeps serving.</summary>
public sealed class LimitTests
{
    [Fact]
    public async Task Message_over_the_server_limit_is_refused_and_nothing_is_written()
    {
        await using var server = await TestServerFixture.StartAsync(o => o.MaxMessageSize = 64 * 1024);
        using var db = server.Connect();
        var big = new User { Name = new string('x', 200_000) };
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
}
