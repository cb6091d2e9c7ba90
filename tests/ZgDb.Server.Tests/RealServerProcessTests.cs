namespace ZgDb.Server.Tests;

/// <summary>
/// The client against a real server process (tests/ServerHost: AddZgDbServer + MapZgDbServer, Kestrel on 127.0.0.1,
/// HTTP/2): writes, a query through the server's planner, a killed server (kill -9) refused as a connection error, and
/// a restarted server serving every acknowledged write. Bounded: two server starts, 60 s each at most; killed at the end.
/// </summary>
public sealed class RealServerProcessTests
{
    private const string Token = ServerProcess.Token;

    [Fact]
    public void Client_talks_to_a_real_server_process_and_a_restarted_one_serves_acknowledged_writes()
    {
        var directory = ServerProcess.NewDirectory("zgdb-server-process-");
        int port = FreePort.Next();
        var address = $"zgdb://127.0.0.1:{port}";
        using var cleanup = new DirectoryCleanup(directory);
        using (var server = ServerProcess.Host(directory, $"http://127.0.0.1:{port}"))
        {
            using (var db = server.Connect(address))
            {
                var users = Enumerable.Range(1, 300).Select(i => new User { Name = "u" + i, Age = i % 50, City = i % 2 == 0 ? "Oslo" : "Rome" }).ToList();
                db.Users.InsertMany(users);
                db.Users.Insert(new User { Name = "single", Age = 99 });
                var adults = db.Users.Where(u => u.Age > 25).OrderBy(u => u.Name).Take(20).ToList();
                Assert.Equal(users.Append(new User { Name = "single", Age = 99 }).Where(u => u.Age > 25).OrderBy(u => u.Name).Take(20).Select(u => u.Name), adults.Select(u => u.Name));
                Assert.Equal(301, db.Users.Count());
                Assert.Equal(150, db.Users.Count(u => u.City == "Oslo"));
                Assert.Equal(301, db.Users.ToList().Count); // 301 documents in pages of 500 and below
            }
            server.Kill();
            var down = Assert.Throws<ZgDbConnectionException>(() => ZgDatabase.Connect<BlogDb>(address, new ZgClientOptions { Token = Token, CallTimeout = TimeSpan.FromSeconds(5) }));
            Assert.Contains(address, down.Message);
        }
        using var restarted = ServerProcess.Host(directory, $"http://127.0.0.1:{port}");
        using var again = restarted.Connect(address);
        Assert.Equal(301, again.Users.Count());
        Assert.Equal("single", again.Users.Single(u => u.Age == 99).Name);
    }

    [SkippableFact]
    public void Client_from_another_address_is_refused_unless_remote_clients_are_allowed()
    {
        var address = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == System.Net.NetworkInformation.OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses).Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !System.Net.IPAddress.IsLoopback(a));
        Skip.If(address is null, "this machine has no non-loopback IPv4 address to connect from");
        var directory = ServerProcess.NewDirectory("zgdb-server-remote-");
        int port = FreePort.Next();
        using var cleanup = new DirectoryCleanup(directory);
        using var server = ServerProcess.Host(directory, $"http://0.0.0.0:{port}");
        using (server.Connect($"zgdb://127.0.0.1:{port}")) { } // started, and loopback is served
        var e = Assert.Throws<ZgDbConnectionException>(() => ZgDatabase.Connect<BlogDb>($"zgdb://{address}:{port}", new ZgClientOptions { Token = Token, CallTimeout = TimeSpan.FromSeconds(10) }));
        Assert.Contains("loopback clients only", e.Message);
    }

    [Fact]
    public async Task Zgdb_serve_serves_the_application_database_and_stops_cleanly_on_SIGTERM()
    {
        var directory = ServerProcess.NewDirectory("zgdb-serve-");
        var tokenFile = Path.GetTempFileName();
        File.WriteAllText(tokenFile, Token + "\n");
        int port = FreePort.Next();
        var cli = ServerProcess.Built("Cli", "ZgDb.Cli.dll");
        using var server = ServerProcess.Start(cli, ["serve", directory, "--assembly", ServerProcess.HostAssembly(), "--database", "BlogDb", "--urls", $"http://127.0.0.1:{port}", "--token-file", tokenFile], [directory, tokenFile]);
        using (var db = server.Connect($"zgdb://127.0.0.1:{port}"))
        {
            db.Users.Insert(new User { Name = "served", Age = 3 });
            Assert.Equal(["served"], db.Users.Where(u => u.Age == 3).Select(u => u.Name).ToList());
        }
        using var http = new HttpClient { DefaultRequestVersion = System.Net.HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        Assert.Equal("Healthy", await http.GetStringAsync($"http://127.0.0.1:{port}/health"));
        using (var term = System.Diagnostics.Process.Start("kill", ["-TERM", server.Process.Id.ToString()])) term.WaitForExit(10_000);
        Assert.True(server.Process.WaitForExit(30_000), "zgdb serve did not stop on SIGTERM:\n" + server.Output);
        Assert.Equal(0, server.Process.ExitCode);
        using var embedded = ZgDatabase.Open<BlogDb>(directory); // the lock was released, the write is there
        Assert.Equal("served", embedded.Users.Single().Name);
    }
}

/// <summary>Deletes a directory at the end of a test that runs several server processes over it.</summary>
internal sealed class DirectoryCleanup(string directory) : IDisposable
{
    public void Dispose()
    {
        try
        {
            if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
