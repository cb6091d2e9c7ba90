using Xunit.Abstractions;
using ZgDb.Migrations.QueryCheck;
using ZgDb.Migrations.Tests.Support;

namespace ZgDb.Migrations.Tests.QueryCheck;

/// <summary>Record mode writes each shape to a file; zgdb check-queries reads it back and asks EF Core again.</summary>
public sealed class RecordReplayTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("zgdb-efcheck-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Every_recorded_catalog_shape_replays_with_the_verdicts_of_the_run()
    {
        var blogFile = EfCoreCheck.RecordFileFor(Path.Combine(_dir, "blog"));
        var readingFile = EfCoreCheck.RecordFileFor(Path.Combine(_dir, "readings"));
        var settings = new EfCoreCheckSettings { OnProblem = EfCheckAction.Record };
        using var blog = ZgDatabase.OpenInMemory<BlogDb>(new ZgDbOptions().CheckEfCoreTranslation(settings with { RecordFile = blogFile }));
        using var readings = ZgDatabase.OpenInMemory<ReadingDb>(new ZgDbOptions().CheckEfCoreTranslation(settings with { RecordFile = readingFile }));
        BlogData.Fill(blog, seed: 4, users: 20);
        SilentDifferenceSuite.Fill(readings);
        foreach (var (_, query) in TranslatingQueries.All) query(new ZgBlogSource(blog));
        foreach (var (_, _, query) in RefusedQueries.All) query(new RefusalRoots(blog.Users, blog.Posts, readings.Readings));
        var recorded = EfCoreCheck.Report(blog).Shapes.Concat(EfCoreCheck.Report(readings).Shapes).ToDictionary(s => s.Key);
        Assert.True(recorded.Count >= 170, $"{recorded.Count} shapes");

        // the replay opens new databases of the same classes: nothing of the run is shared but the file
        using var blogAgain = ZgDatabase.OpenInMemory<BlogDb>();
        using var readingsAgain = ZgDatabase.OpenInMemory<ReadingDb>();
        var replayed = RecordedShape.Replay(blogFile, blogAgain, settings).Concat(RecordedShape.Replay(readingFile, readingsAgain, settings)).ToList();
        Assert.Equal(recorded.Count, replayed.Count);
        var mismatches = new List<string>();
        foreach (var shape in replayed)
        {
            if (shape.Shape is null)
            {
                mismatches.Add($"not replayed: {shape.Query}: {shape.NotReplayable}");
                continue;
            }
            var original = recorded[shape.Shape.Key];
            if (!original.Verdicts.Select(v => (v.Target, v.Translates, v.Sql)).SequenceEqual(shape.Shape.Verdicts.Select(v => (v.Target, v.Translates, v.Sql))))
                mismatches.Add($"{shape.Query}: run {string.Join(", ", original.Verdicts)}; replay {string.Join(", ", shape.Shape.Verdicts)}");
            if (!original.Differences.SequenceEqual(shape.Shape.Differences))
                mismatches.Add($"{shape.Query}: differences changed");
        }
        output.WriteLine($"{replayed.Count} shapes replayed");
        output.WriteLine(string.Join("\n", mismatches));
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    [Fact]
    public void A_damaged_record_file_is_refused_naming_the_line()
    {
        var file = Path.Combine(_dir, "bad.jsonl");
        File.WriteAllText(file, "{\"key\":\"k\",\"query\":\"q\"}\nnot json\n");
        using var db = ZgDatabase.OpenInMemory<BlogDb>();
        var e = Assert.Throws<ZgDbException>(() => RecordedShape.Replay(file, db, new EfCoreCheckSettings()));
        Assert.Contains("line 2", e.Message, StringComparison.Ordinal);
    }
}
