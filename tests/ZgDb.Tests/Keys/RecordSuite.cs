using ZgDb.Tests.Support;

namespace ZgDb.Tests.Keys;

/// <summary>
/// Issue 15: positional records and init-only properties as entities (EF Core binds constructor parameters to
/// properties), in memory and on disk. Before, a record was refused at open ("an entity must be a non-abstract
/// class with a public parameterless constructor").
/// </summary>
public abstract class RecordSuite<TBackend> : IDisposable where TBackend : Backend, new()
{
    private readonly TBackend _backend = new();
    private RecordsDb _db;

    protected RecordSuite() => _db = _backend.Open<RecordsDb>();

    public void Dispose()
    {
        _db.Dispose();
        _backend.Dispose();
    }

    [Fact]
    public void Positional_records_are_inserted_with_an_assigned_init_only_key_found_queried_and_reopened()
    {
        var tags = Enumerable.Range(0, 40).Select(i => new Tag(0, $"tag {i % 13}")).ToList();
        foreach (var tag in tags) _db.Tags.Insert(tag);
        Assert.Equal(Enumerable.Range(1, 40), tags.Select(t => t.Id)); // written back through the init-only key
        var expected = tags.Select(t => t with { }).ToList();

        void Verify()
        {
            Assert.Equal(expected, _db.Tags.ToList()); // record equality: every property read back
            Assert.Equal(expected.Where(t => t.Name == "tag 3"), _db.Tags.Where(t => t.Name == "tag 3").ToList());
            Assert.Equal(expected.Where(t => t.Id > 10 && t.Id <= 20), _db.Tags.Where(t => t.Id > 10 && t.Id <= 20).ToList());
            Assert.Equal(expected[6], _db.Tags.Find(7));
            var found = _db.Tags.Find(7)!;
            Assert.NotSame(found, _db.Tags.Find(7)); // copies, as for classes
        }

        Verify();
        Assert.Equal(new Tag(7, "tag 6"), _db.Tags.Find(7));
        _db.Tags.Update(new Tag(7, "renamed"));
        expected[6] = new Tag(7, "renamed");
        Assert.True(_db.Tags.Delete(40));
        expected.RemoveAt(39);
        Verify();
        _db.Checkpoint();
        _db = _backend.Reopen(_db);
        Verify();
        var next = new Tag(0, "next");
        _db.Tags.Insert(next);
        Assert.Equal(41, next.Id);
    }

    [Fact]
    public void Records_with_nested_records_and_a_Guid_key_are_deep_copied()
    {
        var label = new Label(Guid.Empty, "here", new Point(3, 4));
        _db.Labels.Insert(label);
        Assert.NotEqual(Guid.Empty, label.Id);
        _db.Labels.Insert(new Label(Guid.NewGuid(), "nowhere", null));
        _db = _backend.Reopen(_db);
        var found = _db.Labels.Find(label.Id)!;
        Assert.Equal(label, found);
        Assert.NotSame(label.Origin, found.Origin);
        Assert.Equal(2, _db.Labels.Count());
        Assert.Equal(["here"], _db.Labels.Where(l => l.Origin != null && l.Origin.X == 3).Select(l => l.Text).ToList());
    }

    [Fact]
    public void Init_only_classes_and_records_with_init_members_are_stored_and_read_back()
    {
        var pin = new Pin { Title = "a", At = new Point(1, 2), Trail = [new Point(0, 0), new Point(1, 1)] };
        _db.Pins.Insert(pin);
        Assert.Equal(1, pin.Id);
        var note = new Note2(0, "body") { Stars = 5 };
        _db.Notes.Insert(note);
        Assert.Equal(1, note.Id);
        _db.Checkpoint();
        _db = _backend.Reopen(_db);
        var read = _db.Pins.Find(1)!;
        Assert.Equal("a", read.Title);
        Assert.Equal(new Point(1, 2), read.At);
        Assert.Equal([new Point(0, 0), new Point(1, 1)], read.Trail);
        Assert.NotSame(read.Trail, _db.Pins.Find(1)!.Trail);
        Assert.Equal(note, _db.Notes.Find(1L));
        Assert.Equal([5], _db.Notes.Where(n => n.Stars > 1).Select(n => n.Stars).ToList());
    }

    [Fact]
    public void A_rolled_back_insert_resets_an_init_only_key()
    {
        var tag = new Tag(0, "rolled back");
        using (var tx = _db.BeginTransaction())
        {
            _db.Tags.Insert(tag);
            Assert.NotEqual(0, tag.Id);
        }
        Assert.Equal(0, tag.Id);
        Assert.Equal(0, _db.Tags.Count());
    }
}

public sealed class RecordSuiteInMemory : RecordSuite<InMemoryBackend>;
public sealed class RecordSuiteOnDisk : RecordSuite<OnDiskBackend>;
