namespace ZgDb.Server.Tests;

/// <summary>The handshake compares the client's model with the server's stored model and names the first difference.</summary>
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

    [Fact]
    public async Task Client_with_another_model_is_refused_naming_the_first_difference()
    {
        await using var server = await TestServerFixture.StartAsync();
        var e = Assert.Throws<ZgDbConnectionException>(() => server.Connect<OtherDb>());
        Assert.Contains("collection 'Users', property 'Age': int32 on the server, string on the client", e.Message);
        Assert.Contains("zgdb://localhost", e.Message);
        using var good = server.Connect(); // the server keeps serving the right model
        Assert.Equal(0, good.Users.Count());
    }
}
