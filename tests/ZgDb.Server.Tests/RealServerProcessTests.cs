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

    private static Process Start(string directory, int port, out StringWriter output)
    {
        var dll = HostAssembly();
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(dll)!, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { dll, directory, $"http://127.0.0.1:{port}", Token }) info.ArgumentList.Add(a);
        var process = Process.Start(info)!;
        var log = new StringWriter();
        process.OutputDataReceived += (_, e) => { lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output = log;
        return process;
    }

    private static string HostAssembly()
    {
        // tests/ZgDb.Server.Tests/bin/<Configuration>/net10.0/ -> tests/ServerHost/bin/<Configuration>/net10.0/ZgDb.ServerHost.dll
        var bin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var (framework, configuration) = (bin.Name, bin.Parent!.Name);
        var root = bin;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "ZgDb.sln"))) root = root.Parent;
        var dll = Path.Combine(root!.FullName, "tests", "ServerHost", "bin", configuration, framework, "ZgDb.ServerHost.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: build tests/ServerHost first");
        return dll;
    }
}
