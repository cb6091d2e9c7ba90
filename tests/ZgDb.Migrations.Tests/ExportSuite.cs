using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;
using ZgDb.Migrations.Export;
using ZgDb.Migrations.Tests.Support;

namespace ZgDb.Migrations.Tests;

/// <summary>The export suite, run once per provider (SQLite file, real PostgreSQL 15).</summary>
public abstract class ExportSuite(ExportBackend backend, ITestOutputHelper output) : IDisposable
{
    protected ExportBackend Backend { get; } = backend;
    protected ITestOutputHelper Output { get; } = output;

    public void Dispose() => Backend.Dispose();

    protected BlogDb OpenBlog(int seed, int users = 60)
    {
        Output.WriteLine($"{Backend.Name}: blog data seed {seed}");
        var db = ZgDatabase.OpenInMemory<BlogDb>();
        BlogData.Fill(db, seed, users);
        return db;
    }

    [SkippableFact]
    public async Task Export_copies_principals_first_and_verifies_counts_and_checksums()
    {
        Backend.SkipIfUnavailable();
        using var db = OpenBlog(seed: 11);
        var target = Backend.NewTarget();
        var progress = new RecordingProgress();
        var report = await ZgDbExporter.ExportAsync(db, target, new ExportOptions { BatchSize = 25 }, progress);
        Output.WriteLine(report.ToString());

        Assert.True(report.Committed);
        Assert.True(report.Verified);
        Assert.Equal(["Users", "Profiles", "Categories", "Posts", "Comments"], report.Tables.Select(t => t.Collection));
        foreach (var table in report.Tables)
        {
            long expected = db.GetStatistics().Collections.Single(c => c.Name == table.Collection).Count;
            Assert.Equal(expected, table.SourceRows);
            Assert.Equal(expected, table.TargetRows);
            Assert.Equal(table.SourceChecksum, table.TargetChecksum);
            var copies = progress.Reports.Where(p => p.Phase == ExportPhase.Copy && p.Collection == table.Collection).ToList();
            Assert.Equal(expected, copies[^1].Rows);
            Assert.All(copies, p => Assert.Equal(expected, p.Total));
            Assert.True(copies.Count >= 1 + (expected + 24) / 25, $"{table.Collection}: one report per batch");
        }
        Assert.Equal(ExportPhase.Done, progress.Reports[^1].Phase);
        Assert.Contains(report.Notes, n => n.Contains("Address.City", StringComparison.Ordinal));
        Assert.Subset(Backend.Tables(target).ToHashSet(), new HashSet<string> { "Users", "Profiles", "Categories", "Posts", "Comments" });
    }

    [SkippableFact]
    public async Task Multi_row_inserts_and_SaveChanges_store_the_same_content()
    {
        Backend.SkipIfUnavailable();
        using var db = OpenBlog(seed: 19);
        var bulk = await ZgDbExporter.ExportAsync(db, Backend.NewTarget(), new ExportOptions { BatchSize = 33 });
        var tracked = await ZgDbExporter.ExportAsync(db, Backend.NewTarget(), new ExportOptions { BatchSize = 33, UseSaveChanges = true });
        Assert.True(bulk.Verified && tracked.Verified);
        Assert.Equal(bulk.Tables.Select(t => (t.Collection, t.TargetRows, t.TargetChecksum)), tracked.Tables.Select(t => (t.Collection, t.TargetRows, t.TargetChecksum)));
    }

    [SkippableFact]
    public async Task Rows_read_back_equal_the_source_with_keys_preserved()
    {
        Backend.SkipIfUnavailable();
        using var db = OpenBlog(seed: 12);
        db.Users.Delete(5); // a gap in the keys must stay a gap
        var target = Backend.NewTarget();
        await ZgDbExporter.ExportAsync(db, target);

        await using var context = Backend.Context(db.Model, target);
        AssertSameRows(db.Users.ToList(), await context.Set<User>().ToListAsync(), u => u.Id, db.Users.Entity);
        AssertSameRows(db.Posts.ToList(), await context.Set<Post>().ToListAsync(), p => p.Id, db.Posts.Entity);
        AssertSameRows(db.Categories.ToList(), await context.Set<Category>().ToListAsync(), c => c.Id, db.Categories.Entity);
        AssertSameRows(db.Comments.ToList(), await context.Set<Comment>().ToListAsync(), c => c.Id, db.Comments.Entity);
        Assert.Null(await context.Set<User>().FirstOrDefaultAsync(u => u.Id == 5));
    }

    [SkippableFact]
    public async Task Every_supported_property_type_round_trips()
    {
        Backend.SkipIfUnavailable();
        int seed = Environment.TickCount;
        Output.WriteLine($"{Backend.Name}: everything seed {seed}");
        var random = new Random(seed);
        using var db = ZgDatabase.OpenInMemory<EverythingDb>();
        db.Items.InsertMany(Enumerable.Range(1, 40).Select(i => BlogData.RandomEverything(random, i)));
        var target = Backend.NewTarget();
        var report = await ZgDbExporter.ExportAsync(db, target);
        Assert.True(report.Verified, report.ToString());

        await using var context = Backend.Context(db.Model, target);
        var source = db.Items.ToList();
        var exported = await context.Set<Everything>().ToListAsync();
        AssertSameRows(source, exported, e => e.Code, db.Items.Entity);

        var first = exported.Single(e => e.Code == "item-0001");
        Assert.Equal(12.5m, first.Decimal);
        Assert.Equal(ulong.MaxValue, first.ULong);
        Assert.Equal(source[0].Text, first.Text);
        Assert.Equal(source[0].DateTimeOffset.UtcDateTime, first.DateTimeOffset.UtcDateTime);
        Assert.Equal(source[0].DateTime.Ticks, first.DateTime.Ticks);
        foreach (var (s, e) in source.Zip(exported.OrderBy(x => x.Code, StringComparer.Ordinal)))
        {
            Assert.Equal(s.Flags, e.Flags);
            Assert.Equal(s.UInt, e.UInt);
            Assert.Equal(s.Bytes, e.Bytes);
            Assert.Equal(s.Ints, e.Ints);
            Assert.Equal(s.Strings, e.Strings);
            Assert.Equal(s.Lines.Select(l => (l.Sku, l.Quantity, l.Price, l.ShipTo?.City)), e.Lines.Select(l => (l.Sku, l.Quantity, l.Price, l.ShipTo?.City)));
            Assert.Equal(s.Address?.Street, e.Address?.Street);
        }
    }

    [SkippableFact]
    public async Task Unsigned_short_and_byte_array_keys_and_records_export_with_their_keys()
    {
        Backend.SkipIfUnavailable();
        using var db = ZgDatabase.OpenInMemory<KeysDb>();
        db.Shippers.Insert(new Shipper { Id = 4_000_000_000, Name = "far" });
        var near = new Shipper { Name = "near" };
        db.Shippers.Insert(near);
        db.Shipments.Insert(new Shipment { Id = ulong.MaxValue, ShipperId = 4_000_000_000, Weight = 60_000 });
        db.Shipments.Insert(new Shipment { ShipperId = near.Id, Weight = 3 });
        db.Blobs.Insert(new Blob { Id = [0xff, 0x00], Name = "ff00" });
        db.Blobs.Insert(new Blob { Id = [0x01], Name = "01" });
        db.Badges.Insert(new Badge(0, "first", new DateOnly(2024, 1, 1)));
        db.Badges.Insert(new Badge(-7, "negative", new DateOnly(1999, 12, 31)));
        var report = await ZgDbExporter.ExportAsync(db, Backend.NewTarget());
        Assert.True(report.Verified, report.ToString());

        var target = Backend.NewTarget();
        await ZgDbExporter.ExportAsync(db, target);
        await using var context = Backend.Context(db.Model, target);
        AssertSameRows(db.Shippers.ToList(), await context.Set<Shipper>().ToListAsync(), s => s.Id, db.Shippers.Entity);
        AssertSameRows(db.Shipments.ToList(), await context.Set<Shipment>().ToListAsync(), s => s.Id, db.Shipments.Entity);
        AssertSameRows(db.Blobs.ToList(), await context.Set<Blob>().ToListAsync(), b => Convert.ToHexString(b.Id), db.Blobs.Entity);
        AssertSameRows(db.Badges.ToList(), await context.Set<Badge>().ToListAsync(), b => b.Id, db.Badges.Entity);
        Assert.Equal("far", (await context.Set<Shipper>().SingleAsync(s => s.Id == 4_000_000_000u)).Name);
        Assert.Equal([ulong.MaxValue, 1ul], (await context.Set<Shipment>().ToListAsync()).Select(s => s.Id).OrderByDescending(i => i));
    }

    [SkippableFact]
    public async Task Relationships_and_delete_behaviours_act_in_the_target()
    {
        Backend.SkipIfUnavailable();
        using var db = OpenBlog(seed: 13);
        var target = Backend.NewTarget();
        await ZgDbExporter.ExportAsync(db, target);
        await using var context = Backend.Context(db.Model, target);

        var author = db.Users.Where(u => u.Posts.Count > 0).OrderBy(u => u.Id).First();
        var postIds = db.Posts.Where(p => p.AuthorId == author.Id).Select(p => p.Id).ToList();
        Assert.Equal(postIds.Count, await context.Set<Post>().CountAsync(p => p.AuthorId == author.Id));
        await context.Set<User>().Where(u => u.Id == author.Id).ExecuteDeleteAsync();  // Cascade: posts and their comments go too
        Assert.Equal(0, await context.Set<Post>().CountAsync(p => p.AuthorId == author.Id));
        Assert.Equal(0, await context.Set<Comment>().CountAsync(c => postIds.Contains(c.PostId)));

        var root = db.Categories.First(c => c.ParentId == null && c.Children.Count > 0);
        await Assert.ThrowsAnyAsync<Exception>(() => context.Set<Category>().Where(c => c.Id == root.Id).ExecuteDeleteAsync()); // Restrict

        var categories = db.Categories.ToList();
        var leaf = categories.First(c => categories.All(x => x.ParentId != c.Id) && db.Posts.Any(p => p.CategoryId == c.Id)).Id;
        int inLeaf = await context.Set<Post>().CountAsync(p => p.CategoryId == leaf);
        int uncategorized = await context.Set<Post>().CountAsync(p => p.CategoryId == null);
        Assert.True(inLeaf > 0);
        await context.Set<Category>().Where(c => c.Id == leaf).ExecuteDeleteAsync(); // SetNull
        Assert.Equal(0, await context.Set<Post>().CountAsync(p => p.CategoryId == leaf));
        Assert.Equal(uncategorized + inLeaf, await context.Set<Post>().CountAsync(p => p.CategoryId == null));
        Assert.Equal(db.Users.LongCount(), db.GetStatistics().Collections.Single(c => c.Name == "Users").Count); // the source is untouched
        Assert.NotNull(db.Users.Find(author.Id));
    }

    [SkippableFact]
    public async Task A_cancelled_export_rolls_the_target_back_and_leaves_the_source_unchanged()
    {
        Backend.SkipIfUnavailable();
        using var dir = new TempDirectory();
        var db = ZgDatabase.Open<BlogDb>(dir.Path);
        BlogData.Fill(db, seed: 14);
        await db.FlushAsync();
        db.Checkpoint();
        var before = Fingerprint(db);
        var filesBefore = HashFiles(dir.Path);

        var target = Backend.NewTarget();
        using var cancel = new CancellationTokenSource();
        var progress = new RecordingProgress(p => { if (p.Collection == "Posts" && p.Rows >= 20) cancel.Cancel(); });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            ZgDbExporter.ExportAsync(db, target, new ExportOptions { BatchSize = 20 }, progress, cancel.Token));

        Assert.Contains(progress.Reports, p => p.Collection == "Posts" && p.Rows == 20); // it was cancelled midway
        Assert.Empty(Backend.Tables(target));
        Assert.Equal(before, Fingerprint(db));
        Assert.Equal(filesBefore, HashFiles(dir.Path));
        db.Dispose();
    }

    [SkippableFact]
    public async Task A_target_that_refuses_the_schema_is_rolled_back()
    {
        Backend.SkipIfUnavailable();
        using var db = OpenBlog(seed: 15);
        var target = Backend.NewTarget();
        Backend.Execute(target, "CREATE TABLE \"Posts\" (\"Other\" integer)");
        var before = Fingerprint(db);

        var error = await Assert.ThrowsAsync<ZgDbExportException>(() => ZgDbExporter.ExportAsync(db, target));
        Output.WriteLine(error.Message);
        Assert.Contains("refused the schema", error.Message);
        Assert.Equal(["Posts"], Backend.Tables(target)); // the tables created before the failure are gone
        Assert.Equal(before, Fingerprint(db));
    }

    [SkippableFact]
    public async Task The_same_linq_queries_return_the_same_results()
    {
        Backend.SkipIfUnavailable();
        using var db = OpenBlog(seed: 16, users: 80);
        var target = Backend.NewTarget();
        await ZgDbExporter.ExportAsync(db, target);
        var zg = new ZgBlogSource(db);
        var failures = new List<string>();
        var queries = SameLinqQueries.All;
        Assert.True(queries.Count >= 50, $"{queries.Count} queries");
        foreach (var (name, query) in queries)
        {
            await using var context = Backend.Context(db.Model, target);
            var ef = new EfBlogSource(context);
            string expected, actual;
            try
            {
                expected = ResultText.Of(query(zg));
            }
            catch (Exception e)
            {
                failures.Add($"{name}: ZgDb threw {e.GetType().Name}: {e.Message}");
                continue;
            }
            try
            {
                actual = ResultText.Of(query(ef));
            }
            catch (Exception e)
            {
                failures.Add($"{name}: {Backend.Name} threw {e.GetType().Name}: {e.Message}");
                continue;
            }
            if (expected != actual) failures.Add($"{name}:\n  ZgDb: {expected}\n  {Backend.Name}: {actual}");
        }
        Output.WriteLine($"{queries.Count - failures.Count} of {queries.Count} queries agree");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    protected void AssertSameRows<T, TKey>(List<T> source, List<T> exported, Func<T, TKey> key, EntityType entity) where T : class where TKey : notnull
    {
        Assert.Equal(source.Count, exported.Count);
        var byKey = exported.ToDictionary(key);
        foreach (var row in source)
        {
            Assert.True(byKey.TryGetValue(key(row), out var copy), $"{entity.Name} {key(row)} missing in the target");
            Assert.Equal(ContentChecksum.CanonicalText(row, entity.Properties), ContentChecksum.CanonicalText(copy!, entity.Properties));
        }
    }

    protected static string Fingerprint(ZgDatabase db)
    {
        var stats = db.GetStatistics();
        return $"{stats.LastLsn}|{string.Join(",", stats.Collections.Select(c => $"{c.Name}={c.Count}"))}|{db.Model.Stored.Fingerprint}";
    }

    private static Dictionary<string, string> HashFiles(string directory) =>
        Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".lock", StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(directory, f), f => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(f))));
}

public sealed class SqliteExportTests(ITestOutputHelper output) : ExportSuite(new SqliteExportBackend(), output)
{
    [Fact]
    public async Task A_created_sqlite_file_is_deleted_when_the_export_fails()
    {
        using var db = OpenBlog(seed: 17);
        var target = Backend.NewTarget();
        using var cancel = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ZgDbExporter.ExportAsync(db, target, new ExportOptions { BatchSize = 10 },
            new RecordingProgress(p => { if (p.Rows >= 10) cancel.Cancel(); }), cancel.Token));
        Assert.False(File.Exists(target.FilePath));
    }
}

[Collection("postgres")]
public sealed class PostgresExportTests(PostgresCluster cluster, ITestOutputHelper output) : ExportSuite(new PostgresExportBackend(cluster), output)
{
    [SkippableFact]
    public async Task A_row_postgresql_refuses_rolls_the_export_back()
    {
        Backend.SkipIfUnavailable();
        using var db = OpenBlog(seed: 18);
        var post = db.Posts.Find(3)!;
        post.Title = "nul \0 inside"; // PostgreSQL text cannot hold U+0000; SQLite can
        db.Posts.Update(post);
        var target = Backend.NewTarget();

        var error = await Assert.ThrowsAsync<ZgDbExportException>(() => ZgDbExporter.ExportAsync(db, target, new ExportOptions { BatchSize = 50 }));
        Output.WriteLine(error.Message);
        Assert.Equal("Posts", error.Collection);
        var report = Assert.IsType<ExportReport>(error.Detail);
        Assert.False(report.Committed);
        Assert.Equal(["Users", "Profiles", "Categories"], report.Tables.Select(t => t.Collection));
        Assert.Empty(Backend.Tables(target));
        Assert.Equal("nul \0 inside", db.Posts.Find(3)!.Title);
    }
}
