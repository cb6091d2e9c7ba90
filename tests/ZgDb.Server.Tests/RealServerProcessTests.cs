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

    /// <summary>
    /// SIGTERM with calls in flight: an open transaction and writers waiting for its writer's turn. The server refuses
    /// new calls but waits for those (it is still running a second later), the transaction commits after the signal,
    /// the waiting writes are acknowledged, the next ones refused; it exits 0, flushed and checkpointed (nothing left to
    /// replay), and restarted it serves every acknowledged write.
    /// </summary>
    [Fact]
    public void SIGTERM_drains_the_calls_in_flight_then_flushes_checkpoints_and_exits_0()
    {
        var directory = ServerProcess.NewDirectory("zgdb-server-drain-");
        int port = FreePort.Next();
        var address = $"zgdb://127.0.0.1:{port}";
        using var cleanup = new DirectoryCleanup(directory);
        var acknowledged = new System.Collections.Concurrent.ConcurrentBag<int>();
        var refusals = new System.Collections.Concurrent.ConcurrentBag<Exception>();
        using (var server = ServerProcess.Host(directory, $"http://127.0.0.1:{port}"))
        {
            using var db = server.Connect(address);
            db.Users.InsertMany(Enumerable.Range(1, 100).Select(i => new User { Id = i, Name = "base" + i, Age = i % 50 }));
            var tx = db.BeginTransaction();
            db.Users.Insert(new User { Id = 5000, Name = "in the transaction" });

            // Writers on their own connections: their first write waits for the transaction's writer turn (in flight).
            var noRetries = new ZgClientOptions { Token = Token, CallTimeout = TimeSpan.FromSeconds(30), MaxRetries = 0 };
            var writers = Enumerable.Range(0, 3).Select(w =>
            {
                var connection = server.Connect(address, noRetries);
                return new Thread(() =>
                {
                    using (connection)
                        for (int i = 0; i < 10_000; i++)
                        {
                            int id = 10_000 * (w + 1) + i;
                            try
                            {
                                connection.Users.Insert(new User { Id = id, Name = "writer" + w, Age = 1 });
                            }
                            catch (ZgDbConnectionException e)
                            {
                                refusals.Add(e);
                                return;
                            }
                            acknowledged.Add(id);
                        }
                }) { IsBackground = true };
            }).ToList();
            writers.ForEach(t => t.Start());
            Thread.Sleep(1500);
            Assert.Empty(acknowledged); // all waiting behind the transaction

            using (var term = System.Diagnostics.Process.Start("kill", ["-TERM", server.Process.Id.ToString()])) term.WaitForExit(10_000);
            Thread.Sleep(1000);
            Assert.False(server.Process.HasExited, "the server exited with a transaction and writes in flight:\n" + server.Output);
            // a new call is refused while the stop drains
            var refused = Assert.Throws<ZgDbConnectionException>(() => ZgDatabase.Connect<BlogDb>(address, noRetries));
            Assert.Contains("stopping", refused.Message);
            tx.Commit(); // the transaction in flight finishes
            foreach (var writer in writers) Assert.True(writer.Join(30_000), "a writer did not end");
            Assert.True(server.Process.WaitForExit(30_000), "the server did not stop after SIGTERM:\n" + server.Output);
            Assert.Equal(0, server.Process.ExitCode);
            Assert.Equal(3, refusals.Count); // each writer was refused in the end
            Assert.NotEmpty(acknowledged); // the writes waiting at the signal were answered
        }
        using (var embedded = ZgDatabase.Open<BlogDb>(directory))
        {
            var statistics = embedded.GetStatistics();
            Assert.Equal(statistics.LastLsn, statistics.CheckpointLsn); // checkpointed on the way out: nothing to replay
        }
        using var restarted = ServerProcess.Host(directory, $"http://127.0.0.1:{port}");
        using var again = restarted.Connect(address);
        Assert.Equal("in the transaction", again.Users.Find(5000)!.Name);
        foreach (var id in acknowledged) Assert.NotNull(again.Users.Find(id));
        Assert.Equal(100, again.Users.Count(u => u.Name.StartsWith("base")));
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
