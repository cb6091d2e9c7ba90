using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace ZgDb.Benchmarks.Smoke;

/// <summary>Prints the smoke run's table and writes it as JSON and Markdown (the table docs/BENCHMARKS.md shows).</summary>
public sealed class SmokeReport(SmokeOptions options, IReadOnlyList<SmokeResult> results, DateTime startedUtc, TimeSpan duration)
{
    /// <summary>Issue 7's targets, as ZgDb ÷ SQLite.</summary>
    private static readonly Dictionary<string, string> Targets = new()
    {
        ["W1"] = ">= 2.5", ["W2"] = ">= 20", ["W2-linq"] = ">= 10", ["W3"] = ">= 7", ["W4"] = ">= 7", ["W5"] = ">= 5",
        ["W7"] = "<= 1", ["W8-disk"] = "<= 0.7",
    };

    private List<string> StoreNames => results.Where(r => r.Workload != "error").Select(r => r.Store).Distinct().OrderBy(s => s == "ZgDb" ? 0 : 1).ToList();

    /// <summary>Overrides the machine and end-of-run load (when rendering a stored run).</summary>
    public string? MachineText { get; init; }
    public string? LoadAtEnd { get; init; }

    /// <summary><c>--render file.json</c>: prints the Markdown of a stored run again.</summary>
    public static int Render(string path)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var root = json.RootElement;
        var options = new SmokeOptions
        {
            CommandLine = root.GetProperty("command").GetString()!, Users = root.GetProperty("Users").GetInt32(),
            W7Documents = root.GetProperty("W7Documents").GetInt32(), Seconds = root.GetProperty("Seconds").GetDouble(),
        };
        var results = root.GetProperty("results").Deserialize<List<SmokeResult>>()!;
        var report = new SmokeReport(options, results, root.GetProperty("startedUtc").GetDateTime(), TimeSpan.FromSeconds(root.GetProperty("durationSeconds").GetDouble()))
        {
            LoadAtStart = root.GetProperty("loadAtStart").GetString()!, LoadAtEnd = root.GetProperty("loadAtEnd").GetString(),
            MachineText = root.GetProperty("machine").GetString(),
        };
        Console.WriteLine(report.Markdown());
        return 0;
    }

    public static string Format(double value) => value switch
    {
        >= 100 => value.ToString("N0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("N1", CultureInfo.InvariantCulture),
        _ => value.ToString("N2", CultureInfo.InvariantCulture),
    };

    private SmokeResult? Find(string workload, string store) => results.FirstOrDefault(r => r.Workload == workload && r.Store == store);

    /// <summary>The 1/5/15-minute load averages (Linux), to judge how busy the shared machine was.</summary>
    public static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    public string LoadAtStart { get; init; } = "";

    public static string Machine() =>
        $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}, " +
        $"{RuntimeInformation.ProcessArchitecture}, {(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1073741824.0):F0} GB RAM";

    public void Write()
    {
        Directory.CreateDirectory(options.OutputDirectory);
        var stamp = startedUtc.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var json = Path.Combine(options.OutputDirectory, $"smoke-{stamp}.json");
        var markdown = Path.Combine(options.OutputDirectory, $"smoke-{stamp}.md");
        File.WriteAllText(json, JsonSerializer.Serialize(new
        {
            startedUtc, durationSeconds = duration.TotalSeconds, machine = Machine(), loadAtStart = LoadAtStart, loadAtEnd = LoadAverage(), command = options.CommandLine,
            options.Users, options.W7Documents, options.Seconds, results,
        }, new JsonSerializerOptions { WriteIndented = true }));
        File.WriteAllText(markdown, Markdown());
        Console.WriteLine();
        Console.WriteLine(Markdown());
        Console.WriteLine($"Wrote {Path.GetFullPath(json)} and {Path.GetFullPath(markdown)}");
    }

    public string Markdown()
    {
        var stores = StoreNames;
        var peers = stores.Where(s => s != "ZgDb").ToList();
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Run {startedUtc:yyyy-MM-dd HH:mm} UTC, {duration.TotalSeconds:F0} s, on {MachineText ?? Machine()}; load average {LoadAtStart} at the start, {LoadAtEnd ?? LoadAverage()} at the end (the machine is shared).");
        text.AppendLine(CultureInfo.InvariantCulture, $"Command: `{options.CommandLine}` ({options.Users:N0} users, W7 on {options.W7Documents:N0} documents, {options.Seconds} s per timed workload).");
        text.AppendLine();
        text.AppendLine("| workload | " + string.Join(" | ", stores) + " |");
        text.AppendLine("|---|" + string.Concat(stores.Select(_ => "---:|")));
        foreach (var (id, title) in Workloads.Rows)
        {
            if (!results.Any(r => r.Workload == id)) continue;
            var cells = stores.Select(s => Find(id, s) is { } r ? Format(r.Value) + (Flag(r) is { } f ? " " + f : "") : "n/a");
            text.AppendLine(CultureInfo.InvariantCulture, $"| {id}: {title} | {string.Join(" | ", cells)} |");
        }
        text.AppendLine();
        text.AppendLine("Ratios ZgDb ÷ peer (W7, W8: lower is better, so a ratio below 1 means ZgDb wins; elsewhere above 1 wins):");
        text.AppendLine();
        text.AppendLine("| workload | " + string.Join(" | ", peers.Select(p => "÷ " + p)) + " | issue-7 target (÷ SQLite) |");
        text.AppendLine("|---|" + string.Concat(peers.Select(_ => "---:|")) + "---|");
        foreach (var (id, _) in Workloads.Rows)
        {
            if (Find(id, "ZgDb") is not { } zg) continue;
            var cells = peers.Select(p => Find(id, p) is { Value: > 0 } peer ? Ratio(zg.Value / peer.Value) : "n/a");
            text.AppendLine(CultureInfo.InvariantCulture, $"| {id} | {string.Join(" | ", cells)} | {Targets.GetValueOrDefault(id, "")} |");
        }
        text.AppendLine();
        text.AppendLine("Notes (how each store ran a workload; \"no index yet\" rows will change when ZgDb's indexes and LINQ planner land):");
        text.AppendLine();
        foreach (var r in results.Where(r => r.Note is not null && r.Workload != "error")) text.AppendLine(CultureInfo.InvariantCulture, $"- {r.Workload} {r.Store}: {r.Note}");
        foreach (var r in results.Where(r => r.Workload == "error")) text.AppendLine(CultureInfo.InvariantCulture, $"- FAILED {r.Store}: {r.Note}");
        var mismatches = Mismatches().ToList();
        text.AppendLine();
        text.AppendLine(mismatches.Count == 0
            ? "Result checks: every store returned the same results (W2-W5 checksums, W7 key) where compared."
            : "Result checks that DIFFER between stores: " + string.Join("; ", mismatches));
        return text.ToString();
    }

    private static string Ratio(double ratio) => ratio switch
    {
        >= 10 => ratio.ToString("N0", CultureInfo.InvariantCulture) + "x",
        >= 0.1 => ratio.ToString("N2", CultureInfo.InvariantCulture) + "x",
        _ => ratio.ToString("G2", CultureInfo.InvariantCulture) + "x",
    };

    private static string? Flag(SmokeResult r) => r.Note is not null && r.Note.StartsWith("no index yet", StringComparison.Ordinal) ? "(no index yet)" : null;

    /// <summary>The checked answers (W3-W5 checksums, W7's key) that differ between stores.</summary>
    public IEnumerable<string> Mismatches()
    {
        foreach (var group in results.Where(r => r.Check is not null && r.Workload is "W3" or "W4" or "W5" or "W7").GroupBy(r => r.Workload))
            if (group.Select(r => r.Check).Distinct().Count() > 1)
                yield return $"{group.Key}: " + string.Join(", ", group.Select(r => $"{r.Store}={r.Check}"));
    }
}
