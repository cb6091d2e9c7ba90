using ZgDb.Tests.Support;
using ZgDb.Linq;

namespace ZgDb.Tests.Relations;

/// <summary>An author whose every commit sets <see cref="Version"/> and, in the same transaction, every book's <see cref="VersionedBook.AuthorVersion"/>.</summary>
public sealed class VersionedAuthor
{
    public int Id { get; set; }
    public int Version { get; set; }
    public List<VersionedBook> Books { get; set; } = [];
}

public sealed class VersionedBook
{
    public int Id { get; set; }
    public int AuthorId { get; set; }
    public int AuthorVersion { get; set; }
    public VersionedAuthor? Author { get; set; }
}

public sealed class VersionedLibraryDb : ZgDatabase
{
    public ZgCollection<VersionedAuthor> Authors => Collection<VersionedAuthor>();
    public ZgCollection<VersionedBook> Books => Collection<VersionedBook>();

    protected override void OnModelCreating(ModelBuilder model) =>
        model.Entity<VersionedBook>().HasOne(b => b.Author).WithMany(a => a.Books).HasForeignKey(b => b.AuthorId);

    /// <summary>Seeds <paramref name="authors"/> authors with <paramref name="booksEach"/> books each, all at version 1.</summary>
    public void Seed(int authors, int booksEach)
    {
        Authors.InsertMany(Enumerable.Range(1, authors).Select(i => new VersionedAuthor { Id = i, Version = 1 }));
        Books.InsertMany(Enumerable.Range(0, authors * booksEach).Select(i => new VersionedBook { Id = i + 1, AuthorId = i / booksEach + 1, AuthorVersion = 1 }));
    }

    /// <summary>Sets the author and all its books to <paramref name="version"/> in one transaction.</summary>
    public void Bump(int authorId, int version)
    {
        using var transaction = BeginTransaction();
        BumpInside(authorId, version);
        transaction.Commit();
    }

    /// <summary>The writes of <see cref="Bump"/>, in the caller's transaction.</summary>
    public void BumpInside(int authorId, int version)
    {
        Authors.Update(new VersionedAuthor { Id = authorId, Version = version });
        Books.UpdateMany(b => b.AuthorId == authorId, b => b.AuthorVersion = version);
    }
}

/// <summary>
/// Navigations, Include, ThenInclude and filtered includes read the state their query started from: a query
/// enumerated lazily, with a transaction committed between two rows, still pairs each book with the version of its
/// author that the same state holds (finding 3 of issue 13: they used to read the live database).
/// </summary>
public abstract class NavigationSnapshotSuite<TBackend> : IDisposable where TBackend : Backend, new()
{
    private const int AuthorCount = 3, BooksEach = 4;
    private readonly TBackend _backend = new();
    private readonly VersionedLibraryDb _db;

    protected NavigationSnapshotSuite()
    {
        _db = _backend.Open<VersionedLibraryDb>();
        _db.Seed(AuthorCount, BooksEach);
        if (_backend.Persistent) _db.Checkpoint();
    }

    public void Dispose()
    {
        _db.Dispose();
        _backend.Dispose();
    }

    /// <summary>Enumerates <paramref name="query"/>; after the first row, commits version 2 of every author.</summary>
    private List<T> EnumerateWithCommitAfterFirstRow<T>(IEnumerable<T> query, Action? commit = null)
    {
        var rows = new List<T>();
        using var rowsOf = query.GetEnumerator();
        Assert.True(rowsOf.MoveNext());
        rows.Add(rowsOf.Current);
        (commit ?? (() => { for (int a = 1; a <= AuthorCount; a++) _db.Bump(a, 2); }))();
        while (rowsOf.MoveNext()) rows.Add(rowsOf.Current);
        return rows;
    }

    [Fact]
    public void Include_of_a_reference_reads_the_querys_snapshot_not_a_later_commit()
    {
        var books = EnumerateWithCommitAfterFirstRow(_db.Books.Include(b => b.Author));
        Assert.Equal(AuthorCount * BooksEach, books.Count);
        Assert.All(books, b => Assert.Equal(b.AuthorVersion, b.Author!.Version));
        Assert.All(books, b => Assert.Equal(1, b.AuthorVersion));
    }

    [Fact]
    public void Include_of_a_collection_reads_the_querys_snapshot_not_a_later_commit()
    {
        var authors = EnumerateWithCommitAfterFirstRow(_db.Authors.Include(a => a.Books));
        Assert.Equal(AuthorCount, authors.Count);
        Assert.All(authors, a => Assert.Equal(BooksEach, a.Books.Count));
        Assert.All(authors, a => Assert.All(a.Books, b => Assert.Equal(a.Version, b.AuthorVersion)));
    }

    [Fact]
    public void Filtered_include_and_ThenInclude_read_the_querys_snapshot_not_a_later_commit()
    {
        var authors = EnumerateWithCommitAfterFirstRow(_db.Authors.Include(a => a.Books.Where(b => b.AuthorVersion == 1).OrderByDescending(b => b.Id)));
        Assert.All(authors, a => Assert.Equal(BooksEach, a.Books.Count));
        Assert.All(authors, a => Assert.Equal(1, a.Version));

        // The same include path again: its compiled loader comes from the database's cache and must still read this query's state.
        _db.Authors.Include(a => a.Books.Where(b => b.AuthorVersion == 1).OrderByDescending(b => b.Id)).ToList();
        var books = EnumerateWithCommitAfterFirstRow(_db.Books.Include(b => b.Author).ThenInclude(a => a!.Books),
            () => { for (int a = 1; a <= AuthorCount; a++) _db.Bump(a, 3); });
        Assert.All(books, b => Assert.Equal(b.AuthorVersion, b.Author!.Version));
        Assert.All(books, b => Assert.All(b.Author!.Books, sibling => Assert.Equal(b.AuthorVersion, sibling.AuthorVersion)));
    }

    [Fact]
    public void Navigation_in_a_projection_reads_the_querys_snapshot_not_a_later_commit()
    {
        var pairs = EnumerateWithCommitAfterFirstRow(_db.Books.Select(b => new { b.AuthorVersion, b.Author!.Version }));
        Assert.Equal(AuthorCount * BooksEach, pairs.Count);
        Assert.All(pairs, p => Assert.Equal(p.AuthorVersion, p.Version));
    }

    [Fact]
    public void Navigation_in_a_filter_reads_the_querys_snapshot_not_a_later_commit()
    {
        // Every row of the state matches; a lookup reading the later commit would drop the rows after the first.
        var books = EnumerateWithCommitAfterFirstRow(_db.Books.Where(b => b.Author!.Version == b.AuthorVersion));
        Assert.Equal(AuthorCount * BooksEach, books.Count);
        var counts = EnumerateWithCommitAfterFirstRow(_db.Authors.Select(a => a.Books.Count(b => b.AuthorVersion == a.Version)));
        Assert.All(counts, c => Assert.Equal(BooksEach, c));
    }

    [Fact]
    public void Navigations_inside_a_transaction_read_the_view_the_query_started_from()
    {
        using var transaction = _db.BeginTransaction();
        var books = EnumerateWithCommitAfterFirstRow(_db.Books.Include(b => b.Author), () => { for (int a = 1; a <= AuthorCount; a++) _db.BumpInside(a, 5); });
        Assert.All(books, b => Assert.Equal(b.AuthorVersion, b.Author!.Version));
        // A new query in the transaction sees its writes, navigations included.
        Assert.All(_db.Books.Include(b => b.Author).ToList(), b => Assert.Equal((5, 5), (b.AuthorVersion, b.Author!.Version)));
        var book = _db.Books.Find(1)!;
        Assert.Equal(5, ((VersionedAuthor)_db.Entry(book).Reference(b => b.Author).Load()!).Version);
        transaction.Commit();
    }

    [Fact]
    public void Explicit_load_inside_a_query_reads_the_querys_snapshot_not_a_later_commit()
    {
        var db = _db;
        var pairs = EnumerateWithCommitAfterFirstRow(db.Books.Select(b => new { Book = b, Author = (VersionedAuthor?)db.Entry(b).Reference(x => x.Author).Load() }));
        Assert.Equal(AuthorCount * BooksEach, pairs.Count);
        Assert.All(pairs, p => Assert.Equal(p.Book.AuthorVersion, p.Author!.Version));
        Assert.All(pairs, p => Assert.Same(p.Author, p.Book.Author)); // Load set the navigation of the returned copy

        var authors = EnumerateWithCommitAfterFirstRow(db.Authors.Select(a => new { a.Version, Books = (List<VersionedBook>)db.Entry(a).Collection(x => x.Books).Load()! }),
            () => { for (int a = 1; a <= AuthorCount; a++) db.Bump(a, 3); });
        Assert.All(authors, a => Assert.Equal(BooksEach, a.Books.Count));
        Assert.All(authors, a => Assert.All(a.Books, b => Assert.Equal(a.Version, b.AuthorVersion)));

        // In a filter the query reads the stored documents themselves; Load reads the same state and leaves them unchanged.
        Assert.Equal(AuthorCount * BooksEach, db.Books.Where(b => ((VersionedAuthor)db.Entry(b).Reference(x => x.Author).Load()!).Version == b.AuthorVersion).Count());
    }

    [Fact]
    public void Explicit_load_reads_one_state_and_a_transactions_view()
    {
        var author = _db.Authors.Find(2)!;
        var books = (List<VersionedBook>)_db.Entry(author).Collection(a => a.Books).Load()!;
        Assert.Equal(BooksEach, books.Count);
        Assert.Same(books, author.Books);
        using (var transaction = _db.BeginTransaction())
        {
            _db.BumpInside(2, 7);
            _db.Entry(author).Collection(a => a.Books).Load();
            Assert.All(author.Books, b => Assert.Equal(7, b.AuthorVersion));
            Assert.Equal(7, _db.Entry(author.Books[0]).Reference(b => b.Author).Load() is VersionedAuthor { Version: var v } ? v : 0);
        } // rolled back
        _db.Entry(author).Collection(a => a.Books).Load();
        Assert.All(author.Books, b => Assert.Equal(1, b.AuthorVersion));
    }
}

public sealed class InMemoryNavigationSnapshotTests : NavigationSnapshotSuite<InMemoryBackend>;

public sealed class OnDiskNavigationSnapshotTests : NavigationSnapshotSuite<OnDiskBackend>;
