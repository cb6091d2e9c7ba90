using System.Globalization;
using System.Text.Json;
using ZgDb.Benchmarks.Smoke;
using ZgDb.Benchmarks.Stores;

namespace ZgDb.Benchmarks.Scaling;

/// <summary>
/// The scaling run: for each size (smallest first) and each store, three kinds of fresh process. A load child
/// builds the database and times the insert, a warm scan, warm lookups and the range query; a cold child reopens
/// it with an empty cache, times the first lookups, reads everything and reports its peak working set; W7's
/// child (the smoke run's) times open + first lookup, median of a few processes. The store order alternates
/// from size to size so that load from other processes does not always fall on the same store.
/// </summary>
public sealed class ScalingRunner(ScalingOptions options)
{
    /// <summary>
    /// Generous estimates of what one document costs on disk per store (WALs included) and in memory at the peak of a
    /// load process (measured at 1,000,000 documents: ZgDb's peaked at 1,953 MB, ~2 KB per document with the
    /// harness's own list of ~0.4 KB per document; SQLite's at 393 MB).
    /// </summary>
    private const long DiskBytesPerDocument = 1_500, MemoryBytesPerDocument = 2_500;

    private readonly List<ScalingResult> _results = [];
    private int _repetition;

    public IReadOnlyList<ScalingResult> Results => _results;

    /// <summary>The 1-minute load average at the start of each cell, to say how busy the machine was during the run.</summary>
    public List<double> LoadSamples { get; } = [];

    public void Run()
    {
        Directory.CreateDirectory(options.DataDirectory);
        Console.WriteLine($"ZgDb scaling benchmark: {string.Join(", ", options.Sizes.Select(s => s.ToString("N0", CultureInfo.InvariantCulture)))} documents; " +
                          $"{string.Join(", ", options.Stores)}; {options.Seconds} s per timed measure; data in {options.DataDirectory}");
        for (_repetition = 0; _repetition < options.Repeat; _repetition++)
        {
            if (options.Repeat > 1) Console.WriteLine($"Sweep {_repetition + 1} of {options.Repeat}");
            for (int index = 0; index < options.Sizes.Count; index++)
            {
                var size = options.Sizes[index];
                if (!Fits(size)) continue;
                var stores = (index + _repetition) % 2 == 0 ? options.Stores : Enumerable.Reverse(options.Stores).ToList();
                foreach (var name in stores) Cell(name, size);
            }
        }
    }

    /// <summary>Whether the disk under the data directory and the memory have room for <paramref name="size"/>; says why not.</summary>
    private bool Fits(int size)
    {
        var drive = new DriveInfo(Path.GetPathRoot(options.DataDirectory)!);
        long needDisk = size * DiskBytesPerDocument * options.Stores.Count, needMemory = size * MemoryBytesPerDocument;
        long freeMemory = AvailableMemory();
        string? why = drive.AvailableFreeSpace < needDisk
            ? $"the disk under {options.DataDirectory} has {drive.AvailableFreeSpace / 1e9:F1} GB free, the run needs about {needDisk / 1e9:F1} GB"
            : freeMemory < needMemory ? $"the machine has {freeMemory / 1e9:F1} GB of memory available (MemAvailable), one load process needs about {needMemory / 1e9:F1} GB" : null;
        Console.WriteLine(why is null
            ? $"{size:N0} documents: {drive.AvailableFreeSpace / 1e9:F1} GB free on {drive.Name} (needs ~{needDisk / 1e9:F1} GB), {freeMemory / 1e9:F1} GB memory (needs ~{needMemory / 1e9:F1} GB)"
            : $"{size:N0} documents: SKIPPED: {why}");
        if (why is not null && _repetition == 0) _results.Add(new ScalingResult(size, "-", "skipped", 0, null, why));
        return why is null;
    }

    /// <summary>Memory other processes leave free (Linux MemAvailable; elsewhere what the GC may use).</summary>
    private static long AvailableMemory()
    {
        const string Path = "/proc/meminfo";
        var line = File.Exists(Path) ? File.ReadLines(Path).FirstOrDefault(l => l.StartsWith("MemAvailable:", StringComparison.Ordinal)) : null;
        return line is not null && long.TryParse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], NumberStyles.None, CultureInfo.InvariantCulture, out var kb)
            ? kb * 1024
            : GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
    }

    private void Cell(string name, int size)
    {
        var storeName = BenchStore.All[name]().Name;
        var directory = Path.Combine(options.DataDirectory, $"{size}-{name}");
        var timeout = TimeSpan.FromSeconds(options.CellTimeoutSeconds);
        var count = size.ToString(CultureInfo.InvariantCulture);
        LoadSamples.Add(double.Parse(SmokeReport.LoadAverage().Split(' ')[0], CultureInfo.InvariantCulture));
        Console.WriteLine($"{storeName} at {size:N0} documents (load average {SmokeReport.LoadAverage()})");
        try
        {
            if (!Guard(storeName, size, "load", () =>
                {
                    var load = ChildRuns.Spawn(timeout, "--child-scale-load", name, directory, count, options.Seconds.ToString(CultureInfo.InvariantCulture));
                    var checkpoint = load.GetProperty("checkpointSeconds").GetDouble();
                    Add(size, storeName, "insert", load.GetProperty("insertPerSecond").GetDouble(), load.GetProperty("counted").GetInt64(),
                        $"{load.GetProperty("insertSeconds").GetDouble():F2} s" + (checkpoint > 0 ? $", then the checkpoint {checkpoint:F2} s (not in the rate)" : "") +
                        $"; load process peak {load.GetProperty("loadPeakMb").GetDouble():F0} MB with the harness's generated list");
                    Add(size, storeName, "find-warm", load.GetProperty("findPerSecond").GetDouble(), load.GetProperty("findCheck").GetInt64(), null);
                    Add(size, storeName, "range", load.GetProperty("rangePerSecond").GetDouble(), load.GetProperty("rangeCheck").GetInt64(), null);
                    Add(size, storeName, "scan", load.GetProperty("scanNsPerDocument").GetDouble(), load.GetProperty("counted").GetInt64(), null);
                    Add(size, storeName, "disk", load.GetProperty("bytesPerDocument").GetDouble(), null, load.GetProperty("diskNote").GetString());
                }))
                return;
            Guard(storeName, size, "cold", () =>
            {
                var cold = ChildRuns.Spawn(timeout, "--child-scale-cold", name, directory, count, options.ColdLookups.ToString(CultureInfo.InvariantCulture));
                Add(size, storeName, "find-cold", cold.GetProperty("coldPerSecond").GetDouble(), cold.GetProperty("coldCheck").GetInt64(),
                    $"first {options.ColdLookups:N0} lookups after open ({cold.GetProperty("openMs").GetDouble():F0} ms, JIT warmed on a small database first)");
                var (peak, baseline) = (cold.GetProperty("peakMb").GetDouble(), cold.GetProperty("baselineMb").GetDouble());
                Add(size, storeName, "memory", peak, cold.GetProperty("counted").GetInt64(),
                    $"process baseline {baseline:F0} MB (after JIT on a small database, before open); managed heap held at the end {cold.GetProperty("heldMb").GetDouble():F0} MB");
                Add(size, storeName, "memory-data", Math.Max(0, peak - baseline), null, null);
            });
            Guard(storeName, size, "open", () =>
            {
                var key = size / 2 + 7;
                var runs = Enumerable.Range(0, options.OpenRuns)
                    .Select(_ => ChildRuns.Spawn(timeout, "--child-w7", name, directory, key.ToString(CultureInfo.InvariantCulture))).ToList();
                var total = Median(runs.Select(r => r.GetProperty("totalMs").GetDouble()));
                var open = Median(runs.Select(r => r.GetProperty("openMs").GetDouble()));
                var found = runs.All(r => r.GetProperty("found").GetInt32() == key) ? key : -1;
                Add(size, storeName, "open", total, found, $"median of {runs.Count} processes; open {open:F0} ms + first lookup {total - open:F0} ms");
            });
        }
        finally
        {
            if (!options.Keep) SmokeRunner.DeleteDirectory(directory);
            SmokeRunner.DeleteDirectory(directory + "-warmup");
        }
    }

    private bool Guard(string store, int size, string what, Action action)
    {
        try
        {
            action();
            return true;
        }
        catch (Exception e)
        {
            Console.WriteLine($"  {store} {what} at {size:N0}: FAILED: {e.GetType().Name}: {e.Message}");
            _results.Add(new ScalingResult(size, store, "error", 0, null, $"{what}: {e.GetType().Name}: {e.Message}", _repetition));
            return false;
        }
    }

    private void Add(int size, string store, string measure, double value, long? check, string? note)
    {
        _results.Add(new ScalingResult(size, store, measure, value, check, note, _repetition));
        var unit = ScalingMeasure.All.First(m => m.Id == measure).Unit;
        Console.WriteLine($"  {measure,-10} {SmokeReport.Format(value),12} {unit,-10} {(check is null ? "" : $"check {check}")}  {note}");
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>The answers that differ between stores or repetitions at one size (each checked measure must agree), and counts that are not the size.</summary>
    public static IEnumerable<string> Mismatches(IReadOnlyList<ScalingResult> results)
    {
        foreach (var group in results.Where(r => r.Check is not null).GroupBy(r => (r.Documents, r.Measure)))
        {
            if (group.Select(r => r.Check).Distinct().Count() > 1)
                yield return $"{group.Key.Measure} at {group.Key.Documents:N0}: " + string.Join(", ", group.Select(r => $"{r.Store}#{r.Repetition + 1}={r.Check}"));
            else if (group.Key.Measure is "insert" or "scan" or "memory" && group.First().Check != group.Key.Documents)
                yield return $"{group.Key.Measure} at {group.Key.Documents:N0}: counted {group.First().Check} documents, inserted {group.Key.Documents}";
            else if (group.Key.Measure == "open" && group.First().Check == -1)
                yield return $"open at {group.Key.Documents:N0}: a fresh process did not find key {group.Key.Documents / 2 + 7}";
        }
    }

    public static string ToJson(object value) => JsonSerializer.Serialize(value, new JsonSerializerOptions { WriteIndented = true });
}
