using Microsoft.Extensions.Logging;
using ZgDb.Storage.Format;
using ZgDb.Tests.Support;

namespace ZgDb.Tests.Engine;

/// <summary>What only a database on disk does: locking, lazy chunk loading, recovery and damage detection.</summary>
public sealed class DiskEngineTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private TestDb Open(ZgDbOptions? options = null) => ZgDatabase.Open<TestDb>(_dir.Path, options);

    private void Seed(int count, int chunkDocuments = 16)
    {
        using var db = Open(new ZgDbOptions { ChunkDocuments = chunkDocuments });
        db.Users.InsertMany(Enumerable.Range(1, count).Select(Data.User));
    }

    [Fact]
    public void A_second_open_of_the_same_directory_is_refused_naming_the_lock_file()
    {
        using var db = Open();
        var e = Assert.Throws<ZgDbLockedException>(() => Open());
        Assert.EndsWith("zgdb.lock", e.LockFile);
        Assert.Contains("zgdb.lock", e.Message);
        db.Dispose();
        using var again = Open(); // released on dispose
    }

    [Fact]
    public void Open_reads_no_chunk_and_Find_loads_exactly_one()
    {
        Seed(1000);
        using var db = Open();
        Assert.True(Directory.GetFiles(_dir.File("chunks"), "*.zgc").Length >= 1000 / 16);
        Assert.Equal(0, db.GetStatistics().ChunkLoads);
        Assert.Equal(1000, db.Users.Count());
        Assert.Equal(0, db.GetStatistics().ChunkLoads);
        Assert.Equal("User 500", db.Users.Find(500)!.Name);
        Assert.Equal(1, db.GetStatistics().ChunkLoads);
        Assert.Equal("User 501", db.Users.Find(501)!.Name);
        Assert.Equal(1, db.GetStatistics().ChunkLoads);
        Assert.Null(db.Users.Find(5000));
        Assert.Equal(1, db.GetStatistics().ChunkLoads);
    }

    [Fact]
    public void The_chunk_cache_stays_within_its_budget_and_reloads_evicted_chunks()
    {
        Seed(2000);
        using var db = Open(new ZgDbOptions { ChunkCacheBytes = 64 * 1024 });
        Assert.Equal(2000, db.Users.AsEnumerable().Count());
        var stats = db.GetStatistics();
        Assert.True(stats.CachedBytes <= 64 * 1024 + 16 * 1024, $"cache holds {stats.CachedBytes} bytes");
        Assert.True(stats.CachedChunks < 2000 / 16, $"cache holds {stats.CachedChunks} chunks");
        Assert.Equal("User 1", db.Users.Find(1)!.Name); // evicted long ago: loaded again
    }

    [Fact]
    public void Reopen_without_dispose_replays_the_wal()
    {
        var options = new ZgDbOptions { Checkpoint = CheckpointPolicy.Manual };
        var db = Open(options);
        db.Users.InsertMany(Enumerable.Range(1, 100).Select(Data.User));
        db.Users.Delete(50);
        db.FlushAsync().GetAwaiter().GetResult();
        CrashRelease(db); // no dispose-time checkpoint: the reopen must replay the WAL
        var logger = new ListLogger();
        using var reopened = Open(new ZgDbOptions { Logger = logger });
        Assert.Equal(99, reopened.Users.Count());
        Assert.Null(reopened.Users.Find(50));
        Assert.Contains(logger.Entries, e => e.Message.Contains("replayed 2 WAL records"));
    }

    [Fact]
    public void A_torn_wal_tail_is_cut_off_and_reported_and_everything_before_it_survives()
    {
        var db = Open(new ZgDbOptions { Checkpoint = CheckpointPolicy.Manual });
        db.Users.InsertMany(Enumerable.Range(1, 10).Select(Data.User));
        db.Users.Insert(Data.User(11));
        db.FlushAsync().GetAwaiter().GetResult();
        CrashRelease(db);
        var segment = Directory.GetFiles(_dir.File("wal"), "*.zgw").Single();
        var length = new FileInfo(segment).Length;
        // Tear the last record: drop its final 5 bytes, as a crash mid-append would.
        using (var f = File.Open(segment, FileMode.Open)) f.SetLength(length - 5);
        var logger = new ListLogger();
        using var reopened = Open(new ZgDbOptions { Logger = logger });
        Assert.Equal(10, reopened.Users.Count());
        Assert.Null(reopened.Users.Find(11));
        Assert.Contains(logger.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("torn WAL tail") && e.Message.Contains(segment));
        reopened.Users.Insert(Data.User(12)); // the log goes on after the cut
        Assert.Equal(11, reopened.Users.Count());
    }

    [Fact]
    public void Zeros_at_the_wal_tail_are_a_torn_tail_not_records()
    {
        var db = Open(new ZgDbOptions { Checkpoint = CheckpointPolicy.Manual });
        db.Users.Insert(Data.User(1));
        db.FlushAsync().GetAwaiter().GetResult();
        CrashRelease(db);
        var segment = Directory.GetFiles(_dir.File("wal"), "*.zgw").Single();
        using (var f = File.Open(segment, FileMode.Append)) f.Write(new byte[4096]);
        using var reopened = Open();
        Assert.Equal(1, reopened.Users.Count());
    }

    [Fact]
    public void A_damaged_wal_record_followed_by_valid_ones_is_corruption_naming_file_and_offset()
    {
        var db = Open(new ZgDbOptions { Checkpoint = CheckpointPolicy.Manual });
        db.Users.Insert(Data.User(1));
        db.FlushAsync().GetAwaiter().GetResult();
        var segment = Directory.GetFiles(_dir.File("wal"), "*.zgw").Single();
        var secondRecord = new FileInfo(segment).Length;
        db.Users.Insert(Data.User(2));
        db.FlushAsync().GetAwaiter().GetResult(); // record 3 is of a later flush group: record 2 was durable before it
        db.Users.Insert(Data.User(3));
        db.FlushAsync().GetAwaiter().GetResult();
        CrashRelease(db);
        FlipByte(segment, secondRecord + WalLayout.RecordHeaderLength + 3);
        var before = File.ReadAllBytes(segment);
        var e = Assert.Throws<ZgDbCorruptFileException>(() => Open());
        Assert.Equal(segment, e.File);
        Assert.Equal(secondRecord, e.Offset);
        Assert.Contains($"offset {secondRecord}", e.Message);
        Assert.Equal(before, File.ReadAllBytes(segment)); // nothing truncated
    }

    [Fact]
    public void A_flipped_byte_in_a_chunk_is_reported_on_read_naming_the_file()
    {
        Seed(100);
        var chunk = Directory.GetFiles(_dir.File("chunks"), "*.zgc").OrderBy(f => f).First();
        var bytes = File.ReadAllBytes(chunk);
        FlipByte(chunk, bytes.Length - 10); // inside the compressed body
        using var db = Open();
        var e = Assert.Throws<ZgDbCorruptFileException>(() => db.Users.Find(1));
        Assert.Equal(chunk, e.File);
        Assert.Contains("checksum", e.Message);
        Assert.Equal("User 100", db.Users.Find(100)!.Name); // other chunks still read
    }

    [Fact]
    public void Every_header_byte_of_a_chunk_flipped_is_detected()
    {
        Seed(20);
        var chunk = Directory.GetFiles(_dir.File("chunks"), "*.zgc").OrderBy(f => f).First();
        var original = File.ReadAllBytes(chunk);
        var header = ChunkHeader.Validate(original, chunk);
        for (int offset = 0; offset < header.Length; offset++)
        {
            var damaged = (byte[])original.Clone();
            damaged[offset] ^= 0x20;
            Assert.Throws<ZgDbCorruptFileException>(() => ChunkHeader.Validate(damaged, chunk));
        }
        for (int length = 0; length < original.Length; length += 7)
            Assert.Throws<ZgDbCorruptFileException>(() => ChunkHeader.Validate(original.AsSpan(0, length), chunk));
    }

    [Fact]
    public void A_truncated_chunk_is_reported()
    {
        Seed(100);
        var chunk = Directory.GetFiles(_dir.File("chunks"), "*.zgc").OrderBy(f => f).First();
        using (var f = File.Open(chunk, FileMode.Open)) f.SetLength(f.Length / 2);
        using var db = Open();
        var e = Assert.Throws<ZgDbCorruptFileException>(() => db.Users.AsEnumerable().Count());
        Assert.Equal(chunk, e.File);
    }

    [Fact]
    public void Damaged_manifests_stop_the_open_and_a_damaged_newest_falls_back_to_the_previous()
    {
        Seed(10); // generation 1 records the model at creation, generation 2 is the dispose-time checkpoint
        var manifests = Directory.GetFiles(_dir.Path, "manifest-*.zgm").Order().ToArray();
        Assert.Equal(2, manifests.Length);
        var originals = manifests.Select(File.ReadAllBytes).ToArray();
        foreach (var m in manifests) FlipByte(m, 40);
        var e = Assert.Throws<ZgDbCorruptFileException>(() => Open());
        Assert.Equal(manifests[1], e.File);
        for (int i = 0; i < manifests.Length; i++) File.WriteAllBytes(manifests[i], originals[i]);

        using (var db = Open())
            db.Users.Insert(Data.User(11)); // dispose checkpoints: a third generation; the first is deleted
        manifests = Directory.GetFiles(_dir.Path, "manifest-*.zgm").Order().ToArray();
        Assert.Equal(2, manifests.Length);
        FlipByte(manifests[1], 50);
        var logger = new ListLogger();
        using var reopened = Open(new ZgDbOptions { Logger = logger });
        Assert.Equal(11, reopened.Users.Count()); // the previous checkpoint plus the WAL
        Assert.Equal("User 11", reopened.Users.Find(11)!.Name);
        Assert.Contains(logger.Entries, x => x.Level == LogLevel.Warning && x.Message.Contains("newest manifest is damaged"));
    }

    [Fact]
    public void Every_header_byte_of_a_manifest_and_a_wal_segment_flipped_is_detected()
    {
        Seed(10);
        var manifest = Directory.GetFiles(_dir.Path, "manifest-*.zgm").Max()!;
        var original = File.ReadAllBytes(manifest);
        for (int offset = 0; offset < ManifestLayout.HeaderLength + 16; offset++)
        {
            var damaged = (byte[])original.Clone();
            damaged[offset] ^= 0x01;
            Assert.Throws<ZgDbCorruptFileException>(() => ManifestLayout.Validate(damaged, manifest));
        }
        var segment = new byte[WalLayout.SegmentHeaderLength];
        WalLayout.WriteSegmentHeader(segment, 1);
        for (int offset = 0; offset < segment.Length; offset++)
        {
            var damaged = (byte[])segment.Clone();
            damaged[offset] ^= 0x01;
            Assert.Throws<ZgDbCorruptFileException>(() => WalLayout.ValidateSegmentHeader(damaged, "x.zgw"));
        }
    }

    [Fact]
    public void A_changed_key_type_is_refused_and_leaves_the_files_untouched()
    {
        using (var db = ZgDatabase.Open<ThingsByInt>(_dir.Path))
            db.Things.Insert(new ThingInt { Name = "a" });
        var before = Directory.GetFiles(_dir.Path, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith("zgdb.lock"))
            .ToDictionary(f => f, File.ReadAllBytes);
        var e = Assert.Throws<ZgDbSchemaMismatchException>(() => ZgDatabase.Open<ThingsByString>(_dir.Path));
        Assert.Contains("'Things'", e.Message);
        Assert.Contains("Int32", e.Message);
        Assert.Contains("String", e.Message);
        foreach (var (file, bytes) in before) Assert.Equal(bytes, File.ReadAllBytes(file));
        using var again = ZgDatabase.Open<ThingsByInt>(_dir.Path); // the lock was released
        Assert.Equal("a", again.Things.Find(1)!.Name);
    }

    [Fact]
    public void Synchronous_durability_returns_after_the_flush()
    {
        using var db = Open(new ZgDbOptions { Durability = Durability.Synchronous });
        for (int i = 1; i <= 5; i++)
        {
            db.Users.Insert(Data.User(i));
            var stats = db.GetStatistics();
            Assert.Equal(stats.LastLsn, stats.DurableLsn);
        }
    }

    [Fact]
    public void A_disposed_database_refuses_writes()
    {
        var db = Open();
        db.Dispose();
        Assert.Throws<ObjectDisposedException>(() => db.Users.Insert(Data.User(1)));
    }

    [Fact]
    public void Checkpoints_delete_superseded_chunks_and_wal_segments()
    {
        var options = new ZgDbOptions { ChunkDocuments = 16, Checkpoint = CheckpointPolicy.Manual, WalSegmentBytes = 4096 };
        using var db = Open(options);
        for (int round = 0; round < 4; round++)
        {
            db.Users.InsertMany(Enumerable.Range(1, 50).Select(i => Data.User(round * 50 + i)));
            foreach (var u in db.Users.Where(u => u.Id % 2 == 0).ToList()) { u.Age++; db.Users.Update(u); }
            db.FlushAsync().GetAwaiter().GetResult();
            // Superseded files stay while a reader's state may still read them (RetiredFiles): collect the
            // states of the reads above, which no one holds any more.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            db.Checkpoint();
        }
        var manifests = Directory.GetFiles(_dir.Path, "manifest-*.zgm");
        Assert.Equal(2, manifests.Length);
        var referenced = manifests.SelectMany(m => ZgDb.Storage.Manifests.ManifestStore.Read(ZgDb.Storage.IO.PhysicalFileSystem.Instance, m).Collections)
            .SelectMany(c => c.Chunks).Select(c => c.File).ToHashSet();
        Assert.All(Directory.GetFiles(_dir.File("chunks")), f => Assert.Contains(Path.GetFileName(f), referenced));
        Assert.True(Directory.GetFiles(_dir.File("wal")).Length < 10, "old WAL segments were deleted");
        Assert.Equal(200, db.Users.Count());
    }

    private static void FlipByte(string file, long offset)
    {
        var bytes = File.ReadAllBytes(file);
        bytes[offset] ^= 0xFF;
        File.WriteAllBytes(file, bytes);
    }

    /// <summary>Leaves the database as a killed process would: no flush, no checkpoint; only the lock is released.</summary>
    private static void CrashRelease(ZgDatabase db)
    {
        var engine = db.Engine;
        var wal = (ZgDb.Storage.Wal.WalWriter)typeof(ZgDb.Storage.Engine.StorageEngine).GetField("_wal", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(engine)!;
        wal.Dispose();
        ((IDisposable)typeof(ZgDb.Storage.Engine.StorageEngine).GetField("_lock", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!.GetValue(engine)!).Dispose();
    }
}

public sealed class ThingInt { public int Id { get; set; } public string Name { get; set; } = ""; }
public sealed class ThingString { public string Id { get; set; } = ""; public string Name { get; set; } = ""; }
public sealed class ThingsByInt : ZgDatabase { public ZgCollection<ThingInt> Things => Collection<ThingInt>(); }
public sealed class ThingsByString : ZgDatabase { public ZgCollection<ThingString> Things => Collection<ThingString>(); }

