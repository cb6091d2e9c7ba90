using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using ZgDb.WebApi;

namespace ZgDb.Hosting.Tests;

/// <summary>
/// samples/WebApi as a real process on 127.0.0.1 and a free port: real HTTP requests (a bounded few, each with a
/// timeout), the problem details of a bad request, a duplicate, a missing row and a broken relationship, the health
/// endpoint, then a graceful stop (SIGTERM) after which the database holds what the API acknowledged.
/// </summary>
public sealed class WebApiProcessTests : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task The_web_api_sample_serves_the_blog_maps_errors_to_problem_details_and_stops_cleanly()
    {
        var directory = _temp.Sub("blog");
        int port = FreePort();
        using var process = StartWebApi(port, directory, out var output);
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromSeconds(10) };
            await WaitUntilListening(http, process, output);

            var created = await http.PostAsJsonAsync("/users", new { name = "Ada", email = "ada@example.com", age = 36 });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            var ada = (await created.Content.ReadFromJsonAsync<User>())!;
            Assert.Equal(1, ada.Id);
            Assert.Equal("/users/1", created.Headers.Location?.ToString());

            var found = await http.GetFromJsonAsync<User>("/users/1");
            Assert.Equal("ada@example.com", found!.Email);

            var post = await http.PostAsJsonAsync("/posts", new { authorId = 1, title = "Hello" });
            Assert.Equal(HttpStatusCode.Created, post.StatusCode);
            var posts = await http.GetFromJsonAsync<List<Post>>("/users/1/posts");
            Assert.Equal("Hello", Assert.Single(posts!).Title);

            var duplicate = await Problem(await http.PostAsJsonAsync("/users", new { name = "Ada again", email = "ada@example.com" }), HttpStatusCode.Conflict);
            Assert.Equal("Users", duplicate.GetProperty("collection").GetString());
            Assert.Equal("Email", duplicate.GetProperty("index").GetString());
            Assert.Contains("ada@example.com", duplicate.GetProperty("detail").GetString());

            var invalid = await Problem(await http.PostAsJsonAsync("/users", new { name = new string('x', 101), email = "long@example.com" }), HttpStatusCode.BadRequest);
            Assert.Contains("Name", invalid.GetProperty("detail").GetString());

            var missing = await Problem(await http.PutAsJsonAsync("/users/99", new { name = "Nobody", email = "nobody@example.com" }), HttpStatusCode.NotFound);
            Assert.Equal("99", missing.GetProperty("key").GetString());

            var orphan = await Problem(await http.PostAsJsonAsync("/posts", new { authorId = 42, title = "Orphan" }), HttpStatusCode.Conflict);
            Assert.Contains("AuthorId", orphan.GetProperty("relationship").GetString());

            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync("/users/7")).StatusCode);

            var health = await http.GetAsync("/health");
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
            Assert.Equal("Healthy", await health.Content.ReadAsStringAsync());

            Stop(process, output);

            // The OpenTelemetry SDK's console exporter printed ZgDb's spans and metrics (docs/TELEMETRY.md).
            var printed = output.ToString();
            Assert.Contains("insert Users", printed);
            Assert.Contains("query Posts", printed);
            Assert.Contains("db.system.name: zgdb", printed);
            Assert.Contains("db.client.operation.duration", printed);
            Assert.Contains("zgdb.collection.documents", printed);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }

        // The process released the directory and left what it acknowledged (nothing of the refused requests).
        using var db = ZgDatabase.Open<BlogDb>(directory);
        Assert.Equal(["Ada"], db.Users.Select(u => u.Name).ToList());
        Assert.Equal(["Hello"], db.Posts.Select(p => p.Title).ToList());
    }

    private static async Task<JsonElement> Problem(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement;
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        return problem;
    }

    private static Process StartWebApi(int port, string directory, out StringWriter output)
    {
        var dll = WebApiAssembly();
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { dll, "--urls", $"http://127.0.0.1:{port}", $"--ZgDb:Directory={directory}", "--Telemetry:Console=true", "--Telemetry:MetricsIntervalMilliseconds=300" }) info.ArgumentList.Add(a);
        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        var log = new StringWriter();
        var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        output = log;
        return process;
    }

    /// <summary>The sample's own build output (built before the tests through the project reference).</summary>
    private static string WebApiAssembly()
    {
        // tests/ZgDb.Hosting.Tests/bin/<Configuration>/net10.0/ -> samples/WebApi/bin/<Configuration>/net10.0/WebApi.dll
        var bin = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string framework = bin.Name, configuration = bin.Parent!.Name;
        var root = bin;
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "ZgDb.sln"))) root = root.Parent;
        Assert.True(root is not null, $"no ZgDb.sln above {AppContext.BaseDirectory}");
        var dll = Path.Combine(root!.FullName, "samples", "WebApi", "bin", configuration, framework, "WebApi.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: build samples/WebApi first");
        return dll;
    }

    private static async Task WaitUntilListening(HttpClient http, Process process, StringWriter output)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            Assert.False(process.HasExited, $"the web API exited with {(process.HasExited ? process.ExitCode : 0)}:\n{Text(output)}");
            try
            {
                using var response = await http.GetAsync("/health");
                return;
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    /// <summary>A graceful stop, as systemd or a container runtime asks for one: SIGTERM, then the host shuts down.</summary>
    private static void Stop(Process process, StringWriter output)
    {
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString()])) kill.WaitForExit(10_000);
        Assert.True(process.WaitForExit(30_000), $"the web API did not stop within 30 s of SIGTERM:\n{Text(output)}");
        process.WaitForExit(); // drain the output
        Assert.True(process.ExitCode == 0, $"the web API exited with {process.ExitCode}:\n{Text(output)}");
    }

    private static string Text(StringWriter output)
    {
        lock (output) return output.ToString();
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
