using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;
using ZgDb.Linq;

namespace ZgDb.Reliability;

public sealed class ShelfAuthor
{
    public int Id { get; set; }
    public int Version { get; set; }
    public List<ShelfBook> Books { get; set; } = [];
}

public sealed class ShelfBook
{
    public int Id { get; set; }
    public int AuthorId { get; set; }
    public int AuthorVersion { get; set; }
    public ShelfAuthor? Author { get; set; }
}

public sealed class ShelfDb : ZgDatabase
{
    public ZgCollection<ShelfAuthor> Authors => Collection<ShelfAuthor>();
    public ZgCollection<ShelfBook> Books => Collection<ShelfBook>();

    protected override void OnModelCreating(ModelBuilder model) =>
        model.Entity<ShelfBook>().HasOne(b => b.Author).WithMany(a => a.Books).HasForeignKey(b => b.AuthorId);
}

/// <summary>
/// A writer commits transactions that each set one author's Version and every one of its books' AuthorVersion to
/// the same new value, while readers run <c>Include(b =&gt; b.Author)</c>, <c>Where(b =&gt; b.Author!.Version !=
/// b.AuthorVersion)</c> and <c>Include(a =&gt; a.Books)</c>. Every row must pair a book with the version of its author
/// from the same state: zero torn pairs (issue 13, finding 3: 30,954 torn Include rows in 10,028 commits before the
/// fix). Runs ZGDB_NAV_STRESS_SECONDS (default 2.5) seconds per backend; the seed is logged.
/// </summary>
public sealed class NavigationSnapshotStressTests(ITestOutputHelper output)
{
    private const int AuthorCount = 8, BooksEach = 5;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Navigations_and_includes_never_pair_a_book_with_another_version_of_its_author_under_concurrent_commits(bool onDisk)
    {
        var duration = TimeSpan.FromSeconds(double.TryParse(Environment.GetEnvironmentVariable("ZGDB_NAV_STRESS_SECONDS"),
            System.Globalization.CultureInfo.InvariantCulture, out var s) ? s : 2.5);
        int seed = Seeds.Get("ZGDB_NAV_STRESS_SEED", output.WriteLine);
        using var dir = TempDir.Create("nav-stress", memory: true);
        var options = new ZgDbOptions
        {
            Checkpoint = new CheckpointPolicy { MaxChangedDocuments = 400, MaxWalBytes = 256 << 10 },
            ChunkDocuments = 16,
            ChunkCacheBytes = 64 << 10,
        };
        using var db = onDisk ? ZgDatabase.Open<ShelfDb>(dir.Sub("db"), options) : ZgDatabase.OpenInMemory<ShelfDb>(options);
        db.Authors.InsertMany(Enumerable.Range(1, AuthorCount).Select(i => new ShelfAuthor { Id = i, Version = 0 }));
        db.Books.InsertMany(Enumerable.Range(0, AuthorCount * BooksEach).Select(i => new ShelfBook { Id = i + 1, AuthorId = i / BooksEach + 1, AuthorVersion = 0 }));

        var stop = new CancellationTokenSource();
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        long commits = 0, includeRows = 0, tornInclude = 0, whereQueries = 0, tornWhere = 0, authorRows = 0, tornAuthors = 0;

        void Guard(Action body, string name)
        {
            try { body(); }
            catch (Exception e) { failures.Enqueue($"{name}: {e}"); stop.Cancel(); }
        }

        var writer = new Thread(() => Guard(() =>
        {
            var random = new Random(seed);
            var versions = new int[AuthorCount + 1];
            while (!stop.IsCancellationRequested)
            {
                int author = random.Next(1, AuthorCount + 1), version = ++versions[author];
                using var transaction = db.BeginTransaction();
                db.Authors.Update(new ShelfAuthor { Id = author, Version = version });
                if (db.Books.UpdateMany(b => b.AuthorId == author, b => b.AuthorVersion = version) != BooksEach)
                    throw new InvalidOperationException($"author {author} lost books");
                transaction.Commit();
                Interlocked.Increment(ref commits);
            }
        }, "writer")) { Name = "writer" };

        var readers = Enumerable.Range(0, 2).Select(r => new Thread(() => Guard(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var books = db.Books.Include(b => b.Author).ToList();
                Interlocked.Add(ref includeRows, books.Count);
                Interlocked.Add(ref tornInclude, books.Count(b => b.Author is null || b.Author.Version != b.AuthorVersion));

                var torn = db.Books.Where(b => b.Author!.Version != b.AuthorVersion).Select(b => b.Id).ToList();
                Interlocked.Increment(ref whereQueries);
                Interlocked.Add(ref tornWhere, torn.Count);

                var authors = db.Authors.Include(a => a.Books).ToList();
                Interlocked.Add(ref authorRows, authors.Count);
                Interlocked.Add(ref tornAuthors, authors.Count(a => a.Books.Count != BooksEach || a.Books.Any(b => b.AuthorVersion != a.Version)));
            }
        }, $"reader {r}")) { Name = $"reader {r}" }).ToList();

        var clock = Stopwatch.StartNew();
        foreach (var t in readers.Append(writer)) t.Start();
        stop.Token.WaitHandle.WaitOne(duration);
        stop.Cancel();
        foreach (var t in readers.Append(writer)) t.Join();
        clock.Stop();

        Figures.Record(output, $"navigation snapshot stress ({(onDisk ? "on disk" : "in memory")}): {clock.Elapsed.TotalSeconds:F1} s, 1 writer + 2 readers: " +
            $"{commits} author+books transactions; Include(b => b.Author) {includeRows} rows, {tornInclude} torn; " +
            $"Where(b => b.Author.Version != b.AuthorVersion) {whereQueries} queries, {tornWhere} rows found; Include(a => a.Books) {authorRows} authors, {tornAuthors} torn (seed {seed})");
        Assert.True(failures.IsEmpty, string.Join("\n", failures) + $"\n(seed {seed})");
        Assert.True(commits > 0 && includeRows > 0 && authorRows > 0, "the stress test ran no commits or no queries");
        Assert.Equal((0L, 0L, 0L), (tornInclude, tornWhere, tornAuthors));
    }
}
