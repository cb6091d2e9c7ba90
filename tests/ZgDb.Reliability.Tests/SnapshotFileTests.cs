using System.Runtime.CompilerServices;
using Xunit;
using ZgDb.Storage.Chunks;
using ZgDb.Storage.Engine;

namespace ZgDb.Reliability;

/// <summary>
/// Regression (issue 16 §3): a point read of a snapshot that outlived two checkpoints could find its chunk file
/// deleted (ZgDbCorruptFileException, "missing"). Superseded files were kept while their state's chunk LIST was
/// reachable; a point read holds the list only until it has picked the chunk (in a Release build the JIT ends the
/// state's lifetime there), then only that chunk's ref while it opens the file. Now every file is held by the object
/// each read of it goes through (its chunk ref, its index base), and released once the last reader of it is gone.
/// Files are real, on disk; the chunk cache is one byte, so every read opens its chunk file again.
/// </summary>
public sealed class SnapshotFileTests
{
    private static ZgDbOptions Options => new() { ChunkDocuments = 16, ChunkCacheBytes = 1, Checkpoint = CheckpointPolicy.Manual };

    private static int ChunkFiles(TempDir dir) => Directory.GetFiles(Path.Combine(dir.Sub("db"), "chunks"), "*.zgc").Length;

    private static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    /// <summary>Every document changes, so each checkpoint replaces every chunk file; a GC runs before each.</summary>
    private static void RewriteAndCheckpoint(CrashDb db, int rounds, string label)
    {
        for (int round = 0; round < rounds; round++)
        {
            db.Accounts.UpdateMany(_ => true, a => a.Owner = $"{label}{round}-{a.Id}");
            Collect();
            db.Checkpoint();
        }
    }

    /// <summary>What a point read holds once it picked its chunk: the chunk's ref, nothing else of the state.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ChunkRef<int> ChunkOfCurrentState(CrashDb db, int chunk)
    {
        var store = (CollectionStore<int, Account>)db.Engine.Store<Account>();
        return ((CollectionState<int, Account>)db.Engine.State.Collections[store.Ordinal]).Chunks[chunk];
    }

    [Fact]
    public void Point_read_of_a_snapshot_that_outlived_two_checkpoints_found_its_chunk_missing()
    {
        using var dir = TempDir.Create("point-read-old-snapshot");
        using var db = ZgDatabase.Open<CrashDb>(dir.Sub("db"), Options);
        db.Accounts.InsertMany(Enumerable.Range(1, 400).Select(i => new Account { Id = i, Owner = $"v1-{i}" }));
        db.Checkpoint();
        var store = (CollectionStore<int, Account>)db.Engine.Store<Account>();
        var chunk = ChunkOfCurrentState(db, 3); // the point read has chosen its chunk (keys 49..64) and not yet loaded it

        RewriteAndCheckpoint(db, 3, "v"); // three checkpoints: neither kept manifest lists the chunk's file any more

        Assert.True(File.Exists(Path.Combine(dir.Sub("db"), "chunks", chunk.File)), $"{chunk.File} was deleted under a reader about to load it");
        var loaded = store.Load(chunk);
        Assert.Equal(Enumerable.Range(49, 16), loaded.Keys);
        Assert.All(loaded.Documents, a => Assert.Equal($"v1-{a.Id}", a.Owner)); // the reader's own snapshot
        GC.KeepAlive(chunk);
    }

    [Fact]
    public void Old_snapshot_reads_by_key_index_and_scan_survive_many_checkpoints()
    {
        using var dir = TempDir.Create("old-snapshot-reads");
        using var db = ZgDatabase.Open<CrashDb>(dir.Sub("db"), Options);
        db.Accounts.InsertMany(Enumerable.Range(1, 400).Select(i => new Account { Id = i, Owner = $"v1-{i}" }));
        db.Events.InsertMany(Enumerable.Range(1, 400).Select(i => new Event { Id = $"e{i:D4}", Group = i % 10, Payload = "v1" }));
        db.Checkpoint();
        var accounts = db.Engine.Store<Account>().Snapshot();
        var events = db.Engine.Store<Event>().Snapshot();
        var index = events.GetIndex(db.GroupIndex)!;
        using var scan = db.Accounts.AsEnumerable().GetEnumerator();
        Assert.True(scan.MoveNext());

        for (int round = 0; round < 5; round++)
        {
            db.Accounts.UpdateMany(_ => true, a => a.Owner = $"v{round + 2}-{a.Id}");
            db.Events.UpdateMany(_ => true, e => e.Payload = $"v{round + 2}");
            Collect();
            db.Checkpoint();
        }

        Assert.All(Enumerable.Range(1, 400), id => Assert.Equal($"v1-{id}", accounts.Get(id)!.Owner));
        var group7 = index.Range([7], null, null, descending: false).Select(k => events.Get(k)!).ToList();
        Assert.Equal(40, group7.Count);
        Assert.All(group7, e => Assert.Equal("v1", e.Payload));
        var rest = new List<Account> { scan.Current };
        while (scan.MoveNext()) rest.Add(scan.Current);
        Assert.Equal(Enumerable.Range(1, 400), rest.Select(a => a.Id));
        Assert.All(rest, a => Assert.Equal($"v1-{a.Id}", a.Owner));
        Assert.All(db.Accounts.ToList(), a => Assert.StartsWith("v6-", a.Owner));
    }

    [Fact]
    public void Superseded_files_are_deleted_once_the_last_old_reader_is_done()
    {
        using var dir = TempDir.Create("old-reader-done");
        using var db = ZgDatabase.Open<CrashDb>(dir.Sub("db"), Options);
        db.Accounts.InsertMany(Enumerable.Range(1, 400).Select(i => new Account { Id = i }));
        db.Checkpoint();
        int generation = ChunkFiles(dir); // 25 chunks of 16
        var reader = db.Accounts.AsEnumerable().GetEnumerator();
        Assert.True(reader.MoveNext());

        RewriteAndCheckpoint(db, 4, "r");
        // The two kept manifest generations plus the reader's generation, never more however many checkpoints pass.
        Assert.InRange(ChunkFiles(dir), 2 * generation + 1, 3 * generation);

        while (reader.MoveNext()) { }
        reader.Dispose();
        reader = null;
        Collect();
        db.Checkpoint(); // nothing changed: no new generation
        RewriteAndCheckpoint(db, 1, "after");
        Assert.Equal(2 * generation, ChunkFiles(dir));
    }

    /// <summary>Starts an enumeration, reads one document and drops it without disposing it.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Abandon(CrashDb db)
    {
        var abandoned = db.Accounts.Where(a => a.Id > 0).GetEnumerator();
        Assert.True(abandoned.MoveNext());
    }

    [Fact]
    public void An_abandoned_enumeration_never_disposed_does_not_pin_files_forever()
    {
        using var dir = TempDir.Create("abandoned-reader");
        using var db = ZgDatabase.Open<CrashDb>(dir.Sub("db"), Options);
        db.Accounts.InsertMany(Enumerable.Range(1, 400).Select(i => new Account { Id = i }));
        db.Checkpoint();
        int generation = ChunkFiles(dir);
        Abandon(db);
        // The rule: an enumeration nobody can reach any more is collected, and its files go at the next checkpoint.
        RewriteAndCheckpoint(db, 3, "r");
        Assert.Equal(2 * generation, ChunkFiles(dir));
    }
}
