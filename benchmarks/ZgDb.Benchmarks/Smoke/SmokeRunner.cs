using ZgDb.Benchmarks.Data;
using ZgDb.Benchmarks.Stores;

namespace ZgDb.Benchmarks.Smoke;

/// <summary>
/// The smoke run. Phase 1 loads every store (W1: the data set in one bulk insert into a fresh database). Phase 2
/// runs the read workloads (W2-W5, W9) interleaved: each workload is timed in two rounds, each round visiting
/// every store (the second in reverse order), and the better round counts, so that load from other processes on
/// a shared machine falls on all stores alike. Phase 3 runs W6's updates. W7 and W8 run in child processes (a
/// fresh process per measurement). Every store gets the same deterministic data and the same sequence of keys,
/// cities and fragments, so result checksums must agree.
/// </summary>
public sealed class SmokeRunner(SmokeOptions options)
{
    private const int Rounds = 2;
    private readonly List<SmokeResult> _results = [];
    private readonly int[] _ids = RandomInts(1 << 16, 1, options.Users + 1, 1);
    private readonly int[] _minutes = RandomInts(1 << 12, 0, options.Users * 30, 4);
    private static readonly string[] Fragments = ["77", "123", "ada.k", "9@"];

    public IReadOnlyList<SmokeResult> Results => _results;

    public void Run()
    {
        Directory.CreateDirectory(options.DataDirectory);
        Console.WriteLine($"ZgDb smoke benchmark: {options.Users:N0} users, {options.Seconds} s per workload, data in {options.DataDirectory}");
        string[] inProcess = ["W1", "W2", "W3", "W4", "W5", "W6", "W9"];
        if (inProcess.Any(options.Runs))
        {
            var stores = new List<BenchStore>();
            foreach (var name in options.Stores)
                Guard(name, () => stores.Add(Load(name)));
            try
            {
                Reads(stores);
                foreach (var store in stores)
                    if (options.Runs("W6")) Guard(store.Name, () => W6(store));
            }
            finally
            {
                foreach (var store in stores) store.Dispose();
            }
        }
        if (options.Runs("W7")) Guard("W7", () => new ChildRuns(options, Add).RunW7());
        if (options.Runs("W8")) Guard("W8", () => new ChildRuns(options, Add).RunW8());
    }

    private void Guard(string what, Action action)
    {
        try
        {
            action();
        }
        catch (Exception e)
        {
            Console.WriteLine($"  {what}: FAILED: {e.GetType().Name}: {e.Message}");
            Add("error", what, 0, "", true, 0, null, e.Message);
        }
    }

    private void Add(string workload, string store, double value, string unit, bool higherIsBetter, long operations, long? check, string? note)
    {
        _results.Add(new SmokeResult(workload, store, value, unit, higherIsBetter, operations, check, note));
        Console.WriteLine($"  {store,-17} {workload,-11} {SmokeReport.Format(value),12} {unit,-10} {(check is null ? "" : $"check {check}")}  {note}");
    }

    /// <summary>Phase 1: a fresh store with the data set, W1 timed.</summary>
    private BenchStore Load(string name)
    {
        var directory = Path.Combine(options.DataDirectory, name);
        Warm(name, directory + "-warmup");
        DeleteDirectory(directory);
        var store = BenchStore.All[name]();
        store.Open(directory);
        var users = Dataset.Generate(options.Users);
        var seconds = Timed.Seconds(() => store.InsertAll(users));
        if (options.Runs("W1")) Add("W1", store.Name, users.Count / seconds, "docs/s", true, users.Count, null, store.Note("W1"));
        if (store is ZgDbStore zg) zg.Settle();
        GC.Collect();
        return store;
    }

    /// <summary>Phase 2: the read workloads, interleaved across the stores.</summary>
    private void Reads(List<BenchStore> stores)
    {
        if (options.Runs("W2"))
        {
            Interleaved(stores, "W2", "lookups/s", s => i => s.Find(_ids[i & 0xFFFF])?.Id ?? 0, warmup: 1000);
            Interleaved(stores, "W2-linq", "lookups/s", s => s.LinqFind is { } find ? i => find(_ids[i & 0xFFFF])?.Id ?? 0 : null);
            Interleaved(stores, "W2-compiled", "lookups/s", s => s.CompiledFind is { } find ? i => find(_ids[i & 0xFFFF])?.Id ?? 0 : null);
        }
        // W3-W5: a checksum over a fixed set of inputs first (untimed; it also warms the store up), then the timed rounds.
        if (options.Runs("W3"))
            Interleaved(stores, "W3", "queries/s", s => i => s.ByCity(Dataset.Cities[i % Dataset.Cities.Length]).Count,
                check: s => Dataset.Cities.Take(5).Sum(city => (long)s.ByCity(city).Count));
        if (options.Runs("W4"))
            Interleaved(stores, "W4", "queries/s", s => i => Top10(s, i), check: s => Enumerable.Range(0, 5).Sum(i => Top10(s, i)));
        if (options.Runs("W5"))
            Interleaved(stores, "W5", "queries/s", s => i => s.CountEmailContaining(Fragments[i % Fragments.Length]),
                check: s => Fragments.Sum(f => (long)s.CountEmailContaining(f)));
        if (options.Runs("W9"))
        {
            var updates = Dataset.Generate(options.Users);
            var best = new Dictionary<BenchStore, (double Reads, double Writes, long ReadCount, long WriteCount)>();
            for (int round = 0; round < Rounds; round++)
                foreach (var store in round % 2 == 0 ? stores : Enumerable.Reverse(stores))
                {
                    var outcome = W9(store, updates, options.Seconds / Rounds);
                    if (!best.TryGetValue(store, out var b) || outcome.Reads > b.Reads) best[store] = outcome;
                }
            foreach (var store in stores)
            {
                var b = best[store];
                Add("W9-read", store.Name, b.Reads, "lookups/s", true, b.ReadCount, null, store.Note("W9"));
                Add("W9-write", store.Name, b.Writes, "updates/s", true, b.WriteCount, null, store.Note("W9"));
            }
        }
    }

    private long Top10(BenchStore store, int i) => store.CreatedFromTop10(Dataset.Epoch.AddMinutes(_minutes[i & 0xFFF])).Sum(u => (long)u.Id);

    /// <summary>Times <paramref name="workload"/> on every store in <see cref="Rounds"/> interleaved rounds; records each store's better round.</summary>
    private void Interleaved(List<BenchStore> stores, string workload, string unit, Func<BenchStore, Func<int, long>?> operation,
        int warmup = 0, Func<BenchStore, long>? check = null)
    {
        var checks = new Dictionary<BenchStore, long>();
        var best = new Dictionary<BenchStore, Timed.Outcome>();
        for (int round = 0; round < Rounds; round++)
            foreach (var store in round % 2 == 0 ? stores : Enumerable.Reverse(stores))
            {
                if (operation(store) is not { } op) continue;
                if (round == 0 && check is not null) checks[store] = check(store);
                var outcome = Timed.Run(op, options.Seconds / Rounds, warmup: round == 0 ? warmup : 0);
                if (!best.TryGetValue(store, out var b) || outcome.PerSecond > b.PerSecond) best[store] = outcome;
            }
        foreach (var store in stores)
            if (best.TryGetValue(store, out var outcome))
                Add(workload, store.Name, outcome.PerSecond, unit, true, outcome.Operations,
                    check is null ? outcome.Check : checks[store], store.Note(workload));
    }

    /// <summary>Phase 3: durable single updates, then fire-and-forget updates and one flush.</summary>
    private void W6(BenchStore store)
    {
        var updates = Dataset.Generate(options.Users);
        store.SetDurableWrites(true);
        WarmLookups(store);
        var durable = Timed.Run(i => Update(store, updates, i, 1), options.Seconds, warmup: 1);
        Add("W6-durable", store.Name, durable.PerSecond, "updates/s", true, durable.Operations, null, store.Note("W6-durable"));
        store.SetDurableWrites(false);
        WarmLookups(store);
        int done = 0;
        var flushSeconds = Timed.Seconds(() =>
        {
            var deadline = DateTime.UtcNow.AddSeconds(options.Seconds);
            while (done < updates.Count && (done % 64 != 0 || DateTime.UtcNow < deadline)) Update(store, updates, done++, 2);
            store.Flush();
        });
        Add("W6-flush", store.Name, done / flushSeconds, "updates/s", true, done, null, store.Note("W6-flush"));
    }

    /// <summary>W9: two threads look up random keys while this thread updates random users, for <paramref name="seconds"/>.</summary>
    private (double Reads, double Writes, long ReadCount, long WriteCount) W9(BenchStore store, List<User> updates, double seconds)
    {
        var readers = Enumerable.Range(0, 2).Select(_ => store.OpenReader()).ToArray();
        long reads = 0;
        bool stop = false;
        var threads = readers.Select((find, t) => new Thread(() =>
        {
            long local = 0;
            int i = t * 7919;
            while (!Volatile.Read(ref stop))
            {
                find(_ids[i++ & 0xFFFF]);
                local++;
            }
            Interlocked.Add(ref reads, local);
        })).ToArray();
        long start = System.Diagnostics.Stopwatch.GetTimestamp();
        foreach (var thread in threads) thread.Start();
        var writes = Timed.Run(i =>
        {
            store.UpdateWhileReading(Modified(updates[_ids[i & 0xFFFF] - 1], 3 + i));
            return 1;
        }, seconds, warmup: 0);
        Volatile.Write(ref stop, true);
        foreach (var thread in threads) thread.Join();
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;
        return (reads / elapsed, writes.PerSecond, reads, writes.Operations);
    }

    private long Update(BenchStore store, List<User> updates, int i, int salt)
    {
        store.Update(Modified(updates[_ids[i & 0xFFFF] - 1], salt + i));
        return 1;
    }

    /// <summary>A new object for the user with a changed age (the queried fields City, CreatedAt and Email stay).</summary>
    private static User Modified(User user, int salt) => new()
    {
        Id = user.Id, Name = user.Name, Email = user.Email, Age = 18 + (user.Age - 18 + salt) % 63,
        City = user.City, CreatedAt = user.CreatedAt, Tags = user.Tags,
    };

    /// <summary>Loads every chunk again after <see cref="BenchStore.SetDurableWrites"/> reopened ZgDb (the other stores stay open).</summary>
    private void WarmLookups(BenchStore store)
    {
        if (store is not ZgDbStore) return;
        for (int id = 1; id <= options.Users; id += 500) store.Find(id);
    }

    /// <summary>Runs every code path once on a small database, so the measured runs do not pay for JIT compilation.</summary>
    internal static void Warm(string name, string directory)
    {
        DeleteDirectory(directory);
        using (var store = BenchStore.All[name]())
        {
            store.Open(directory);
            var users = Dataset.Generate(2_000);
            store.InsertAll(users);
            for (int i = 1; i <= 50; i++)
            {
                store.Find(i);
                store.LinqFind?.Invoke(i);
            }
            store.ByCity(Dataset.Cities[0]);
            store.CreatedFromTop10(Dataset.Epoch);
            store.CountEmailContaining("7");
            store.Update(users[0]);
            store.Flush();
        }
        DeleteDirectory(directory);
    }

    public static int[] RandomInts(int count, int min, int max, int seed)
    {
        var random = new Random(Dataset.Seed + seed);
        return Enumerable.Range(0, count).Select(_ => random.Next(min, max)).ToArray();
    }

    public static void DeleteDirectory(string directory)
    {
        if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
    }
}
