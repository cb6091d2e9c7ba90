using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Microsoft.Extensions.Logging;
using ZgDb.Storage.Engine;
using ZgDb.Storage.Format;
using ZgDb.Storage.Indexes;
using ZgDb.Storage.IO;
using ZgDb.Storage.Manifests;
using Xunit;

namespace ZgDb.Storage.Tests.Indexes;

/// <summary>Index files on disk: layout, corruption detection, loading at reopen without reading chunks, added and removed indexes.</summary>
public sealed class IndexFileTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "zgdb-index-files", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }

    private static ZgDbOptions Options(bool checkpointOnDispose = true, ILogger? logger = null) => new()
    {
        ChunkDocuments = 64,
        Checkpoint = new CheckpointPolicy { MaxChangedDocuments = int.MaxValue, MaxWalBytes = long.MaxValue, OnDispose = checkpointOnDispose },
        Logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
    };

    private static readonly string[] Cities = ["Oslo", "Lima", "Berlin", "Zürich"];

    private static List<Person> People(int count, int seed) =>
        Enumerable.Range(1, count).Select(i => new Person
        {
            Id = i,
            Name = "p" + i,
            Age = (i * 7919 + seed) % 97,
            City = i % 13 == 0 ? null : Cities[i % 4],
            Email = i % 5 == 0 ? null : $"u{i}@x",
            Address = i % 3 == 0 ? null : new Address { City = "c" + (i % 10) },
        }).ToList();

    private Manifest LatestManifest() =>
        ManifestStore.Read(PhysicalFileSystem.Instance, Directory.GetFiles(_directory, "manifest-*.zgm").Order(StringComparer.Ordinal).Last());

    private string IndexFilePath(string index) =>
        Path.Combine(_directory, "chunks", LatestManifest().Collections.Single(c => c.Name == "People").Indexes.Single(i => i.Name == index).File);

    private static CollectionStore<int, Person> Store(ZgDatabase db) => (CollectionStore<int, Person>)db.Engine.Store<Person>();

    [Fact]
    public void Header_LayoutMatchesTheDocumentedOffsets()
    {
        Assert.Equal(48, IndexHeader.Length);
        Assert.Equal(32, IndexHeader.IdentityOffset);
        Assert.Equal(40, IndexHeader.ChecksumOffset);
        var bytes = new byte[IndexHeader.Length];
        new IndexHeader(3, 0x0102030405060708, 0x11223344, 0x55667788, 0xAABBCCDDEEFF0011, 0x1234567890ABCDEF).Write(bytes);
        Assert.Equal("ZGIX", Encoding.ASCII.GetString(bytes, 0, 4));
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        Assert.Equal(3, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(6)));
        Assert.Equal(0x0102030405060708, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(8)));
        Assert.Equal(0x11223344, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(16)));
        Assert.Equal(0x55667788, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(20)));
        Assert.Equal(0xAABBCCDDEEFF0011, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(24)));
        Assert.Equal(0x1234567890ABCDEFUL, BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(32)));
        Assert.Equal(XxHash64.HashToUInt64(bytes.AsSpan(0, 40)), BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(40)));
    }

    [Fact]
    public void EveryHeaderByteAndBodyBytesFlipped_AreDetected()
    {
        using (var db = ZgDatabase.Open<PeopleDb>(_directory, Options()))
            db.People.InsertMany(People(300, 1));
        using var reopened = ZgDatabase.Open<PeopleDb>(_directory, Options());
        var definitions = Store(reopened).Indexes.Definitions;
        foreach (var name in new[] { "Age", "City,Age", "Born,Balance,Tag,Ratio" })
        {
            var definition = definitions.Single(d => d.Name == name);
            var original = File.ReadAllBytes(IndexFilePath(name));
            var good = Path.Combine(_directory, "good.zgi");
            File.WriteAllBytes(good, original);
            var loaded = IndexFile.Read(PhysicalFileSystem.Instance, good, definition.Comparer, definition.KeyKind, definition.Identity);
            Assert.Equal(300, loaded.Count);
            var offsets = Enumerable.Range(0, IndexHeader.Length).Concat(Enumerable.Range(IndexHeader.Length, original.Length - IndexHeader.Length).Where(i => i % 5 == 0));
            foreach (int offset in offsets)
            {
                var damaged = (byte[])original.Clone();
                damaged[offset] ^= 0x20;
                var path = Path.Combine(_directory, $"flip-{offset}.zgi");
                File.WriteAllBytes(path, damaged);
                var e = Assert.Throws<ZgDbCorruptFileException>(() => IndexFile.Read(PhysicalFileSystem.Instance, path, definition.Comparer, definition.KeyKind, definition.Identity));
                Assert.Equal(path, e.File);
                File.Delete(path);
            }
            // truncated and extended files
            foreach (var length in new[] { 0, 10, IndexHeader.Length, original.Length - 1, original.Length + 1 })
            {
                var path = Path.Combine(_directory, "cut.zgi");
                var cut = new byte[length];
                Array.Copy(original, cut, Math.Min(length, original.Length));
                File.WriteAllBytes(path, cut);
                Assert.Throws<ZgDbCorruptFileException>(() => IndexFile.Read(PhysicalFileSystem.Instance, path, definition.Comparer, definition.KeyKind, definition.Identity));
            }
            // a file of another index is refused
            var other = definitions.Single(d => d.Name == "Score");
            var wrong = Assert.Throws<ZgDbCorruptFileException>(() => IndexFile.Read(PhysicalFileSystem.Instance, good, other.Comparer, other.KeyKind, other.Identity));
            Assert.True(wrong.Offset is 6 or 32, wrong.Message);
        }
    }

    [Fact]
    public void DamagedIndexFile_OnDisk_ThrowsCorruptFileNamingIt_OnFirstUse()
    {
        using (var db = ZgDatabase.Open<PeopleDb>(_directory, Options()))
            db.People.InsertMany(People(500, 2));
        var path = IndexFilePath("Age");
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(path, bytes);
        using var reopened = ZgDatabase.Open<PeopleDb>(_directory, Options(checkpointOnDispose: false));
        var e = Assert.Throws<ZgDbCorruptFileException>(() => BruteForce.Index(reopened, "Age").Range([], null, null, false).ToList());
        Assert.Equal(path, e.File);
        Assert.Equal(IndexHeader.Length, e.Offset);
        Assert.Throws<ZgDbCorruptFileException>(() => BruteForce.Index(reopened, "Age").CountRange([3], null, null)); // again, not a cached wrong answer
        Assert.Equal(500, BruteForce.Index(reopened, "Score").Range([], null, null, false).Count()); // other indexes still work
    }

    [Fact]
    public void Reopen_LoadsIndexFiles_WithoutReadingChunksOrRebuilding()
    {
        var people = People(3000, 3);
        using (var db = ZgDatabase.Open<PeopleDb>(_directory, Options()))
            db.People.InsertMany(people);
        Assert.True(Directory.GetFiles(Path.Combine(_directory, "chunks"), "*.zgc").Length >= 40);

        using var reopened = ZgDatabase.Open<PeopleDb>(_directory, Options());
        var engine = reopened.Engine;
        Assert.Equal(0, engine.Cache.Loads);
        Assert.Equal(0, engine.IndexCounters.FileLoads);
        var age = BruteForce.Index(reopened, "Age");
        Assert.Equal(BruteForce.Range(people, PeopleDb.Expected["Age"], [], new IndexBound(10, true), new IndexBound(20, true), false),
            age.Range([], new IndexBound(10, true), new IndexBound(20, true), false).ToList());
        Assert.Equal(people.Count(p => p.Age == 42), age.CountRange([42], null, null));
        var cityAge = BruteForce.Index(reopened, "City,Age");
        Assert.Equal(BruteForce.Range(people, PeopleDb.Expected["City,Age"], ["Oslo"], null, new IndexBound(50, false), true),
            cityAge.Range(["Oslo"], null, new IndexBound(50, false), true).ToList());
        Assert.Equal(0, engine.Cache.Loads);
        Assert.Equal(0, engine.IndexCounters.Builds);
        Assert.Equal(2, engine.IndexCounters.FileLoads);
    }

    [Fact]
    public void IndexAddedToTheModel_IsBuiltFromTheDocuments_WithTheWalReplayedOnTop_ThenPersisted()
    {
        var people = People(500, 4);
        using (var db = ZgDatabase.Open<PeopleDbAgeOnly>(_directory, Options(checkpointOnDispose: false)))
        {
            db.People.InsertMany(people);
            db.Checkpoint();
            var more = People(550, 4).Skip(500).ToList();
            db.People.InsertMany(more);
            people.AddRange(more);
            for (int id = 1; id <= 10; id++) db.People.Delete(id * 7);
            people.RemoveAll(p => p.Id % 7 == 0 && p.Id <= 70);
            var moved = db.People.Find(1)!;
            moved.City = "Aachen";
            db.People.Update(moved);
            people.Single(p => p.Id == 1).City = "Aachen";
        }
        var log = new ListLogger();
        using (var db = ZgDatabase.Open<PeopleDbAgeAndCity>(_directory, Options(logger: log)))
        {
            Func<Person, object?[]> city = p => [p.City];
            Assert.Equal(BruteForce.Range(people, city, [], null, null, false), BruteForce.Index(db, "City").Range([], null, null, false).ToList());
            Assert.Equal(1, db.Engine.IndexCounters.Builds);
            Assert.Contains(log.Messages, m => m.Contains("building index 'City' of collection 'People' from 500 documents", StringComparison.Ordinal));
        }
        using (var db = ZgDatabase.Open<PeopleDbAgeAndCity>(_directory, Options()))
        {
            Assert.Equal(people.Count(p => p.City == "Aachen"), BruteForce.Index(db, "City").CountRange(["Aachen"], null, null));
            Assert.Equal(0, db.Engine.IndexCounters.Builds);
            Assert.Equal(1, db.Engine.IndexCounters.FileLoads);
            Assert.Equal(0, db.Engine.Cache.Loads);
        }
    }

    [Fact]
    public void IndexRemovedFromTheModel_IsDroppedFromTheManifest_AndItsFileDeleted()
    {
        using (var db = ZgDatabase.Open<PeopleDbAgeAndCity>(_directory, Options()))
            db.People.InsertMany(People(200, 5));
        var cityFile = IndexFilePath("City");
        Assert.True(File.Exists(cityFile));
        using (var db = ZgDatabase.Open<PeopleDbAgeOnly>(_directory, Options()))
        {
            Assert.Null(BruteForce.Snapshot(db).GetIndex("City"));
            Assert.Equal(200, BruteForce.Index(db, "Age").Count);
        }
        Assert.Equal(["Age"], LatestManifest().Collections.Single().Indexes.Select(i => i.Name));
        using (var db = ZgDatabase.Open<PeopleDbAgeOnly>(_directory, Options()))
        {
            db.People.Insert(new Person { Name = "one more" });
            db.Checkpoint(); // the previous manifest no longer lists the file either
        }
        Assert.False(File.Exists(cityFile));
    }

    [Fact]
    public void CheckpointWithoutIndexChanges_KeepsTheIndexFile()
    {
        using var db = ZgDatabase.Open<PeopleDb>(_directory, Options());
        db.People.InsertMany(People(100, 6));
        db.Checkpoint();
        var before = LatestManifest().Collections.Single().Indexes.ToDictionary(i => i.Name, i => i.File);
        var p = db.People.Find(3)!;
        p.Name = "renamed"; // no indexed value changes
        p.Age++;            // only the Age index (and City,Age) change
        db.People.Update(p);
        db.Checkpoint();
        var after = LatestManifest().Collections.Single().Indexes.ToDictionary(i => i.Name, i => i.File);
        Assert.Equal(before["Email"], after["Email"]);
        Assert.Equal(before["Score"], after["Score"]);
        Assert.NotEqual(before["Age"], after["Age"]);
        Assert.NotEqual(before["City,Age"], after["City,Age"]);
    }

    private sealed class ListLogger : ILogger
    {
        public List<string> Messages { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (Messages) Messages.Add(formatter(state, exception));
        }
    }
}
