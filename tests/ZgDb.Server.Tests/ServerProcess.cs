using System.Diagnostics;

namespace ZgDb.Server.Tests;

/// <summary>
/// A real server process (tests/ServerHost, or <c>zgdb serve</c>) on 127.0.0.1 with its output captured; disposing it
/// kills it if it still runs (kill -9), waits for it, and deletes the paths it was given (the database directory,
/// a token file). The one start-up and tear-down of every real-process test.
/// </summary>
internal sealed class ServerProcess : IDisposable
{
    public const string Token = "process-token-42";

    private readonly string[] _cleanup;

    private ServerProcess(Process process, StringWriter output, string[] cleanup)
    {
        Process = process;
        Output = output;
        _cleanup = cleanup;
    }

    public Process Process { get; }
    public StringWriter Output { get; }

    /// <summary>tests/ServerHost serving <paramref name="directory"/> on <paramref name="url"/> with <see cref="Token"/>.</summary>
    public static ServerProcess Host(string directory, string url) =>
        Start(HostAssembly(), [directory, url, Token], []);

    /// <summary><c>dotnet <paramref name="dll"/> <paramref name="arguments"/></c>; <paramref name="cleanup"/> is deleted on dispose.</summary>
    public static ServerProcess Start(string dll, string[] arguments, string[] cleanup)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = Path.GetDirectoryName(dll)!, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments.Prepend(dll)) info.ArgumentList.Add(a);
        var process = System.Diagnostics.Process.Start(info)!;
        var log = new StringWriter();
        process.OutputDataReceived += (_, e) => { lock (log) log.WriteLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.WriteLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ServerProcess(process, log, cleanup);
    }

    /// <summary>Connects, retrying while the process starts (60 s at most).</summary>
    public BlogDb Connect(string address, ZgClientOptions? options = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        options ??= new ZgClientOptions { Token = Token, CallTimeout = TimeSpan.FromSeconds(10) };
        while (true)
        {
            try
            {
                return ZgDatabase.Connect<BlogDb>(address, options);
            }
            catch (ZgDbConnectionException) when (DateTime.UtcNow < deadline && !Process.HasExited)
            {
                Thread.Sleep(200);
            }
            catch (ZgDbConnectionException e)
            {
                throw new Xunit.Sdk.XunitException($"the server did not start ({e.Message}); its output:\n{Output}");
            }
        }
    }

    /// <summary>kill -9: nothing flushed on the way out beyond what was acknowledged.</summary>
    public void Kill()
    {
        if (!Process.HasExited) Process.Kill(entireProcessTree: true);
        Process.WaitForExit(10_000);
    }

    public void Dispose()
    {
        Kill();
        Process.Dispose();
        foreach (var path in _cleanup)
        {
            try
            {
                if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
                else File.Delete(path);
            }
            catch (IOException)
            {
            }
        }
    }

    public static string NewDirectory(string prefix) => Path.Combine(Path.GetTempPath(), prefix + Guid.NewGuid().ToString("n"));

    public static string HostAssembly() => Built(Path.Combine("tests", "ServerHost"), "ZgDb.ServerHost.dll");

    public static string Built(string project, string assembly)
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
