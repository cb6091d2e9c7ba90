using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace ZgDb.Reliability;

/// <summary>
/// Readers query while writers run atomic multi-document writes and background checkpoints fold them into chunks
/// (with a tiny chunk cache, so chunks are evicted and reloaded under the readers). Invariants every snapshot
/// must show:
/// <list type="bullet">
/// <item>Ledger (Accounts): each InsertMany adds a group of 2..6 entries whose balances sum to zero and that all
/// carry the group's size; each DeleteMany removes a whole group. So in any snapshot the balances sum to zero and
/// every group present is complete.</item>
/// <item>Counters (Events): each Update rewrites a document's Group, Payload and At together (Payload = "v" + Group,
/// At = epoch + Group ticks), and only ever increases Group. So every document read is internally consistent, and
/// a later snapshot never shows a smaller Group than an earlier one did to the same reader.</item>
/// </list>
/// Runs ZGDB_STRESS_SECONDS (default 5) seconds; the seed is logged.
/// </summary>
public sealed class ConcurrencyStressTests(ITestOutputHelper output)
{
    private static readonly DateTime Epoch = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private const int Counters = 64;

    [Fact]
    public void Readers_see_consistent_snapshots_while_writers_and_checkpoints_run()
    {
        var duration = TimeSpan.FromSeconds(double.TryParse(Environment.GetEnvironmentVariable("ZGDB_STRESS_SECONDS"), out var s) ? s : 5);
        int seed = Seeds.Get("ZGDB_STRESS_SEED", output.WriteLine);
        using var dir = TempDir.Create("stress", memory: true);
        var options = new ZgDbOptions
        {
            Checkpoint = new CheckpointPolicy { MaxChangedDocuments = 300, MaxWalBytes = 256 << 10 },
            ChunkDocuments = 16,
            ChunkCacheBytes = 64 << 10,
        };
        var db = ZgDatabase.Open<CrashDb>(dir.Sub("db"), options);
        db.Events.InsertMany(Enumerable.Range(0, Counters).Select(i => Counter(i, 0)));

        var stop = new CancellationTokenSource();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        long groupsInserted = 0, groupsDeleted = 0, updates = 0, snapshotsChecked = 0, queriesChecked = 0;

        void Guard(Action body, string name)
        {
            try { body(); }
            catch (Exception e) { failures.Enqueue($"{name}: {e}"); stop.Cancel(); }
        }

        var ledger = new Thread(() => Guard(() =>
        {
            var random = new Random(seed);
            var live = new List<int>();
            int next = 1;
            while (!stop.IsCancellationRequested)
            {
                if (live.Count > 40 || live.Count > 0 && random.Next(3) == 0)
                {
                    int group = live[random.Next(live.Count)];
                    live.Remove(group);
                    string owner = Owner(group);
                    int deleted = db.Accounts.DeleteMany(a => a.Owner == owner);
                    if (deleted < 2) throw new InvalidOperationException($"DeleteMany of group {group} removed {deleted}");
                    Interlocked.Increment(ref groupsDeleted);
                }
                else
                {
                    int group = next++, size = random.Next(2, 7);
                    var amounts = Enumerable.Range(0, size - 1).Select(_ => random.NextInt64(-1000, 1000)).ToList();
                    amounts.Add(-amounts.Sum());
                    db.Accounts.InsertMany(amounts.Select((amount, i) => new Account
                    {
                        Id = group * 10 + i, Balance = amount, Owner = Owner(group), Tags = [size.ToString()],
                    }));
                    live.Add(group);
                    Interlocked.Increment(ref groupsInserted);
                }
            }
        }, "ledger writer")) { Name = "ledger writer" };

        var counters = new Thread(() => Guard(() =>
        {
            var random = new Random(seed + 1);
            var versions = new int[Counters];
            while (!stop.IsCancellationRequested)
            {
                int i = random.Next(Counters);
                db.Events.Update(Counter(i, ++versions[i]));
                Interlocked.Increment(ref updates);
            }
        }, "counter writer")) { Name = "counter writer" };

        var readers = Enumerable.Range(0, 3).Select(r => new Thread(() => Guard(() =>
        {
            var seen = new int[Counters];
            while (!stop.IsCancellationRequested)
            {
                // One snapshot: the whole ledger.
                var entries = db.Accounts.ToList();
                long sum = entries.Sum(a => a.Balance);
                if (sum != 0) throw new InvalidOperationException($"the ledger sums to {sum} in one snapshot");
                foreach (var group in entries.GroupBy(a => a.Owner))
                {
                    int declared = int.Parse(group.First().Tags[0]);
                    if (group.Count() != declared)
                        throw new InvalidOperationException($"group {group.Key} has {group.Count()} of its {declared} entries: a partial InsertMany or DeleteMany");
                }
                // A query over one snapshot (the LINQ provider): the same invariant.
                long querySum = db.Accounts.Where(a => a.Balance != 0).Sum(a => a.Balance);
                if (querySum != 0) throw new InvalidOperationException($"a LINQ Sum over one snapshot is {querySum}");
                Interlocked.Increment(ref queriesChecked);
                // Counters: each document consistent, and never going back.
                foreach (var e in db.Events)
                {
                    int i = int.Parse(e.Id.AsSpan(1));
                    if (e.Payload != "v" + e.Group || e.At != Epoch.AddTicks(e.Group))
                        throw new InvalidOperationException($"counter {e.Id} is torn: Group {e.Group}, Payload {e.Payload}, At {e.At:O}");
                    if (e.Group < seen[i]) throw new InvalidOperationException($"counter {e.Id} went back from {seen[i]} to {e.Group}");
                    seen[i] = e.Group;
                    var found = db.Events.Find(e.Id)!;
                    if (found.Group < e.Group) throw new InvalidOperationException($"Find({e.Id}) returned an older version than the scan before it");
                }
                Interlocked.Increment(ref snapshotsChecked);
            }
        }, $"reader {r}")) { Name = $"reader {r}" }).ToList();

        // Old snapshots: taken, held until three checkpoints (that replace their chunk and index files) have passed,
        // then read by key (Find on the snapshot), through the Group index, and by finishing a lazy scan begun before.
        long oldSnapshotsRead = 0, checkpointsOutlived = 0;
        var oldReader = new Thread(() => Guard(() =>
        {
            var eventStore = db.Engine.Store<Event>();
            var accountStore = db.Engine.Store<Account>();
            while (!stop.IsCancellationRequested)
            {
                var events = eventStore.Snapshot();
                var accounts = accountStore.Snapshot();
                var index = events.GetIndex(db.GroupIndex) ?? throw new InvalidOperationException("no Group index");
                using var scan = db.Accounts.AsEnumerable().GetEnumerator();
                var scanned = new List<Account>();
                if (scan.MoveNext()) scanned.Add(scan.Current);
                long startLsn = db.Engine.CheckpointLsn, seenLsn = startLsn;
                int passed = 0;
                for (int spin = 0; passed < 3 && !stop.IsCancellationRequested; spin++)
                {
                    Thread.Sleep(1);
                    if (spin % 16 == 0) GC.Collect(); // superseded files whose holders are unreachable really go
                    long now = db.Engine.CheckpointLsn;
                    if (now != seenLsn) { passed++; seenLsn = now; }
                }
                for (int i = 0; i < Counters; i++)
                {
                    var e = events.Get($"c{i}") ?? throw new InvalidOperationException($"counter c{i} missing from an old snapshot");
                    if (e.Payload != "v" + e.Group) throw new InvalidOperationException($"old snapshot: counter {e.Id} is torn");
                    foreach (var key in index.Range([e.Group], null, null, descending: false))
                        if (events.Get(key) is not { } hit || hit.Group != e.Group)
                            throw new InvalidOperationException($"old snapshot: the Group index sends {e.Group} to {key}, which does not hold it");
                }
                long sum = 0;
                foreach (var a in accounts.Scan())
                {
                    sum += a.Balance;
                    if (accounts.Get(a.Id) is not { } same || same.Balance != a.Balance)
                        throw new InvalidOperationException($"old snapshot: Get({a.Id}) disagrees with its scan");
                }
                if (sum != 0) throw new InvalidOperationException($"an old snapshot's ledger sums to {sum}");
                while (scan.MoveNext()) scanned.Add(scan.Current);
                if (scanned.Sum(a => a.Balance) != 0) throw new InvalidOperationException("a lazy scan finished after checkpoints does not sum to zero");
                Interlocked.Increment(ref oldSnapshotsRead);
                Interlocked.Add(ref checkpointsOutlived, passed);
            }
        }, "old-snapshot reader")) { Name = "old-snapshot reader" };
        readers.Add(oldReader);

        var clock = Stopwatch.StartNew();
        foreach (var t in readers.Append(ledger).Append(counters)) t.Start();
        stop.Token.WaitHandle.WaitOne(duration);
        stop.Cancel();
        foreach (var t in readers.Append(ledger).Append(counters)) t.Join();
        clock.Stop();
        Assert.True(failures.IsEmpty, string.Join("\n", failures) + $"\n(seed {seed})");
        Assert.True(oldSnapshotsRead > 0, "no old snapshot outlived its checkpoints: the test checked nothing of them");
        var statistics = db.GetStatistics();
        db.Dispose();

        using var reopened = ZgDatabase.Open<CrashDb>(dir.Sub("db"));
        Assert.Equal(0, reopened.Accounts.Sum(a => a.Balance));
        Assert.All(reopened.Accounts.ToList().GroupBy(a => a.Owner), g => Assert.Equal(int.Parse(g.First().Tags[0]), g.Count()));
        Assert.Equal(groupsInserted - groupsDeleted, reopened.Accounts.ToList().Select(a => a.Owner).Distinct().Count());
        Figures.Record(output, $"stress: {clock.Elapsed.TotalSeconds:F1} s, 3 readers + an old-snapshot reader + 2 writers + background checkpoints (checkpoint LSN {statistics.CheckpointLsn} of {statistics.LastLsn}, {statistics.ChunkLoads} chunk loads): " +
            $"{groupsInserted} InsertMany groups, {groupsDeleted} DeleteMany groups, {updates} updates; {snapshotsChecked} full snapshots and {queriesChecked} LINQ sums checked, all consistent; {oldSnapshotsRead} old snapshots read by key, index and scan after outliving {checkpointsOutlived} checkpoints (seed {seed})");
    }

    private static string Owner(int group) => $"g{group}";

    private static Event Counter(int i, int version) => new() { Id = $"c{i}", Group = version, Payload = "v" + version, At = Epoch.AddTicks(version) };
}
