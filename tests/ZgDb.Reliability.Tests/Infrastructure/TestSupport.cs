// The scratch-directory helper is the shared one (tests/ZgDb.TestSupport); these tests call it TempDir.
global using TempDir = ZgDb.TestSupport.TempDirectory;
using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace ZgDb.Reliability;

/// <summary>Seeds for randomized tests: from an environment variable (to replay a failure) or fresh, always logged.</summary>
internal static class Seeds
{
    public static int Get(string variable, Action<string> log)
    {
        var text = Environment.GetEnvironmentVariable(variable);
        int seed = int.TryParse(text, out var s) ? s : Random.Shared.Next();
        log($"seed {seed} (replay with {variable}={seed})");
        return seed;
    }
}

/// <summary>
/// Figures the reliability tests measured, appended to <c>reliability-figures.txt</c> beside the test assembly
/// (docs/RELIABILITY.md quotes the last run's) and written to the test output.
/// </summary>
internal static class Figures
{
    private static readonly object Lock = new();

    public static string FilePath => System.IO.Path.Combine(AppContext.BaseDirectory, "reliability-figures.txt");

    public static void Record(Xunit.Abstractions.ITestOutputHelper output, string line)
    {
        output.WriteLine(line);
        lock (Lock) File.AppendAllText(FilePath, $"{DateTime.UtcNow:O} {line}\n");
    }
}

/// <summary>Runs tests/CrashChild (ZgDb.CrashChild.dll) as a child process.</summary>
internal static class CrashChild
{
    public static string DllPath { get; } = Locate();

    private static string Locate()
    {
        const string name = "ZgDb.CrashChild.dll";
        var candidates = new List<string>();
        var built = typeof(CrashChild).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "CrashChildDirectory")?.Value;
        if (built is not null) candidates.Add(System.IO.Path.Combine(built, name));
        candidates.Add(System.IO.Path.Combine(AppContext.BaseDirectory, name));
        // Walk up from the test assembly to the repository and look in tests/CrashChild/bin/<any>/<any>/.
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var bin = System.IO.Path.Combine(dir.FullName, "tests", "CrashChild", "bin");
            if (Directory.Exists(bin))
                candidates.AddRange(Directory.GetFiles(bin, name, SearchOption.AllDirectories).OrderByDescending(File.GetLastWriteTimeUtc));
        }
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException($"{name} was not built; looked in: {string.Join(", ", candidates)}. Build tests/ZgDb.Reliability.Tests (it builds the child).");
    }

    public static Process Start(params string[] args) => Start(new Dictionary<string, string>(), args);

    /// <summary>Starts the child with extra environment variables (e.g. TZ, DOTNET_SYSTEM_IO_DISABLEFILELOCKING).</summary>
    public static Process Start(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardInput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(DllPath);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["DOTNET_TieredPGO"] = "0";
        info.Environment["DOTNET_TC_QuickJitForLoops"] = "1";
        foreach (var (name, value) in environment) info.Environment[name] = value;
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the crash child");
        // Drain stderr as it comes: a child that dumps a long stack trace must not block on a full pipe.
        var stderr = new StringBuilder();
        Stderr.Add(process, stderr);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null) lock (stderr) if (stderr.Length < 64 * 1024) stderr.AppendLine(e.Data);
        };
        process.BeginErrorReadLine();
        return process;
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Process, StringBuilder> Stderr = new();

    /// <summary>What the child wrote to stderr so far (the first 64 KiB).</summary>
    public static string ErrorOutput(Process process)
    {
        if (!Stderr.TryGetValue(process, out var stderr)) return "";
        if (process.HasExited) process.WaitForExit(); // flushes the asynchronous reader
        lock (stderr) return stderr.ToString();
    }

    /// <summary>SIGKILL (Process.Kill on Linux and macOS) and wait until the process is gone, so its lock is released.</summary>
    public static void KillHard(Process process)
    {
        try
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException) { } // exited meanwhile
        process.WaitForExit();
    }

    /// <summary>Reads one line of the child's stdout, or null when it does not come within <paramref name="timeout"/>.</summary>
    public static string? ReadLine(Process process, TimeSpan timeout)
    {
        var read = process.StandardOutput.ReadLineAsync();
        return read.Wait(timeout) ? read.Result : null;
    }
}
