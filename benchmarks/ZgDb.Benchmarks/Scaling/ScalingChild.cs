using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using ZgDb.Benchmarks.Data;
using ZgDb.Benchmarks.Smoke;
using ZgDb.Benchmarks.Stores;

namespace ZgDb.Benchmarks.Scaling;

/// <summary>
/// The child processes of the scaling run; each prints one JSON line that <see cref="ScalingRunner"/> reads. One
/// process per store and size, so that a peak working set belongs to one database and a crash or a timeout
/// costs one cell. Both start by running every code path once on a small database of their own (JIT).
/// </summary>
public static class ScalingChild
{
    /// <summary>Above this many documents the data set is generated and inserted in slices of this size (one InsertMany each).</summary>
    public const int Slice = 1_000_000;

    /// <summary>Keys looked up untimed whose checksum both stores must agree on (the first of <see cref="Keys"/>).</summary>
    public const int CheckedLookups = 1_000;

    /// <summary>The random keys every store looks up, in this order.</summary>
    public static int[] Keys(int documents) => SmokeRunner.RandomInts(1 << 16, 1, documents + 1, 1);

    /// <summary>The range query's start times (minutes after the epoch; users are ~30.5 minutes apart).</summary>
    public static int[] Minutes(int documents) => SmokeRunner.RandomInts(1 << 12, 0, (int)Math.Min(int.MaxValue, documents * 30L), 4);

    /// <summary>
    /// <c>--child-scale-load store directory documents seconds</c>: a fresh database; times the bulk insert (one
    /// InsertMany / one transaction, then durable), a warm full scan, warm lookups and the indexed range query.
    /// </summary>
    public static int Load(string[] args)
    {
        var (name, directory, count, seconds) = (args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture), double.Parse(args[4], CultureInfo.InvariantCulture));
        SmokeRunner.Warm(name, directory + "-warmup");
        SmokeRunner.DeleteDirectory(directory);
        using var store = BenchStore.All[name]();
        store.Open(directory);
        double insertSeconds = 0;
        IEnumerable<List<User>>? slices = count <= Slice ? [Dataset.Generate(count)] : Dataset.GenerateInBatches(count, Slice);
        foreach (var slice in slices)
        {
            var users = slice;
            insertSeconds += Timed.Seconds(() => store.InsertAll(users));
        }
        slices = null;
        double checkpointSeconds = store is ZgDbStore zg ? Timed.Seconds(zg.Settle) : 0;
        var loadPeakMb = PeakMb();
        GC.Collect();

        // A full scan that every document passes ("@" is in every e-mail): its count checks the insert.
        long counted = store.CountEmailContaining("@");
        var scan = Timed.Run(_ => store.CountEmailContaining("@"), seconds / 2, warmup: 0, minOperations: 2);

        var keys = Keys(count);
        long findCheck = 0;
        for (int i = 0; i < CheckedLookups; i++) findCheck += Checksum(store.Find(keys[i]));
        var find = Timed.Run(i => store.Find(keys[i & 0xFFFF])?.Id ?? 0, seconds, warmup: 1_000);

        var minutes = Minutes(count);
        long rangeCheck = Enumerable.Range(0, 5).Sum(i => Top10(store, minutes, i));
        var range = Timed.Run(i => Top10(store, minutes, i), seconds, warmup: 100);
        var heldMb = GC.GetTotalMemory(forceFullCollection: true) / 1048576.0;
        store.Close();

        long bytes = BenchStore.DirectoryBytes(directory);
        var diskNote = name == "zgdb"
            ? $"chunks {BenchStore.DirectoryBytes(Path.Combine(directory, "chunks")) / (double)count:F1} B/doc, WAL {BenchStore.DirectoryBytes(Path.Combine(directory, "wal")) / (double)count:F1} B/doc"
            : "users.db + WAL after close";
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            insertPerSecond = count / insertSeconds, insertSeconds, checkpointSeconds, counted,
            scanNsPerDocument = scan.Seconds / scan.Operations / count * 1e9,
            findPerSecond = find.PerSecond, findCheck, rangePerSecond = range.PerSecond, rangeCheck,
            bytesPerDocument = bytes / (double)count, diskNote, loadPeakMb, heldMb,
        }));
        return 0;
    }

    /// <summary>
    /// <c>--child-scale-cold store directory documents lookups</c>: opens the database in this fresh process (the
    /// store's cache empty, the OS file cache warm from the load), times the first lookups, then reads every
    /// document once and reports the process's peak working set.
    /// </summary>
    public static int Cold(string[] args)
    {
        var (name, directory, count, lookups) = (args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture), int.Parse(args[4], CultureInfo.InvariantCulture));
        SmokeRunner.Warm(name, directory + "-warmup");
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        double baselineMb;
        using (var self = Process.GetCurrentProcess()) baselineMb = self.WorkingSet64 / 1048576.0;
        var keys = Keys(count);
        using var store = BenchStore.All[name]();
        var openSeconds = Timed.Seconds(() => store.Open(directory));
        long coldCheck = 0;
        var coldSeconds = Timed.Seconds(() =>
        {
            for (int i = 0; i < lookups; i++) coldCheck += Checksum(store.Find(keys[i & 0xFFFF]));
        });
        long counted = store.CountEmailContaining("@");
        for (int id = 1; id <= count; id += Math.Max(1, count / 1000)) store.Find(id);
        var heldMb = GC.GetTotalMemory(forceFullCollection: true) / 1048576.0;
        var peakMb = PeakMb();
        store.Close();
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            openMs = openSeconds * 1000, coldPerSecond = lookups / coldSeconds, coldCheck, counted, peakMb, baselineMb, heldMb,
        }));
        return 0;
    }

    private static long Top10(BenchStore store, int[] minutes, int i) =>
        store.CreatedFromTop10(Dataset.Epoch.AddMinutes(minutes[i & 0xFFF])).Sum(u => (long)u.Id);

    /// <summary>A checksum of every field (stable across processes, unlike string.GetHashCode), 0 for no document.</summary>
    public static long Checksum(User? user)
    {
        if (user is null) return 0;
        long sum = user.Id * 31L + user.Age * 7L + user.CreatedAt.Ticks % 1_000_003;
        foreach (var text in new[] { user.Name, user.Email, user.City }.Concat(user.Tags))
        {
            uint hash = 2166136261;
            foreach (var c in text) hash = (hash ^ c) * 16777619;
            sum += hash;
        }
        return sum;
    }

    private static double PeakMb()
    {
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        return self.PeakWorkingSet64 / 1048576.0;
    }
}
