using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;
using ZgDb.Migrations.EfCore;
using ZgDb.Migrations.Tests.Support;

namespace ZgDb.Migrations.Tests.QueryCheck;

/// <summary>
/// The EF Core check against the real databases: every query of the translating catalog runs on the exported
/// database and the check finds no problem; every query of the refused catalog throws on the real database exactly
/// where the check flags it, with the same EF Core message, and runs where it does not.
/// </summary>
public abstract class CatalogSuite(ExportBackend backend, ITestOutputHelper output) : IDisposable
{
    private EfCoreTarget Target => backend.Name == "SQLite" ? EfCoreTarget.Sqlite : EfCoreTarget.PostgreSql;

    public void Dispose() => backend.Dispose();

    [SkippableFact]
    public async Task Every_query_of_the_translating_catalog_runs_on_the_real_database_and_the_check_finds_no_problem()
    {
        backend.SkipIfUnavailable();
        using var db = ZgDatabase.OpenInMemory<BlogDb>(new ZgDbOptions().CheckEfCoreTranslation(Target, EfCheckAction.Record));
        BlogData.Fill(db, seed: 11);
        var target = backend.NewTarget();
        await ZgDbExporter.ExportAsync(db, target);
        var queries = TranslatingQueries.All.ToList();
        Assert.True(queries.Count >= 100, $"the catalog has {queries.Count} queries");
        var failures = new List<string>();
        foreach (var (name, query) in queries)
        {
            query(new ZgBlogSource(db));
            await using var context = new ZgDbReplayContext(db.Model, target.BuildOptions(null)); // tracking, as the check's default
            try
            {
                ResultText.Of(query(new EfBlogSource(context)));
            }
            catch (Exception e)
            {
                failures.Add($"{name}: the real {backend.Name} database refused it: {e.Message}");
            }
        }
        var report = EfCoreCheck.Report(db);
        output.WriteLine($"{queries.Count} queries, {report.Shapes.Count} shapes, {report.Differences.Count} silent-difference warnings");
        failures.AddRange(report.Failing.Select(f => $"the check flags {f.Query}: {f.Verdicts[0].Error}"));
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.True(report.Shapes.Count >= 100, $"{report.Shapes.Count} shapes");
        report.AssertAllTranslate();
    }

    [SkippableFact]
    public async Task Every_query_of_the_refused_catalog_is_flagged_for_its_providers_only_with_EF_Cores_message()
    {
        backend.SkipIfUnavailable();
        var options = new ZgDbOptions().CheckEfCoreTranslation(EfCoreTarget.All, EfCheckAction.Record);
        using var blog = ZgDatabase.OpenInMemory<BlogDb>(options);
        using var readings = ZgDatabase.OpenInMemory<ReadingDb>(options);
        BlogData.Fill(blog, seed: 11);
        SilentDifferenceSuite.Fill(readings);
        var blogTarget = backend.NewTarget();
        var readingTarget = backend.NewTarget();
        await ZgDbExporter.ExportAsync(blog, blogTarget);
        await ZgDbExporter.ExportAsync(readings, readingTarget);
        Assert.True(RefusedQueries.All.Count >= 30);
        Assert.True(RefusedQueries.All.Count(q => q.RefusedBy != EfCoreTarget.All) >= 20, "provider-specific refusals");

        var failures = new List<string>();
        int seen = 0;
        foreach (var (name, refusedBy, query) in RefusedQueries.All)
        {
            query(new RefusalRoots(blog.Users, blog.Posts, readings.Readings)); // ZgDb answers every one
            var shapes = EfCoreCheck.Report(blog).Shapes.Concat(EfCoreCheck.Report(readings).Shapes).ToList();
            Assert.True(shapes.Count == seen + 1, $"{name}: one new shape expected, {shapes.Count - seen} seen");
            seen = shapes.Count;
            var shape = shapes.Last(); // the shapes of the two databases: only one of them grew
            shape = EfCoreCheck.Report(blog).Shapes.Concat(EfCoreCheck.Report(readings).Shapes).Single(s => !_checked.Contains(s.Key) && _checked.Add(s.Key));
            var verdict = shape.Verdicts.Single(v => v.Target == Target);
            bool refused = refusedBy.HasFlag(Target);
            foreach (var other in shape.Verdicts)
                if (other.Translates == refusedBy.HasFlag(other.Target))
                    failures.Add($"{name}: the check says {(other.Translates ? "translates" : "refused")} on {other.Provider}, the catalog says the opposite: {other.Error}");

            await using var blogContext = new ZgDbReplayContext(blog.Model, blogTarget.BuildOptions(null));
            await using var readingContext = new ZgDbReplayContext(readings.Model, readingTarget.BuildOptions(null));
            string? actual = null;
            try
            {
                ResultText.Of(query(new RefusalRoots(blogContext.Set<User>(), blogContext.Set<Post>(), readingContext.Set<Reading>())));
            }
            catch (Exception e) when (e is InvalidOperationException or InvalidCastException or NotSupportedException or KeyNotFoundException)
            {
                actual = e.Message;
            }
            output.WriteLine($"{name} on {backend.Name}: check {(verdict.Translates ? "translates" : "refuses")}, database {(actual is null ? "runs it" : "refuses")}");
            if (refused != (actual is not null))
                failures.Add($"{name}: the real {backend.Name} database {(actual is null ? "ran it" : "refused it: " + actual)}, the catalog says {(refused ? "refused" : "translates")}");
            else if (refused && Explanation(actual!) != Explanation(verdict.Error!))
                failures.Add($"{name}: EF Core's message on the real database differs from the check's:\n  database: {actual}\n  check:    {verdict.Error}");
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private readonly HashSet<string> _checked = new(StringComparer.Ordinal);

    /// <summary>EF Core's message without the printed expression (whose captured values the check names differently).</summary>
    private static string Explanation(string message)
    {
        const string prefix = "The LINQ expression '";
        const string marker = "' could not be translated.";
        if (message.StartsWith(prefix, StringComparison.Ordinal) && message.IndexOf(marker, StringComparison.Ordinal) is int at and > 0)
            return message[(at + 1)..];
        return message;
    }
}

public sealed class SqliteCatalogTests(ITestOutputHelper output) : CatalogSuite(new SqliteExportBackend(), output);

[Collection("postgres")]
public sealed class PostgresCatalogTests(PostgresCluster cluster, ITestOutputHelper output) : CatalogSuite(new PostgresExportBackend(cluster), output);

/// <summary>The check observes; it never changes what a query returns.</summary>
public sealed class CheckDoesNotChangeResultsTests
{
    [Fact]
    public void Every_catalog_query_returns_the_same_result_with_the_check_on_as_off()
    {
        using var plain = ZgDatabase.OpenInMemory<BlogDb>();
        using var checkedDb = ZgDatabase.OpenInMemory<BlogDb>(new ZgDbOptions().CheckEfCoreTranslation(EfCoreTarget.All, EfCheckAction.Warn));
        using var plainReadings = ZgDatabase.OpenInMemory<ReadingDb>();
        using var checkedReadings = ZgDatabase.OpenInMemory<ReadingDb>(new ZgDbOptions().CheckEfCoreTranslation(EfCoreTarget.All, EfCheckAction.Warn));
        foreach (var db in new[] { plain, checkedDb }) BlogData.Fill(db, seed: 5);
        foreach (var db in new[] { plainReadings, checkedReadings }) SilentDifferenceSuite.Fill(db);
        // Guid keys of categories are random per fill: compare what does not print them
        foreach (var (name, query) in TranslatingQueries.All.Where(q => !q.Name.Contains("categor", StringComparison.OrdinalIgnoreCase) && !q.Name.Contains("first post", StringComparison.Ordinal)))
            Assert.True(ResultText.Of(query(new ZgBlogSource(plain))) == ResultText.Of(query(new ZgBlogSource(checkedDb))), name);
        foreach (var (name, _, query) in RefusedQueries.All)
            Assert.True(ResultText.Of(query(new RefusalRoots(plain.Users, plain.Posts, plainReadings.Readings)))
                        == ResultText.Of(query(new RefusalRoots(checkedDb.Users, checkedDb.Posts, checkedReadings.Readings))), name);
        Assert.NotEmpty(EfCoreCheck.Report(checkedDb).Failing);
    }
}
