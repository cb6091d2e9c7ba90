using Microsoft.Extensions.Logging;
using ZgDb.Migrations.Tests.Support;

namespace ZgDb.Migrations.Tests.QueryCheck;

/// <summary>Warn, Throw and Record: what each does with a query EF Core refuses, and the report.</summary>
public sealed class CheckActionTests
{
    private static BlogDb Open(EfCheckAction action, RecordingLoggerFactory logs, EfCoreTarget targets = EfCoreTarget.PostgreSql)
    {
        var db = ZgDatabase.OpenInMemory<BlogDb>(new ZgDbOptions { LoggerFactory = logs }.CheckEfCoreTranslation(targets, onProblem: action));
        BlogData.Fill(db, seed: 2, users: 12);
        return db;
    }

    [Fact]
    public void Warn_logs_EF_Cores_message_once_per_shape_with_a_stable_event_id_and_the_call_site()
    {
        var logs = new RecordingLoggerFactory();
        using var db = Open(EfCheckAction.Warn, logs);
        foreach (var name in new[] { "ada", "grace", "alan" })
            Assert.Empty(db.Users.Where(u => MyHelper.Normalize(u.Name) == name).ToList()); // the query still runs, three times, one shape
        EfCoreCheck.Report(db); // waits for the background check
        var warning = Assert.Single(logs.Entries, e => e.Id == EfCoreCheckEvents.QueryWouldFail);
        Assert.Equal("ZgDb.EfCoreCheck", warning.Category);
        Assert.Equal(6001, warning.Id.Id);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.StartsWith("This query would fail on EF Core + PostgreSQL: The LINQ expression 'DbSet<User>()", warning.Message, StringComparison.Ordinal);
        Assert.Contains("MyHelper.Normalize(u.Name)", warning.Message, StringComparison.Ordinal);
        Assert.Contains("could not be translated", warning.Message, StringComparison.Ordinal);
        Assert.Contains("(at CheckActionTests.cs:", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Warn_logs_a_silent_difference_with_its_reason()
    {
        var logs = new RecordingLoggerFactory();
        using var db = Open(EfCheckAction.Warn, logs);
        db.Users.Where(u => u.Name.ToLower() == "ada 1").ToList();
        EfCoreCheck.Report(db);
        var warning = Assert.Single(logs.Entries, e => e.Id == EfCoreCheckEvents.QueryMayAnswerDifferently);
        Assert.Contains("(case-mapping)", warning.Message, StringComparison.Ordinal);
        Assert.Contains("only ASCII letters", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Throw_raises_before_the_query_runs_every_time_and_names_the_provider()
    {
        var logs = new RecordingLoggerFactory();
        using var db = Open(EfCheckAction.Throw, logs, EfCoreTarget.All);
        for (int i = 0; i < 2; i++)
        {
            var e = Assert.Throws<ZgDbEfCoreTranslationException>(() => db.Users.Where(u => MyHelper.Normalize(u.Name) == "ada").ToList());
            Assert.Equal("SQLite, PostgreSQL", e.Provider);
            Assert.Contains("could not be translated", e.EfCoreMessage, StringComparison.Ordinal);
            Assert.IsAssignableFrom<ZgDbException>(e);
            // the second throw proves the refused plan was not cached: the observer only sees plan-cache misses
        }
        // a provider-specific refusal throws for that provider only
        var sqliteOnly = Assert.Throws<ZgDbEfCoreTranslationException>(() => db.Users.SelectMany(u => u.Tags).Distinct().ToList());
        Assert.Equal("SQLite", sqliteOnly.Provider);
        Assert.Contains("APPLY", sqliteOnly.EfCoreMessage, StringComparison.Ordinal);
        // a query that translates runs
        Assert.Equal(12, db.Users.Count());
    }

    [Fact]
    public void Throw_on_PostgreSQL_only_lets_a_SQLite_only_refusal_run()
    {
        using var db = Open(EfCheckAction.Throw, new RecordingLoggerFactory(), EfCoreTarget.PostgreSql);
        Assert.NotEmpty(db.Users.SelectMany(u => u.Tags).Distinct().ToList());
    }

    [Fact]
    public void Record_logs_nothing_and_the_report_lists_every_shape_and_the_failing_ones()
    {
        var logs = new RecordingLoggerFactory();
        using var db = Open(EfCheckAction.Record, logs);
        db.Users.Where(u => u.Age > 30).ToList();
        db.Users.Where(u => MyHelper.Normalize(u.Name) == "ada").ToList();
        db.Posts.Count(p => p.Likes > 10);
        var report = EfCoreCheck.Report(db);
        Assert.DoesNotContain(logs.Entries, e => e.Category == EfCoreCheckEvents.Category);
        Assert.Equal(3, report.Shapes.Count);
        var failing = Assert.Single(report.Failing);
        Assert.Contains("MyHelper.Normalize", failing.Query, StringComparison.Ordinal);
        Assert.Contains("FULL SCAN User", failing.Plan, StringComparison.Ordinal);
        Assert.Contains("WHERE u.\"Age\" > 30", report.Shapes[0].Verdicts[0].Sql, StringComparison.Ordinal);
        var e = Assert.Throws<ZgDbEfCoreTranslationException>(report.AssertAllTranslate);
        Assert.StartsWith("1 of 3 query shapes would fail on EF Core.", e.Message, StringComparison.Ordinal);
        Assert.Contains("FAILS on PostgreSQL", e.Message, StringComparison.Ordinal);
        Assert.Contains("  ok    DbSet<Post>()", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_of_a_database_without_the_check_says_so()
    {
        using var db = ZgDatabase.OpenInMemory<BlogDb>();
        var e = Assert.Throws<InvalidOperationException>(() => EfCoreCheck.Report(db));
        Assert.Contains("CheckEfCoreTranslation", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cache_hit_does_not_call_the_observer()
    {
        var observer = new CountingObserver();
        using var db = ZgDatabase.OpenInMemory<BlogDb>(new ZgDbOptions { QueryObserver = observer });
        BlogData.Fill(db, seed: 2, users: 12);
        for (int age = 20; age < 30; age++) db.Users.Where(u => u.Age > age).ToList();
        Assert.Equal(1, observer.Calls);
    }

    private sealed class CountingObserver : ICompiledQueryObserver
    {
        public int Calls;
        public void OnCompiled(CompiledQueryEvent query) => Interlocked.Increment(ref Calls);
    }
}
