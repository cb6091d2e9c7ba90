using System.Diagnostics;

namespace ZgDb.Server.Tests;

/// <summary>
/// The client against a real server process (tests/ServerHost: AddZgDbServer + MapZgDbServer, Kestrel on 127.0.0.1,
/// HTTP/2): writes, a query through the server's planner, a killed server (kill -9) refused as a connection error, and
/// a restarted server serving every acknowledged write. Bounded: two server starts, 60 s each at most; killed at the end.
/// </summary>
public sealed class RealServerProcessTests
{
    private const string Token = "process-token-42";

    [Fact]
    public void Client_talks_to_a_real_server_process_and_a_restarted_one_serves_acknowledged_writes()
    {
        var directory = Path.Combine(Path.GetTempPath(), "zgdb-server-process-" + Guid.NewGuid().ToString("n"));
        int port = FreePort.Next();
        var address = $"zgdb://127.0.0.1:{port}";
        var server = Start(directory, port, out var output);
        try
        {
            using (var db = Connect(address, server, output))
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
            server.Kill(entireProcessTree: true); // kill -9: nothing flushed on the way out beyond what was acknowledged
            server.WaitForExit(10_000);
            var down = Assert.Throws<ZgDbConnectionException>(() => ZgDatabase.Connect<BlogDb>(address, new ZgClientOptions { Token = Token, CallTimeout = TimeSpan.FromSeconds(5) }));
            Assert.Contains(address, down.Message);

            server = Start(directory, port, out output);
            using var again = Connect(address, server, output);
            Assert.Equal(301, again.Users.Count());
            Assert.Equal("single", again.Users.Single(u => u.Age == 99).Name);
        }
        finally
        {
            if (!server.HasExited) server.Kill(entireProcessTree: true);
            server.WaitForExit(10_000);
            server.Dispose();
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Connects, retrying while the process starts (60 s at most).</summary>
    private static BlogDb Connect(string address, Process server, StringWriter output)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                return ZgDatabase.Connect<BlogDb>(address, new ZgClientOptions { Token = Token, CallTimeout = TimeSpan.FromSeconds(10) });
            }
            catch (ZgDbConnectionException) when (DateTime.UtcNow < deadline && !server.HasExited)
            {
                Thread.Sleep(200);
            }
            catch (ZgDbConnectionException e)
            {
                throw new Xunit.Sdk.XunitException($"the server did not start ({e.Message}); its output:\n{output}");
            }
        }
    }

    [SkippableFact]
    public void Client_from_another_address_is_refused_unless_remote_clients_are_allowed()
    {
        var address = System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == System.Net.NetworkInformation.OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses).Select(a => a.Address)
            .FirstOrDefault(a => a.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && !System.Net.IPAddress.IsLoopback(a));
        Skip.If(address is null, "this machine has no non-loopback IPv4 address to connect from");
        var directory = Path.Combine(Path.GetTempPath(), "zgdb-server-remote-" + Guid.NewGuid().ToString("n"));
        int port = FreePort.Next();
        var server = Start(HostAssembly(), [directory, $"http://0.0.0.0:{port}", Token], out var output);
        try
        {
            using (Connect($"zgdb://127.0.0.1:{port}", server, output)) { } // started, and loopback is served
            var e = Assert.Throws<ZgDbConnectionException>(() => ZgDatabase.Connect<BlogDb>($"zgdb://{address}:{port}", new ZgClientOptions { Token = Token, CallTimeout = TimeSpan.FromSeconds(10) }));
            Assert.Contains("loopback clients only", e.Message);
        }
        finally
        {
            if (!server.HasExited) server.Kill(entireProcessTree: true);
            server.WaitForExit(10_000);
            server.Dispose();
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    [Fact]
    public async Task Zgdb_serve_serves_the_application_database_and_stops_cleanly_on_SIGTERM()
    {
        var directory = Path.Combine(Path.GetTempPath(), "zgdb-serve-" + Guid.NewGuid().ToString("n"));
        var tokenFile = Path.GetTempFileName();
        File.WriteAllText(tokenFile, Token + "\n");
        int port = FreePort.Next();
        var cli = Built("Cli", "ZgDb.Cli.dll");
        var server = Start(cli, ["serve", directory, "--assembly", HostAssembly(), "--database", "BlogDb", "--urls", $"http://127.0.0.1:{port}", "--token-file", tokenFile], out var output);
        try
        {
            using (var db = Connect($"zgdb://127.0.0.1:{port}", server, output))
            {
                db.Users.Insert(new User { Name = "served", Age = 3 });
                Assert.Equal(["served"], db.Users.Where(u => u.Age == 3).Select(u => u.Name).ToList());
            }
            using var http = new HttpClient { DefaultRequestVersion = System.Net.HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
            Assert.Equal("Healthy", await http.GetStringAsync($"http://127.0.0.1:{port}/health"));
            using (var term = Process.Start("kill", ["-TERM", server.Id.ToString()])) term.WaitForExit(10_000);
            Assert.True(server.WaitForExit(30_000), "zgdb serve did not stop on SIGTERM:\n" + output);
            Assert.Equal(0, server.ExitCode);
            using var embedded = ZgDatabase.Open<BlogDb>(directory); // the lock was released, the write is there
            Assert.Equal("served", embedded.Users.Single().Name);
        }
        finally
        {
            if (!server.HasExited) server.Kill(entireProcessTree: true);
            server.WaitForExit(10_000);
            server.Dispose();
            File.Delete(tokenFile);
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static Process Start(string directory, int port, out StringWriter output) =>
        Start(HostAssembly(), [directory, $"http://127.0.0.1:{port}", Token], out output);

    private static Process Start(string dll, string[] arguments, out StringWriter output)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(dll)!, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments.Prepend(dll)) info.ArgumentList.Add(a);
        var process = Process.Start(info)!;
        var log = new StringWriter();
        process.OutputDataReceived += (_, e) => { lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output = log;
        return process;
    }

    private static string HostAssembly() => Built(Path.Combine("tests", "ServerHost"), "ZgDb.ServerHost.dll");

    private static string Built(string project, string assembly)
    {
        // tests/ZgDb.Server.Tests/bin/<Configuration>/net10.0/ -> <project>/bin/<Configuration>/net10.0/<assembly>
        var bin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var (framework, configuration) = (bin.Name, bin.Parent!.Name);
        var root = bin;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "ZgDb.sln"))) root = root.Parent;
        var dll = Path.Combine(root!.FullName, project, "bin", configuration, framework, assembly);
        Assert.True(File.Exists(dll), $"{dll} is missing: build {project} first");
        return dll;
    }
}
