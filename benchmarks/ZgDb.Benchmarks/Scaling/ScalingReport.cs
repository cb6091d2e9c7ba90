using System.Globalization;
using System.Text;
using System.Text.Json;
using ZgDb.Benchmarks.Smoke;

namespace ZgDb.Benchmarks.Scaling;

/// <summary>The scaling run's table (printed, and written as Markdown and JSON) and its plot.</summary>
public sealed class ScalingReport
{
    /// <summary>A per-operation cost that grows by this power of the data or more (x2 per tenfold data) is flagged as a bend.</summary>
    public const double BendSlope = 0.3;

    public required string CommandLine { get; init; }
    public required DateTime StartedUtc { get; init; }
    public required TimeSpan Duration { get; init; }
    public required string Machine { get; init; }
    public required string LoadAtStart { get; init; }
    public required string LoadAtEnd { get; init; }
    public required string LoadDuring { get; init; }
    public required IReadOnlyList<ScalingResult> Results { get; init; }

    private List<int> Sizes => Results.Where(r => r.Measure is not ("error" or "skipped")).Select(r => r.Documents).Distinct().Order().ToList();

    private List<string> Stores => Results.Where(r => r.Measure is not ("error" or "skipped")).Select(r => r.Store).Distinct().OrderBy(s => s == "ZgDb" ? 0 : 1).ToList();

    /// <summary>The figure of a measure: the best repetition for a timing, the median for memory and disk.</summary>
    private ScalingResult? Find(string measure, string store, int size)
    {
        var all = Results.Where(r => r.Measure == measure && r.Store == store && r.Documents == size).ToList();
        if (all.Count <= 1) return all.FirstOrDefault();
        var definition = ScalingMeasure.All.First(m => m.Id == measure);
        var ordered = all.OrderBy(r => r.Value).ToList();
        return definition.Timed ? (definition.HigherIsBetter ? ordered[^1] : ordered[0]) : ordered[(ordered.Count - 1) / 2];
    }

    private int Repetitions => Results.Select(r => r.Repetition).DefaultIfEmpty(0).Max() + 1;

    /// <summary>Each repetition's figures of a measure, for the spread under the table ("340k / 224k / 483k").</summary>
    private string Spread(string measure, string store, int size) =>
        string.Join(" / ", Results.Where(r => r.Measure == measure && r.Store == store && r.Documents == size).OrderBy(r => r.Repetition).Select(r => SmokeReport.Format(r.Value)));

    /// <summary>Writes scaling-&lt;time&gt;.json, .md and .png under the output directory (the PNG where --plot says) and prints the Markdown.</summary>
    public void Write(string outputDirectory, string? plotPath)
    {
        Directory.CreateDirectory(outputDirectory);
        var stamp = StartedUtc.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var json = Path.Combine(outputDirectory, $"scaling-{stamp}.json");
        var markdown = Path.Combine(outputDirectory, $"scaling-{stamp}.md");
        var png = plotPath ?? Path.Combine(outputDirectory, $"scaling-{stamp}.png");
        File.WriteAllText(json, ScalingRunner.ToJson(new
        {
            startedUtc = StartedUtc, durationSeconds = Duration.TotalSeconds, machine = Machine, loadAtStart = LoadAtStart, loadAtEnd = LoadAtEnd,
            loadDuring = LoadDuring, command = CommandLine, results = Results,
        }));
        File.WriteAllText(markdown, Markdown());
        Console.WriteLine();
        Console.WriteLine(Markdown());
        var plotted = Plot(png);
        Console.WriteLine($"Wrote {Path.GetFullPath(json)}, {Path.GetFullPath(markdown)}" + (plotted ? $" and {Path.GetFullPath(png)}" : ""));
    }

    /// <summary><c>--render-scaling file.json [--plot file.png]</c>: prints the Markdown of a stored run and draws its plot again.</summary>
    public static int Render(string[] args)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(args[1]));
        var root = json.RootElement;
        var report = new ScalingReport
        {
            CommandLine = root.GetProperty("command").GetString()!, StartedUtc = root.GetProperty("startedUtc").GetDateTime(),
            Duration = TimeSpan.FromSeconds(root.GetProperty("durationSeconds").GetDouble()), Machine = root.GetProperty("machine").GetString()!,
            LoadAtStart = root.GetProperty("loadAtStart").GetString()!, LoadAtEnd = root.GetProperty("loadAtEnd").GetString()!,
            LoadDuring = root.GetProperty("loadDuring").GetString()!, Results = root.GetProperty("results").Deserialize<List<ScalingResult>>()!,
        };
        Console.WriteLine(report.Markdown());
        var plot = args.Length > 3 && args[2] == "--plot" ? args[3] : Path.ChangeExtension(args[1], ".png");
        if (report.Plot(plot)) Console.WriteLine($"Wrote {Path.GetFullPath(plot)}");
        return 0;
    }

    private bool Plot(string path)
    {
        try
        {
            ScalingPlot.Save(path, Sizes, Stores, (measure, store, size) => Find(measure, store, size)?.Value);
            return true;
        }
        catch (Exception e) when (e is TypeInitializationException or DllNotFoundException or InvalidOperationException or IOException)
        {
            Console.WriteLine($"The plot could not be drawn ({e.GetType().Name}: {e.Message}); the table above has every figure.");
            return false;
        }
    }

    public string Markdown()
    {
        var sizes = Sizes;
        var stores = Stores;
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Run {StartedUtc:yyyy-MM-dd HH:mm} UTC, {Duration.TotalMinutes:F1} minutes, on {Machine}.");
        text.AppendLine(CultureInfo.InvariantCulture, $"Load average (1/5/15 min) {LoadAtStart} at the start, {LoadAtEnd} at the end; 1-minute load during the run {LoadDuring} (the machine is shared).");
        text.AppendLine(CultureInfo.InvariantCulture, $"Command: `{CommandLine}`.");
        text.AppendLine();
        text.AppendLine("| measure | store | " + string.Join(" | ", sizes.Select(s => s.ToString("N0", CultureInfo.InvariantCulture))) + " | growth b: cost per operation ∝ documents^b, between neighbouring sizes |");
        text.AppendLine("|---|---|" + string.Concat(sizes.Select(_ => "---:|")) + "---|");
        foreach (var measure in ScalingMeasure.All)
        {
            if (!Results.Any(r => r.Measure == measure.Id)) continue;
            foreach (var store in stores)
            {
                var cells = sizes.Select(s => Find(measure.Id, store, s) is { } r ? SmokeReport.Format(r.Value) : "n/a");
                var title = store == stores[0] ? $"{measure.Title} ({measure.Unit})" : "";
                text.AppendLine(CultureInfo.InvariantCulture, $"| {title} | {store} | {string.Join(" | ", cells)} | {Growth(measure, store, sizes)} |");
            }
            if (stores.Contains("ZgDb") && stores.Contains("SQLite"))
            {
                var ratios = sizes.Select(s => Find(measure.Id, "ZgDb", s) is { } z && Find(measure.Id, "SQLite", s) is { Value: > 0 } q ? Ratio(z.Value / q.Value) : "n/a");
                text.AppendLine(CultureInfo.InvariantCulture, $"| | ZgDb ÷ SQLite | {string.Join(" | ", ratios)} | {(measure.HigherIsBetter ? "above 1: ZgDb wins" : "below 1: ZgDb wins")} |");
            }
        }
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Growth: the exponent b of cost ∝ documents^b between neighbouring sizes, for the cost per operation the plot shows (µs per document, lookup or query; ms to open; bytes per document). 0 is flat, 1 is a cost per operation proportional to the data (for memory and disk: b > 0 is a total growing faster than the data); **bends** marks b >= {BendSlope}, the cost of one operation doubling or worse per tenfold data. Between small sizes fixed costs dominate (a process's baseline memory, a flush's fsync), so a falling cost there is expected.");
        text.AppendLine();
        if (Repetitions > 1)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Each size was swept {Repetitions} times, each time in new processes; a timing above is the best of the {Repetitions}, memory and disk the median. Every repetition's figures, in order:");
            text.AppendLine();
            text.AppendLine("| measure | store | " + string.Join(" | ", sizes.Select(s => s.ToString("N0", CultureInfo.InvariantCulture))) + " |");
            text.AppendLine("|---|---|" + string.Concat(sizes.Select(_ => "---:|")));
            foreach (var measure in ScalingMeasure.All.Where(m => Results.Any(r => r.Measure == m.Id)))
                foreach (var store in stores)
                    text.AppendLine(CultureInfo.InvariantCulture, $"| {(store == stores[0] ? measure.Id : "")} | {store} | {string.Join(" | ", sizes.Select(s => Spread(measure.Id, store, s)))} |");
            text.AppendLine();
        }
        text.AppendLine("Notes (from the first repetition):");
        text.AppendLine();
        foreach (var r in Results.Where(r => r.Note is not null && r.Measure is not ("error" or "skipped") && r.Repetition == 0))
            text.AppendLine(CultureInfo.InvariantCulture, $"- {r.Measure} {r.Store} {r.Documents:N0}: {r.Note}");
        foreach (var r in Results.Where(r => r.Measure == "skipped"))
            text.AppendLine(CultureInfo.InvariantCulture, $"- SKIPPED {r.Documents:N0} documents: {r.Note}");
        foreach (var r in Results.Where(r => r.Measure == "error"))
            text.AppendLine(CultureInfo.InvariantCulture, $"- FAILED {r.Store} at {r.Documents:N0} (repetition {r.Repetition + 1}): {r.Note}");
        var mismatches = ScalingRunner.Mismatches(Results).ToList();
        text.AppendLine();
        text.AppendLine(sizes.Count == 0 ? "Result checks: none, no size ran."
            : mismatches.Count == 0
            ? "Result checks: at every size both stores returned the same answers (the count of a full scan = the documents inserted, a checksum of every field of 1,000 warm and of the cold lookups, the ids of 5 range queries, W7's key)."
            : "Result checks that FAILED: " + string.Join("; ", mismatches));
        return text.ToString();
    }

    /// <summary>The growth exponents between neighbouring sizes, e.g. "0.05, **0.42 bends**".</summary>
    private string Growth(ScalingMeasure measure, string store, List<int> sizes)
    {
        var parts = new List<string>();
        for (int i = 1; i < sizes.Count; i++)
        {
            if (Find(measure.Id, store, sizes[i - 1]) is not { } a || Find(measure.Id, store, sizes[i]) is not { } b || a.Value <= 0 || b.Value <= 0) continue;
            var slope = Math.Log(measure.Cost(b.Value, sizes[i]) / measure.Cost(a.Value, sizes[i - 1])) / Math.Log((double)sizes[i] / sizes[i - 1]);
            var rounded = Math.Round(slope, 2);
            var formatted = rounded == 0 ? "0.00" : rounded.ToString("+0.00;-0.00", CultureInfo.InvariantCulture);
            parts.Add(slope >= BendSlope ? $"**{formatted} bends**" : formatted);
        }
        return string.Join(", ", parts);
    }

    private static string Ratio(double ratio) => ratio switch
    {
        >= 10 => ratio.ToString("N0", CultureInfo.InvariantCulture) + "x",
        >= 0.1 => ratio.ToString("N2", CultureInfo.InvariantCulture) + "x",
        _ => ratio.ToString("G2", CultureInfo.InvariantCulture) + "x",
    };
}
