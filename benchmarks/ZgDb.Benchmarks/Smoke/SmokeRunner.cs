using ZgDb.Benchmarks.Data;
using ZgDb.Benchmarks.Stores;

namespace ZgDb.Benchmarks.Smoke;

/// <summary>
/// The smoke run: for each store, W1 loads the data set into a fresh database, then W2-W5 and W9 read it, then
/// W6 updates it; W7 and W8 run in child processes (a fresh process per measurement). Every store gets the same
/// deterministic data and the same sequence of keys, cities and fragments, so result checksums must agree.
/// </summary>
public sealed class SmokeRunner(SmokeOptions options)
{
    private readonly List<SmokeResult> _results = [];
    private readonly int[] _ids = RandomInts(1 << 16, 1, options.Users + 1, 1);

    public IReadOnlyList<SmokeResult> Results => _results;

    public void Run()
    {
        Directory.CreateDirectory(options.DataDirectory);
        Console.WriteLine($"ZgDb smoke benchmark: {options.Users:N0} users, {options.Seconds} s per workload, data in {options.DataDirectory}");
        string[] inProcess = ["W1", "W2", "W3", "W4", "W5", "W6", "W9"];
        foreach (var name in inProcess.Any(options.Runs) ? options.Stores : [])
        {
            try
            {
                RunInProcess(name);
            }
            catch (Exception e)
            {
                Console.WriteLine($"  {name}: FAILED: {e.GetType().Name}: {e.Message}");
                Add("error", name, 0, "", true, 0, null, e.Message);
            }
        }
        if (options.Runs("W7")) new ChildRuns(options, Add).RunW7();
        if (options.Runs("W8")) new ChildRuns(options, Add).RunW8();
    }

    private void Add(string workload, string store, double value, string unit, bool higherIsBetter, long operations, long? check, string? note)
    {
        _results.Add(new SmokeResult(workload, store, value, unit, higherIsBetter, operations, check, note));
        Console.WriteLine($"  {store,-17} {workload,-11} {SmokeReport.Format(value),12} {unit,-10} {(check is null ? "" : $"check {check}")}  {note}");
    }

    private void Add(BenchStore store, string workload, Timed.Outcome outcome, string unit, long? check = null) =>
        Add(workload, store.Name, outcome.PerSecond, unit, true, outcome.Operations, check ?? outcome.Check, store.Note(workload));

    private void RunInProcess(string name)
    {
        var directory = Path.Combine(options.DataDirectory, name);
        Warm(name, directory + "-warmup");
        DeleteDirectory(directory);
        using var store = BenchStore.All[name]();
        store.Open(directory);
        var users = Dataset.Generate(options.Users);

        // W1: the whole data set in one bulk insert, returning when durable.
        var seconds = Timed.Seconds(() => store.InsertAll(users));
        if (options.Runs("W1")) Add("W1", store.Name, users.Count / seconds, "docs/s", true, users.Count, null, store.Note("W1"));
        if (store is ZgDbStore zg) zg.Settle();
        users = null;
        GC.Collect();

        var seconds1 = options.Seconds;
        if (options.Runs("W2"))
            Add(store, "W2", Timed.Run(i => store.Find(_ids[i & 0xFFFF])?.Id ?? 0, seconds1, warmup: 1000), "lookups/s");
        if (options.Runs("W2") && store.LinqFind is { } linqFind)
            Add(store, "W2-linq", Timed.Run(i => linqFind(_ids[i & 0xFFFF])?.Id ?? 0, seconds1), "lookups/s");
        // W3-W5: a checksum over a fixed set of inputs first (untimed; it also warms the store up), then the timed loop.
        if (options.Runs("W3"))
        {
            long check = Dataset.Cities.Take(10).Sum(city => (long)store.ByCity(city).Count);
            Add(store, "W3", Timed.Run(i => store.ByCity(Dataset.Cities[i % Dataset.Cities.Length]).Count, seconds1, warmup: 0), "queries/s", check);
        }
        if (options.Runs("W4"))
        {
            var minutes = RandomInts(1 << 12, 0, options.Users * 30, 4);
            long Top10(int i) => store.CreatedFromTop10(Dataset.Epoch.AddMinutes(minutes[i & 0xFFF])).Sum(u => (long)u.Id);
            long check = Enumerable.Range(0, 20).Sum(Top10);
            Add(store, "W4", Timed.Run(Top10, seconds1, warmup: 0), "queries/s", check);
        }
        if (options.Runs("W5"))
        {
            string[] fragments = ["77", "123", "ada.k", "9@"];
            long check = fragments.Sum(f => (long)store.CountEmailContaining(f));
            Add(store, "W5", Timed.Run(i => store.CountEmailContaining(fragments[i % fragments.Length]), seconds1, warmup: 0), "queries/s", check);
        }
        var updates = Dataset.Generate(options.Users);
        if (options.Runs("W9")) RunW9(store, updates);
        if (options.Runs("W6"))
        {
            store.SetDurableWrites(true);
            WarmLookups(store);
            Add(store, "W6-durable", Timed.Run(i => Update(store, updates, i, 1), seconds1, warmup: 1), "updates/s");
            store.SetDurableWrites(false);
            WarmLookups(store);
            int done = 0;
            var flushSeconds = Timed.Seconds(() =>
            {
                var deadline = DateTime.UtcNow.AddSeconds(seconds1);
                while (done < updates.Count && (done % 64 != 0 || DateTime.UtcNow < deadline)) Update(store, updates, done++, 2);
                store.Flush();
            });
            Add("W6-flush", store.Name, done / flushSeconds, "updates/s", true, done, null, store.Note("W6-flush"));
        }
    }

    /// <summary>W9: two threads look up random keys while this thread updates random users, for the workload's time.</summary>
    private void RunW9(BenchStore store, List<User> updates)
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
            var user = Modified(updates[_ids[i & 0xFFFF] - 1], 3 + i);
            store.UpdateWhileReading(user);
            return 1;
        }, options.Seconds, warmup: 0);
        Volatile.Write(ref stop, true);
        foreach (var thread in threads) thread.Join();
        var seconds = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;
        Add("W9-read", store.Name, reads / seconds, "lookups/s", true, reads, null, store.Note("W9"));
        Add("W9-write", store.Name, writes.PerSecond, "updates/s", true, writes.Operations, null, store.Note("W9"));
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

    /// <summary>Touches every part of the store (chunks, pages) before a timed phase that reopened it.</summary>
    private void WarmLookups(BenchStore store)
    {
        for (int id = 1; id <= options.Users; id += 500) store.Find(id);
    }

    /// <summary>Runs every code path once on a small database, so the measured runs do not pay for JIT compilation.</summary>
    private static void Warm(string name, string directory)
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
