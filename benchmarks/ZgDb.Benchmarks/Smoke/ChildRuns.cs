using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using JsonSerializer = System.Text.Json.JsonSerializer;
using LiteDB;
using Microsoft.Data.Sqlite;
using ZgDb.Benchmarks.Data;
using ZgDb.Benchmarks.Stores;

namespace ZgDb.Benchmarks.Smoke;

/// <summary>
/// W7 and W8, which need a fresh process per measurement: the parent spawns this same executable with a
/// <c>--child-w7</c> / <c>--child-w8</c> sub-command, reads one JSON line from its output and records it.
/// </summary>
public sealed class ChildRuns(SmokeOptions options, Action<string, string, double, string, bool, long, long?, string?> add)
{
    /// <summary>The stores W7 opens cold: the persistent ones whose 1M-document database is cheap enough to build.</summary>
    private static readonly string[] W7Stores = ["zgdb", "sqlite", "litedb"];

    public void RunW7()
    {
        foreach (var name in W7Stores.Where(options.Stores.Contains))
        {
            var directory = Path.Combine(options.DataDirectory, $"w7-{name}-{options.W7Documents}");
            var marker = Path.Combine(directory, "bench-complete.txt");
            if (options.RebuildW7 || !File.Exists(marker))
            {
                SmokeRunner.DeleteDirectory(directory);
                var buildSeconds = Timed.Seconds(() => Build(name, directory, options.W7Documents));
                File.WriteAllText(marker, $"{options.W7Documents} documents built in {buildSeconds:F1} s\n");
                Console.WriteLine($"  built W7's {name} database of {options.W7Documents:N0} documents in {buildSeconds:F1} s ({options.W7Documents / buildSeconds:N0} docs/s, batches of 50,000)");
            }
            var key = options.W7Documents / 2 + 7;
            var runs = Enumerable.Range(0, options.W7Runs).Select(_ => Spawn("--child-w7", name, directory, key.ToString(CultureInfo.InvariantCulture))).ToList();
            var inProcess = Median(runs.Select(r => r.GetProperty("totalMs").GetDouble()));
            var whole = Median(runs.Select(r => r.GetProperty("processMs").GetDouble()));
            var open = Median(runs.Select(r => r.GetProperty("openMs").GetDouble()));
            var fastest = runs.Min(r => r.GetProperty("totalMs").GetDouble());
            var storeName = BenchStore.All[name]().Name;
            var found = runs.All(r => r.GetProperty("found").GetInt32() == key) ? key : -1;
            add("W7", storeName, inProcess, "ms", false, runs.Count, found,
                $"median of {runs.Count} processes (fastest {fastest:F0} ms); open {open:F1} ms + first lookup {inProcess - open:F1} ms; {options.W7Documents:N0} documents; OS file cache warm");
            add("W7-process", storeName, whole, "ms", false, runs.Count, null, "includes .NET runtime start-up (same for every store)");
        }
    }

    public void RunW8()
    {
        var baseline = Spawn("--child-w8", "none", "", options.Users.ToString(CultureInfo.InvariantCulture));
        var baselineMb = baseline.GetProperty("peakWorkingSetMb").GetDouble();
        Console.WriteLine($"  W8 baseline: a process that only generates the {options.Users:N0} users peaks at {baselineMb:F0} MB");
        foreach (var name in options.Stores)
        {
            var directory = Path.Combine(options.DataDirectory, "w8-" + name);
            SmokeRunner.DeleteDirectory(directory);
            var result = Spawn("--child-w8", name, directory, options.Users.ToString(CultureInfo.InvariantCulture));
            var storeName = result.GetProperty("store").GetString()!;
            if (result.GetProperty("persistent").GetBoolean())
                add("W8-disk", storeName, result.GetProperty("bytesPerDocument").GetDouble(), "bytes/doc", false, options.Users, null,
                    result.GetProperty("diskNote").GetString());
            add("W8-memory", storeName, result.GetProperty("peakWorkingSetMb").GetDouble(), "MB", false, options.Users, null,
                $"baseline process {baselineMb:F0} MB; managed heap held after load {result.GetProperty("heldMb").GetDouble():F0} MB");
            SmokeRunner.DeleteDirectory(directory);
        }
    }

    private static void Build(string name, string directory, int documents)
    {
        using var store = BenchStore.All[name]();
        store.Open(directory);
        foreach (var batch in Dataset.GenerateInBatches(documents, 50_000)) store.InsertAll(batch);
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>Runs this executable with <paramref name="args"/> and parses the last line it prints as JSON (adding processMs).</summary>
    private static JsonElement Spawn(params string[] args) => Spawn(Timeout.InfiniteTimeSpan, args);

    /// <summary>
    /// <see cref="Spawn(string[])"/> bounded by <paramref name="timeout"/>: a child still running then is killed (with
    /// its own children) and a <see cref="TimeoutException"/> says which.
    /// </summary>
    internal static JsonElement Spawn(TimeSpan timeout, params string[] args)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
            start.ArgumentList.Add(Assembly.GetExecutingAssembly().Location);
        foreach (var arg in args) start.ArgumentList.Add(arg);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit();
            throw new TimeoutException($"child {string.Join(' ', args)} still ran after {timeout.TotalSeconds:F0} s and was killed");
        }
        process.WaitForExit();
        var elapsed = clock.Elapsed.TotalMilliseconds;
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"child {string.Join(' ', args)} exited with {process.ExitCode}: {stderr.Result}{stdout.Result}");
        var line = stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        var parsed = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(line)!;
        parsed["processMs"] = JsonSerializer.SerializeToElement(elapsed);
        return JsonSerializer.SerializeToElement(parsed);
    }

    // ---- the child side ------------------------------------------------------------------------------------

    /// <summary><c>--child-w7 store directory key</c>: opens the database cold, looks the key up, prints the times.</summary>
    public static int ChildW7(string[] args)
    {
        var (name, directory, key) = (args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture));
        var clock = Stopwatch.StartNew();
        double openMs;
        User? user;
        switch (name)
        {
            case "zgdb":
            {
                using var db = ZgDatabase.Open<BenchDb>(directory);
                openMs = clock.Elapsed.TotalMilliseconds;
                user = db.Users.Find(key);
                clock.Stop();
                break;
            }
            case "sqlite":
            {
                using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory, "users.db"), Pooling = false }.ToString());
                connection.Open();
                openMs = clock.Elapsed.TotalMilliseconds;
                using var command = connection.CreateCommand();
                command.CommandText = "SELECT Id, Name, Email, Age, City, CreatedAt, Tags FROM Users WHERE Id = $id";
                command.Parameters.AddWithValue("$id", key);
                using var reader = command.ExecuteReader();
                user = reader.Read() ? SqliteStore.Read(reader) : null;
                clock.Stop();
                break;
            }
            case "litedb":
            {
                using var db = new LiteDatabase(new ConnectionString { Filename = Path.Combine(directory, "users.litedb"), Connection = ConnectionType.Direct }, new BsonMapper());
                openMs = clock.Elapsed.TotalMilliseconds;
                user = db.GetCollection<User>("users").FindById(key);
                clock.Stop();
                break;
            }
            default:
                throw new ArgumentException($"W7 does not run on {name}.");
        }
        Console.WriteLine(JsonSerializer.Serialize(new { openMs, totalMs = clock.Elapsed.TotalMilliseconds, found = user?.Id ?? 0 }));
        return 0;
    }

    /// <summary><c>--child-w8 store directory users</c>: loads the data set, reads it all once, prints memory and disk figures.</summary>
    public static int ChildW8(string[] args)
    {
        var (name, directory, count) = (args[1], args[2], int.Parse(args[3], CultureInfo.InvariantCulture));
        var users = Dataset.Generate(count);
        if (name == "none")
        {
            GC.KeepAlive(users);
            Console.WriteLine(JsonSerializer.Serialize(new { store = "none", persistent = false, peakWorkingSetMb = PeakMb(), heldMb = 0.0 }));
            return 0;
        }
        var store = BenchStore.All[name]();
        store.Open(directory);
        store.InsertAll(users);
        if (store is ZgDbStore zg) zg.Settle();
        users = null;
        store.CountEmailContaining("7");
        for (int id = 1; id <= count; id += Math.Max(1, count / 100)) store.Find(id);
        GC.Collect();
        var heldMb = GC.GetTotalMemory(forceFullCollection: true) / 1048576.0;
        var peakMb = PeakMb();
        store.Close();
        long bytes = BenchStore.DirectoryBytes(directory);
        string diskNote = name == "zgdb"
            ? $"after Dispose (checkpoint): chunks {BenchStore.DirectoryBytes(Path.Combine(directory, "chunks")) / (double)count:F1} B/doc, WAL {BenchStore.DirectoryBytes(Path.Combine(directory, "wal")) / (double)count:F1} B/doc, the rest manifest + lock"
            : "after close";
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            store = store.Name, persistent = store.IsPersistent, bytesPerDocument = bytes / (double)count, diskNote, peakWorkingSetMb = peakMb, heldMb,
        }));
        return 0;
    }

    private static double PeakMb()
    {
        using var self = Process.GetCurrentProcess();
        self.Refresh();
        return self.PeakWorkingSet64 / 1048576.0;
    }
}
