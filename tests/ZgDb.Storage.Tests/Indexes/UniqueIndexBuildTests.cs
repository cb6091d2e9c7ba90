using ZgDb.Storage.IO;
using Xunit;

namespace ZgDb.Storage.Tests.Indexes;

public sealed class Gadget
{
    public int Id { get; set; }
    public string Code { get; set; } = "";
    public string? Label { get; set; }
}

/// <summary>Gadgets without any index on Code.</summary>
public class GadgetsNoIndex : ZgDatabase
{
    public ZgCollection<Gadget> Gadgets => Collection<Gadget>();
}

/// <summary>Gadgets with a plain (non-unique) index on Code.</summary>
public class GadgetsPlainIndex : ZgDatabase
{
    public ZgCollection<Gadget> Gadgets => Collection<Gadget>();
    protected override void OnModelCreating(ModelBuilder model) => model.Entity<Gadget>().HasIndex(g => g.Code);
}

/// <summary>Gadgets with a unique index on Code.</summary>
public class GadgetsUniqueIndex : ZgDatabase
{
    public ZgCollection<Gadget> Gadgets => Collection<Gadget>();
    protected override void OnModelCreating(ModelBuilder model) => model.Entity<Gadget>().HasIndex(g => g.Code).IsUnique();
}

/// <summary>
/// A unique index declared over stored documents that hold duplicates (issue 13, finding 5): the open is refused with
/// <see cref="ZgDbUniqueConstraintException"/> naming the collection, the index and the duplicates, every file keeps
/// its bytes, and the database still opens with the previous model. Documents still in the WAL count too.
/// </summary>
public sealed class UniqueIndexBuildTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "zgdb-unique-build", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    private static ZgDbOptions Options(bool checkpointOnDispose) => new()
    {
        ChunkDocuments = 16,
        Checkpoint = new CheckpointPolicy { MaxChangedDocuments = int.MaxValue, MaxWalBytes = long.MaxValue, OnDispose = checkpointOnDispose },
    };

    private static List<Gadget> Gadgets(int count) =>
        Enumerable.Range(1, count).Select(i => new Gadget { Id = i, Code = "c" + i, Label = "l" + i }).ToList();

    /// <summary>Every file's bytes, by path relative to the directory (the lock file holds only the owner's pid, for people).</summary>
    private Dictionary<string, byte[]> Files() =>
        Directory.GetFiles(_directory, "*", SearchOption.AllDirectories)
            .Where(f => Path.GetFileName(f) != LockFile.FileName)
            .ToDictionary(f => Path.GetRelativePath(_directory, f), File.ReadAllBytes);

    private void AssertUnchanged(Dictionary<string, byte[]> before)
    {
        var after = Files();
        Assert.Equal(before.Keys.Order(StringComparer.Ordinal), after.Keys.Order(StringComparer.Ordinal));
        foreach (var (file, bytes) in before) Assert.True(bytes.AsSpan().SequenceEqual(after[file]), $"{file} changed");
    }

    private ZgDbUniqueConstraintException AssertRefused<TDb>(bool checkpointOnDispose) where TDb : ZgDatabase, new()
    {
        var before = Files();
        var e = Assert.Throws<ZgDbUniqueConstraintException>(() => ZgDatabase.Open<TDb>(_directory, Options(checkpointOnDispose)).Dispose());
        AssertUnchanged(before);
        Assert.Equal("Gadgets", e.Collection);
        Assert.Equal("Code", e.Index);
        return e;
    }

    [Fact]
    public void Unique_index_added_over_checkpointed_duplicates_is_refused_at_open_and_files_are_untouched()
    {
        using (var db = ZgDatabase.Open<GadgetsNoIndex>(_directory, Options(true)))
        {
            var gadgets = Gadgets(100);
            gadgets[40].Code = "dup-a"; gadgets[70].Code = "dup-a"; gadgets[90].Code = "dup-a";
            gadgets[10].Code = "dup-b"; gadgets[20].Code = "dup-b";
            db.Gadgets.InsertMany(gadgets);
        }
        var e = AssertRefused<GadgetsUniqueIndex>(checkpointOnDispose: true);
        Assert.Contains("'dup-a' in documents 41, 71, 91", e.Message);
        Assert.Contains("'dup-b' in documents 11, 21", e.Message);
        Assert.Contains("2 duplicate value(s)", e.Message);
        Assert.Equal(2, e.Duplicates.Count);

        // The old model still opens and sees every document; removing the duplicates there lets the new model in.
        using (var db = ZgDatabase.Open<GadgetsNoIndex>(_directory, Options(true)))
        {
            Assert.Equal(100, db.Gadgets.Count());
            foreach (var id in new[] { 71, 91, 21 }) db.Gadgets.Update(new Gadget { Id = id, Code = "fixed" + id });
        }
        using (var db = ZgDatabase.Open<GadgetsUniqueIndex>(_directory, Options(true)))
        {
            Assert.Equal(100, db.Gadgets.Count());
            Assert.Throws<ZgDbUniqueConstraintException>(() => db.Gadgets.Insert(new Gadget { Id = 500, Code = "dup-a" }));
        }
        using (var db = ZgDatabase.Open<GadgetsUniqueIndex>(_directory, Options(true)))
            Assert.Throws<ZgDbUniqueConstraintException>(() => db.Gadgets.Update(new Gadget { Id = 1, Code = "dup-b" }));
    }

    [Fact]
    public void Index_changed_from_non_unique_to_unique_over_duplicates_is_refused_although_its_file_is_stored()
    {
        using (var db = ZgDatabase.Open<GadgetsPlainIndex>(_directory, Options(true)))
        {
            var gadgets = Gadgets(50);
            gadgets[3].Code = "same"; gadgets[4].Code = "same";
            db.Gadgets.InsertMany(gadgets);
        }
        var e = AssertRefused<GadgetsUniqueIndex>(checkpointOnDispose: true);
        Assert.Contains("'same' in documents 4, 5", e.Message);
        using var old = ZgDatabase.Open<GadgetsPlainIndex>(_directory, Options(true));
        Assert.Equal(2, old.Gadgets.Count(g => g.Code == "same"));
    }

    [Fact]
    public void Unique_index_over_duplicates_still_in_the_wal_is_refused_at_open()
    {
        using (var db = ZgDatabase.Open<GadgetsPlainIndex>(_directory, Options(true)))
            db.Gadgets.InsertMany(Gadgets(30)); // checkpointed: chunks and the index file hold no duplicate
        using (var db = ZgDatabase.Open<GadgetsPlainIndex>(_directory, Options(checkpointOnDispose: false)))
        {
            db.Gadgets.Update(new Gadget { Id = 7, Code = "c3" }); // only in the WAL: duplicates a checkpointed value
            db.Gadgets.Insert(new Gadget { Id = 31, Code = "wal" });
            db.Gadgets.Insert(new Gadget { Id = 32, Code = "wal" }); // duplicates within the WAL
            db.FlushAsync().GetAwaiter().GetResult();
        }
        var e = AssertRefused<GadgetsUniqueIndex>(checkpointOnDispose: false);
        Assert.Contains("'c3' in documents 3, 7", e.Message);
        Assert.Contains("'wal' in documents 31, 32", e.Message);
        using var old = ZgDatabase.Open<GadgetsPlainIndex>(_directory, Options(false));
        Assert.Equal(32, old.Gadgets.Count());
    }

    [Fact]
    public void Unique_index_over_a_database_never_checkpointed_counts_the_wal_documents()
    {
        using (var db = ZgDatabase.Open<GadgetsNoIndex>(_directory, Options(checkpointOnDispose: false)))
        {
            db.Gadgets.Insert(new Gadget { Id = 1, Code = "x" });
            db.Gadgets.Insert(new Gadget { Id = 2, Code = "x" });
            db.FlushAsync().GetAwaiter().GetResult();
        }
        AssertRefused<GadgetsUniqueIndex>(checkpointOnDispose: false);
    }

    [Fact]
    public void Duplicates_the_wal_removes_again_do_not_refuse_the_unique_index()
    {
        using (var db = ZgDatabase.Open<GadgetsPlainIndex>(_directory, Options(true)))
        {
            var gadgets = Gadgets(20);
            gadgets[1].Code = "c1"; // 1 and 2 share "c1" in the chunks
            db.Gadgets.InsertMany(gadgets);
        }
        using (var db = ZgDatabase.Open<GadgetsPlainIndex>(_directory, Options(checkpointOnDispose: false)))
        {
            db.Gadgets.Update(new Gadget { Id = 2, Code = "c2" }); // fixed in the WAL only
            db.Gadgets.Insert(new Gadget { Id = 21, Code = "n" });
            db.Gadgets.Delete(21);
            db.Gadgets.Insert(new Gadget { Id = 22, Code = "n" });
            db.FlushAsync().GetAwaiter().GetResult();
        }
        using (var db = ZgDatabase.Open<GadgetsUniqueIndex>(_directory, Options(true)))
        {
            Assert.Equal(21, db.Gadgets.Count());
            Assert.Throws<ZgDbUniqueConstraintException>(() => db.Gadgets.Insert(new Gadget { Id = 23, Code = "c1" }));
        }
        using (var db = ZgDatabase.Open<GadgetsUniqueIndex>(_directory, Options(true)))
            Assert.Single(db.Gadgets.Where(g => g.Code == "n"));
    }
}
