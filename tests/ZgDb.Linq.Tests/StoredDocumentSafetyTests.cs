using Xunit;

namespace ZgDb.Linq.Tests;

public sealed class Home
{
    public string Street { get; set; } = "";
    public string? Zip { get; set; }
}

/// <summary>A nested value whose comparison is application code that writes to it (as a cache might).</summary>
public sealed class Rank : IComparable<Rank>
{
    public int Level { get; set; }
    public int Compared { get; set; }

    public int CompareTo(Rank? other)
    {
        Compared++;
        if (other is not null) other.Compared++;
        return Level.CompareTo(other?.Level ?? int.MinValue);
    }
}

public sealed class Member
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string City { get; set; } = "";
    public Home? Home { get; set; }
    public Rank Rank { get; set; } = new();
    public List<string> Tags { get; set; } = [];
    public List<Note> Notes { get; set; } = [];
}

public sealed class Note
{
    public int Id { get; set; }
    public int MemberId { get; set; }
    public string Text { get; set; } = "";
    public Member? Member { get; set; }
}

/// <summary>A database whose documents hold a nested object, a list and a navigation: what a stored document shares.</summary>
public sealed class MemberDb : ZgDatabase
{
    public ZgCollection<Member> Members => Collection<Member>();
    public ZgCollection<Note> Notes => Collection<Note>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Member>().HasIndex(m => m.City);
        model.Entity<Note>().HasOne(n => n.Member).WithMany(m => m.Notes).HasForeignKey(n => n.MemberId);
    }
}

/// <summary>Application code a query calls: each writes to what it is given, as application code may.</summary>
public static class Meddler
{
    public static string Rename(Member member)
    {
        member.Name = "changed";
        return member.City;
    }

    public static bool RenameAndKeep(Member member)
    {
        member.Name = "changed";
        return true;
    }

    public static string Move(Home? home)
    {
        if (home is not null) home.Street = "changed";
        return "x";
    }

    public static int Tag(List<string> tags)
    {
        tags.Add("changed");
        return tags.Count;
    }

    public static int Scribble(IEnumerable<Member> members)
    {
        foreach (var member in members) member.Name = "changed";
        return 1;
    }

    public static int Retext(List<Note> notes)
    {
        foreach (var note in notes) note.Text = "changed";
        return notes.Count;
    }
}

/// <summary>An equality comparer that writes to what it compares.</summary>
public sealed class MeddlingComparer : IEqualityComparer<Home?>, IComparer<Member>
{
    public bool Equals(Home? x, Home? y)
    {
        if (x is not null) x.Street = "changed";
        return ReferenceEquals(x, y);
    }

    public int GetHashCode(Home? obj)
    {
        if (obj is not null) obj.Street = "changed";
        return 0;
    }

    public int Compare(Member? x, Member? y)
    {
        if (x is not null) x.Name = "changed";
        return (x?.Id ?? 0).CompareTo(y?.Id ?? 0);
    }
}

/// <summary>
/// Stored documents are shared by every reader and must never reach application code: a method called inside a query,
/// a comparer, or the caller changing what a query returned would change the data every later read sees, without a
/// write. Each test lets code write to what the query gave it, then checks that a later read and a reopen (on disk)
/// still see the original documents.
/// </summary>
public abstract class StoredDocumentSafetySuite : IDisposable
{
    private const int Count = 40;
    private MemberDb _db;

    protected StoredDocumentSafetySuite()
    {
        _db = Open();
        if (_db.Members.Count() == 0)
        {
            _db.Members.InsertMany(Originals());
            _db.Notes.InsertMany(Enumerable.Range(1, Count * 2).Select(i => new Note { Id = i, MemberId = (i - 1) % Count + 1, Text = "note" + i }));
            _db = Reopen(_db);
        }
    }

    /// <summary>Opens the database (empty the first time).</summary>
    protected abstract MemberDb Open();

    /// <summary>Closes and opens it again (in memory: the same database, which cannot be reopened).</summary>
    protected abstract MemberDb Reopen(MemberDb db);

    private static List<Member> Originals() => [.. Enumerable.Range(1, Count).Select(i => new Member
    {
        Id = i, Name = "M" + i, City = i % 2 == 0 ? "Paris" : "Oslo",
        Home = i % 5 == 0 ? null : new Home { Street = "Street " + i, Zip = (1000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture) },
        Tags = ["t" + i, "all"], Rank = new Rank { Level = i % 7 },
    })];

    private static string Describe(MemberDb db) => string.Join("\n",
        db.Members.AsEnumerable().Select(m => $"{m.Id} {m.Name} {m.City} {m.Home?.Street} {m.Rank.Level}/{m.Rank.Compared} [{string.Join(",", m.Tags)}]")
            .Concat(db.Notes.AsEnumerable().Select(n => $"{n.Id} {n.MemberId} {n.Text}")));

    private static readonly string Expected = Describe(Expected_());

    private static MemberDb Expected_()
    {
        var db = ZgDatabase.OpenInMemory<MemberDb>();
        db.Members.InsertMany(Originals());
        db.Notes.InsertMany(Enumerable.Range(1, Count * 2).Select(i => new Note { Id = i, MemberId = (i - 1) % Count + 1, Text = "note" + i }));
        return db;
    }

    /// <summary>Runs <paramref name="meddle"/>, then checks that the stored documents did not change, read again and after a reopen.</summary>
    private void Unchanged(Action<MemberDb> meddle)
    {
        meddle(_db);
        Assert.Equal(Expected, Describe(_db));
        _db = Reopen(_db);
        Assert.Equal(Expected, Describe(_db));
    }

    [Fact]
    public void A_client_method_that_mutates_its_argument_changed_the_stored_document() =>
        Unchanged(db => Assert.Equal(Count, db.Members.Select(m => Meddler.Rename(m)).ToList().Count));

    [Fact]
    public void A_client_method_in_a_predicate_that_mutates_its_argument_changed_the_stored_document() => Unchanged(db =>
    {
        Assert.Equal(Count, db.Members.Where(m => Meddler.RenameAndKeep(m)).Select(m => m.Id).ToList().Count);
        Assert.Equal(Count, db.Members.Where(m => Meddler.RenameAndKeep(m)).ToList().Count);
        Assert.Equal(Count / 2, db.Members.Where(m => m.City == "Paris" && Meddler.RenameAndKeep(m)).Count());
    });

    [Fact]
    public void A_client_method_in_an_ordering_that_mutates_its_argument_changed_the_stored_document() => Unchanged(db =>
    {
        Assert.Equal(Count, db.Members.OrderBy(m => Meddler.Rename(m)).Select(m => m.Id).ToList().Count);
        Assert.Equal(Count, db.Members.OrderBy(m => m, new MeddlingComparer()).Select(m => m.Id).ToList().Count);
    });

    [Fact]
    public void An_ordering_by_a_value_whose_comparison_writes_to_it_changed_the_stored_document() => Unchanged(db =>
    {
        Assert.Equal(Count, db.Members.OrderBy(m => m.Rank).Select(m => m.Id).ToList().Count);
        Assert.Equal(Count, db.Members.Select(m => m.Rank).OrderBy(r => r).Select(r => r.Level).ToList().Count);
    });

    [Fact]
    public void A_client_method_given_a_nested_object_changed_the_stored_document() =>
        Unchanged(db => Assert.Equal(Count, db.Members.Select(m => Meddler.Move(m.Home)).ToList().Count));

    [Fact]
    public void A_client_method_given_a_stored_list_changed_the_stored_document() =>
        Unchanged(db => Assert.Equal(Count, db.Members.Select(m => Meddler.Tag(m.Tags)).ToList().Count));

    [Fact]
    public void A_projected_list_mutated_by_the_caller_changed_the_stored_document() => Unchanged(db =>
    {
        foreach (var tags in db.Members.Select(m => m.Tags).ToList()) tags.Add("changed");
        db.Members.Select(m => m.Tags).First().Clear();
        foreach (var tags in db.Members.Where(m => m.City == "Paris").Select(m => (IEnumerable<string>)m.Tags)) ((List<string>)tags).Add("changed");
    });

    [Fact]
    public void A_projected_nested_object_mutated_by_the_caller_changed_the_stored_document() => Unchanged(db =>
    {
        foreach (var home in db.Members.Select(m => m.Home).ToList()) if (home is not null) home.Street = "changed";
        foreach (var pair in db.Members.Select(m => new { m.Id, m.Home }).ToList()) if (pair.Home is not null) pair.Home.Street = "changed";
        foreach (var pair in db.Members.Select(m => Tuple.Create(m.Id, m.Tags)).ToList()) pair.Item2.Add("changed");
    });

    [Fact]
    public void A_client_method_given_group_elements_changed_the_stored_document() => Unchanged(db =>
    {
        Assert.Equal(2, db.Members.GroupBy(m => m.City).Select(g => Meddler.Scribble(g)).ToList().Count);
        foreach (var group in db.Members.GroupBy(m => m.City, m => m.Home).ToList())
            foreach (var home in group) if (home is not null) home.Street = "changed";
    });

    [Fact]
    public void An_aggregate_accumulator_that_mutates_the_elements_changed_the_stored_document() => Unchanged(db =>
    {
        Assert.Equal(Count, db.Members.Aggregate(0, (n, m) => n + (Meddler.RenameAndKeep(m) ? 1 : 0)));
        Assert.Equal(Count, db.Members.Aggregate((a, m) => Meddler.RenameAndKeep(a) ? m : a).Id);
    });

    [Fact]
    public void A_comparer_of_an_operator_run_in_memory_changed_the_stored_document() => Unchanged(db =>
    {
        Assert.True(db.Members.Select(m => m.Home).Distinct(new MeddlingComparer()).Count() > 0);
        Assert.False(db.Members.Select(m => m.Home).Contains(new Home(), new MeddlingComparer()));
        Assert.True(db.Members.DistinctBy(m => m.Home, new MeddlingComparer()).Select(m => m.Id).Count() > 0);
    });

    [Fact]
    public void A_client_method_given_a_navigation_changed_the_stored_document() => Unchanged(db =>
    {
        Assert.Equal(Count, db.Members.Select(m => Meddler.Retext(m.Notes)).ToList().Count);
        Assert.Equal(Count * 2, db.Notes.Select(n => Meddler.Rename(n.Member!)).ToList().Count);
        Assert.Equal(Count, db.Members.Include(m => m.Notes).Select(m => Meddler.Rename(m)).ToList().Count);
        foreach (var notes in db.Members.Select(m => m.Notes).ToList()) notes.ForEach(n => n.Text = "changed");
    });

    [Fact]
    public void Reads_that_hand_out_nothing_stored_keep_reading_without_copies()
    {
        // the zero-copy paths: the planner's compiled code alone reads the documents
        Assert.Equal(Count / 2, _db.Members.Where(m => m.City == "Paris").Select(m => m.Name).ToList().Count);
        Assert.Equal(Count, _db.Members.Select(m => m.Tags.Count).Sum() / 2);
        Assert.Equal(Count, _db.Members.Where(m => m.Tags.Contains("all")).Count());
    }

    public void Dispose()
    {
        _db.Dispose();
        Cleanup();
        GC.SuppressFinalize(this);
    }

    /// <summary>Removes what the backend made, after the database is closed.</summary>
    protected virtual void Cleanup() { }
}

public sealed class InMemoryStoredDocumentSafetyTests : StoredDocumentSafetySuite
{
    protected override MemberDb Open() => ZgDatabase.OpenInMemory<MemberDb>();

    protected override MemberDb Reopen(MemberDb db) => db;
}

public sealed class OnDiskStoredDocumentSafetyTests : StoredDocumentSafetySuite
{
    private string Directory_ => field ??= Path.Combine(Path.GetTempPath(), "zgdb-safety-" + Guid.NewGuid().ToString("N"));

    protected override MemberDb Open() => ZgDatabase.Open<MemberDb>(Directory_, new ZgDbOptions { ChunkDocuments = 16 });

    protected override MemberDb Reopen(MemberDb db)
    {
        db.Dispose();
        return Open();
    }

    protected override void Cleanup()
    {
        try { Directory.Delete(Directory_, recursive: true); } catch (IOException) { }
    }
}
