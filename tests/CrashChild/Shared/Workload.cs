using System.Text.Json;

namespace ZgDb.Reliability;

// The database, the operations and the expected-state model shared by the crash child (which runs the workload
// and is killed) and the reliability tests (which replay the acknowledged operations and compare).

public sealed class Account
{
    public int Id { get; set; }
    public long Balance { get; set; }
    public string Owner { get; set; } = "";
    public int Version { get; set; }
    public List<string> Tags { get; set; } = [];
}

public sealed class Event
{
    public string Id { get; set; } = "";
    public int Group { get; set; }
    public string Payload { get; set; } = "";
    public DateTime At { get; set; }
}

public sealed class CrashDb : ZgDatabase
{
    public ZgCollection<Account> Accounts => Collection<Account>();
    public ZgCollection<Event> Events => Collection<Event>();

    /// <summary>The name of the secondary index on <see cref="Event.Group"/> (so index files are written, damaged and checked too).</summary>
    public string GroupIndex => Events.Entity.Indexes[0].Name;

    protected override void OnModelCreating(ModelBuilder model) => model.Entity<Event>().HasIndex(e => e.Group);
}

/// <summary>Transaction: one account updated and a group of events inserted, committed as one unit across two collections.</summary>
public enum OpKind { Insert, Update, Upsert, Delete, InsertManyAccounts, InsertManyEvents, DeleteManyEvents, Transaction }

/// <summary>One operation of the workload, with everything needed to apply it to the database or to the model.</summary>
public sealed record WorkOp(OpKind Kind, Account[]? Accounts = null, Event[]? Events = null, int Key = 0, int Group = 0)
{
    public void ApplyTo(CrashDb db)
    {
        switch (Kind)
        {
            case OpKind.Insert: db.Accounts.Insert(Accounts![0]); break;
            case OpKind.Update: db.Accounts.Update(Accounts![0]); break;
            case OpKind.Upsert: db.Accounts.Upsert(Accounts![0]); break;
            case OpKind.Delete: db.Accounts.Delete(Key); break;
            case OpKind.InsertManyAccounts: db.Accounts.InsertMany(Accounts!); break;
            case OpKind.InsertManyEvents: db.Events.InsertMany(Events!); break;
            case OpKind.DeleteManyEvents:
                int group = Group;
                db.Events.DeleteMany(e => e.Group == group);
                break;
            case OpKind.Transaction:
                using (var transaction = db.BeginTransaction())
                {
                    db.Accounts.Update(Accounts![0]);
                    db.Events.InsertMany(Events!);
                    transaction.Commit();
                }
                break;
        }
    }

    public string ToLine() => JsonSerializer.Serialize(this, WorkState.Json);
    public static WorkOp FromLine(string line) => JsonSerializer.Deserialize<WorkOp>(line, WorkState.Json)!;
}

/// <summary>The expected contents of a <see cref="CrashDb"/>, documents kept as their JSON (compared exactly).</summary>
public sealed class WorkState
{
    public static readonly JsonSerializerOptions Json = new() { IncludeFields = false };

    public SortedDictionary<int, string> Accounts { get; } = new();
    public SortedDictionary<string, (int Group, string Json)> Events { get; } = new(StringComparer.Ordinal);

    public static WorkState Read(CrashDb db)
    {
        var state = new WorkState();
        foreach (var a in db.Accounts) state.Accounts.Add(a.Id, JsonSerializer.Serialize(a, Json));
        foreach (var e in db.Events) state.Events.Add(e.Id, (e.Group, JsonSerializer.Serialize(e, Json)));
        return state;
    }

    public WorkState Clone()
    {
        var copy = new WorkState();
        foreach (var (k, v) in Accounts) copy.Accounts.Add(k, v);
        foreach (var (k, v) in Events) copy.Events.Add(k, v);
        return copy;
    }

    public void Apply(WorkOp op)
    {
        switch (op.Kind)
        {
            case OpKind.Insert or OpKind.Update or OpKind.Upsert or OpKind.InsertManyAccounts:
                foreach (var a in op.Accounts!) Accounts[a.Id] = JsonSerializer.Serialize(a, Json);
                break;
            case OpKind.Delete:
                Accounts.Remove(op.Key);
                break;
            case OpKind.InsertManyEvents:
                foreach (var e in op.Events!) Events[e.Id] = (e.Group, JsonSerializer.Serialize(e, Json));
                break;
            case OpKind.DeleteManyEvents:
                foreach (var id in Events.Where(e => e.Value.Group == op.Group).Select(e => e.Key).ToList()) Events.Remove(id);
                break;
            case OpKind.Transaction:
                Accounts[op.Accounts![0].Id] = JsonSerializer.Serialize(op.Accounts[0], Json);
                foreach (var e in op.Events!) Events[e.Id] = (e.Group, JsonSerializer.Serialize(e, Json));
                break;
        }
    }

    /// <summary>Null if equal, else the first difference.</summary>
    public string? Diff(WorkState actual)
    {
        foreach (var (k, v) in Accounts)
            if (!actual.Accounts.TryGetValue(k, out var a)) return $"account {k} is missing";
            else if (a != v) return $"account {k} is {a}, expected {v}";
        foreach (var k in actual.Accounts.Keys)
            if (!Accounts.ContainsKey(k)) return $"account {k} should not exist";
        foreach (var (k, v) in Events)
            if (!actual.Events.TryGetValue(k, out var a)) return $"event {k} is missing";
            else if (a.Json != v.Json) return $"event {k} is {a.Json}, expected {v.Json}";
        foreach (var k in actual.Events.Keys)
            if (!Events.ContainsKey(k)) return $"event {k} should not exist";
        return null;
    }

    public override string ToString() => $"{Accounts.Count} accounts, {Events.Count} events";
}

/// <summary>Generates a random, valid mixed workload against a <see cref="WorkState"/> (which it keeps up to date).</summary>
public sealed class WorkloadGenerator(Random random, WorkState state)
{
    private int _nextGroup = state.Events.Count == 0 ? 1 : state.Events.Values.Max(e => e.Group) + 1;
    private static readonly DateTime Epoch = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public WorkOp Next()
    {
        var accounts = state.Accounts;
        int roll = random.Next(100);
        bool big = accounts.Count > 400 || state.Events.Count > 800;
        if (big && roll < 60) roll = random.Next(2) == 0 ? 80 : 95; // shrink: DeleteMany or Delete
        WorkOp op = roll switch
        {
            < 20 => new WorkOp(OpKind.Insert, [NewAccount(FreeId())]),
            < 40 when accounts.Count > 0 => new WorkOp(OpKind.Update, [Changed(PickAccount())]),
            < 45 => new WorkOp(OpKind.Upsert, [random.Next(2) == 0 && accounts.Count > 0 ? Changed(PickAccount()) : NewAccount(FreeId())]),
            < 52 => new WorkOp(OpKind.InsertManyAccounts, FreeIds(random.Next(2, 12)).Select(NewAccount).ToArray()),
            < 75 => new WorkOp(OpKind.InsertManyEvents, Events: NewEvents(_nextGroup++, random.Next(1, 25))),
            < 80 when accounts.Count > 0 && !big => new WorkOp(OpKind.Transaction, [Changed(PickAccount())], NewEvents(_nextGroup++, random.Next(1, 8))),
            < 88 when state.Events.Count > 0 => new WorkOp(OpKind.DeleteManyEvents, Group: state.Events.ElementAt(random.Next(state.Events.Count)).Value.Group),
            _ when accounts.Count > 0 => new WorkOp(OpKind.Delete, Key: random.Next(3) == 0 ? FreeId() : PickAccount()),
            _ => new WorkOp(OpKind.Insert, [NewAccount(FreeId())]),
        };
        state.Apply(op);
        return op;
    }

    private int PickAccount() => state.Accounts.Keys.ElementAt(random.Next(state.Accounts.Count));

    private int FreeId()
    {
        while (true)
        {
            int id = random.Next(1, 5000);
            if (!state.Accounts.ContainsKey(id)) return id;
        }
    }

    private int[] FreeIds(int n)
    {
        var ids = new HashSet<int>();
        while (ids.Count < n) ids.Add(FreeId());
        return ids.ToArray();
    }

    private Account NewAccount(int id) => new()
    {
        Id = id,
        Balance = random.NextInt64(-1_000_000, 1_000_000),
        Owner = "owner-" + random.Next(100_000) + new string('x', random.Next(0, 200)),
        Tags = Enumerable.Range(0, random.Next(4)).Select(i => "t" + random.Next(50)).ToList(),
    };

    private Account Changed(int id)
    {
        var current = JsonSerializer.Deserialize<Account>(state.Accounts[id], WorkState.Json)!;
        current.Version++;
        current.Balance += random.Next(-500, 500);
        if (random.Next(4) == 0) current.Tags.Add("v" + current.Version);
        return current;
    }

    private Event[] NewEvents(int group, int n) => Enumerable.Range(0, n).Select(i => new Event
    {
        Id = $"g{group:D6}-{i:D3}",
        Group = group,
        Payload = new string((char)('a' + random.Next(26)), random.Next(1, 300)),
        At = Epoch.AddTicks(random.NextInt64(0, TimeSpan.TicksPerDay * 365)),
    }).ToArray();
}

/// <summary>
/// The side file of one crash cycle, kept outside the database. Lines: <c>I &lt;n&gt; &lt;op json&gt;</c> is written
/// (to the OS, which keeps it through a SIGKILL) before operation n is issued; <c>A &lt;n&gt;</c> after operations
/// 1..n were acknowledged durable. A last line without its newline was cut by the kill and is ignored.
/// </summary>
public sealed class SideFile
{
    public List<WorkOp> Intents { get; } = [];
    public int Acknowledged { get; private set; }
    public string? ChildError { get; private set; }

    public static SideFile Parse(string path)
    {
        var side = new SideFile();
        if (!File.Exists(path)) return side;
        var text = File.ReadAllText(path);
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length - 1; i++) // the last element follows the last '\n': incomplete or empty
        {
            var line = lines[i];
            if (line.StartsWith("I ", StringComparison.Ordinal))
            {
                int space = line.IndexOf(' ', 2);
                int n = int.Parse(line.AsSpan(2, space - 2));
                if (n != side.Intents.Count + 1) throw new InvalidDataException($"side file: intent {n} after {side.Intents.Count}");
                side.Intents.Add(WorkOp.FromLine(line[(space + 1)..]));
            }
            else if (line.StartsWith("A ", StringComparison.Ordinal))
            {
                side.Acknowledged = Math.Max(side.Acknowledged, int.Parse(line.AsSpan(2)));
            }
            else if (line.StartsWith("E ", StringComparison.Ordinal))
            {
                side.ChildError = line[2..];
            }
        }
        return side;
    }
}

/// <summary>Documents and options both sides of the crash tests agree on.</summary>
public static class CrashShapes
{
    public static Account FlushAccount(int id) => new()
    {
        Id = id,
        Balance = id * 7L,
        Owner = "flush-" + id,
        Tags = ["t" + id % 5],
    };

    /// <summary>Random options for one crash cycle: durability, checkpoint thresholds, WAL segment, part and chunk sizes.</summary>
    public static ZgDbOptions WorkOptions(Random random) => new()
    {
        Durability = random.Next(2) == 0 ? Durability.Synchronous : Durability.Background,
        Checkpoint = new CheckpointPolicy
        {
            MaxChangedDocuments = new[] { 40, 200, 1000, int.MaxValue }[random.Next(4)],
            MaxWalBytes = new[] { 16L << 10, 256L << 10, 4L << 20 }[random.Next(3)],
            OnDispose = true,
        },
        WalSegmentBytes = new[] { 4L << 10, 64L << 10, 1L << 20 }[random.Next(3)],
        ChunkDocuments = new[] { 16, 64, 2048 }[random.Next(3)],
        // Small parts make InsertMany, DeleteMany and transactions span several WAL records (issue 13, finding 1).
        WalPartBytes = new[] { 1 << 10, 4 << 10, 32 << 20 }[random.Next(3)],
    };
}
