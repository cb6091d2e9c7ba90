using ZgDb.Migrations;

namespace ZgDb.Cli.Tests;

/// <summary><c>zgdb check-queries</c>: the shapes a run recorded, asked again through EF Core, as a table.</summary>
public sealed class CheckQueriesTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static string Shout(string text) => text.ToUpperInvariant() + "!";

    [Fact]
    public void Prints_each_recorded_shape_with_its_plan_verdict_per_provider_and_SQL_and_exits_1_when_one_would_fail()
    {
        var db = _temp["db"];
        var settings = new EfCoreCheckSettings { OnProblem = EfCheckAction.Record, RecordFile = EfCoreCheck.RecordFileFor(db) };
        using (var app = ZgDatabase.Open<PlainDb>(db, new ZgDbOptions().CheckEfCoreTranslation(settings)))
        {
            app.Notes.InsertMany(Enumerable.Range(1, 5).Select(i => new Note { Id = $"n{i}", Text = $"text {i}" }));
            string wanted = "n2";
            Assert.Single(app.Notes.Where(n => n.Id == wanted).ToList());
            Assert.Empty(app.Notes.Where(n => Shout(n.Text) == "X").ToList());
            EfCoreCheck.Report(app);
        }
        var result = Tool.Run("check-queries", db, "--assembly", typeof(PlainDb).Assembly.Location, "--database", nameof(PlainDb));
        Assert.True(result.Code == 1, result.ToString());
        Assert.Contains("2 query shapes, 1 would fail on EF Core", result.Output, StringComparison.Ordinal);
        Assert.Contains("SQLite", result.Output, StringComparison.Ordinal);
        Assert.Contains("PostgreSQL", result.Output, StringComparison.Ordinal);
        Assert.Contains("FAILS", result.Output, StringComparison.Ordinal);
        Assert.Contains("WHERE", result.Output, StringComparison.Ordinal);
        Assert.Contains("PRIMARY KEY SEEK", result.Output.ToUpperInvariant(), StringComparison.Ordinal);

        var missing = Tool.Run("check-queries", _temp["none"], "--assembly", typeof(PlainDb).Assembly.Location, "--database", nameof(PlainDb), "--target", "postgres");
        Assert.Equal(2, missing.Code);
        Assert.Contains("does not exist", missing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_queries_and_serve_named_no_database_class_found_where_export_listed_them()
    {
        // the three commands that load the application's class (export efcore, check-queries, serve) share one lookup:
        // a wrong name lists the classes the assembly has, in every one of them
        var assembly = typeof(PlainDb).Assembly.Location;
        var shapes = Path.Combine(_temp["a"], "shapes.jsonl");
        Directory.CreateDirectory(_temp["a"]);
        File.WriteAllText(shapes, "");
        var token = Path.Combine(_temp["a"], "token.txt");
        File.WriteAllText(token, "secret-token");
        foreach (var command in new[] { new[] { "check-queries", _temp["a"], "--assembly", assembly, "--database", "NoSuchDb", "--shapes", shapes },
                                        ["serve", _temp["d"], "--assembly", assembly, "--database", "NoSuchDb", "--token-file", token, "--urls", "http://127.0.0.1:0"],
                                        ["export", "efcore", _temp["b"], "--assembly", assembly, "--database", "NoSuchDb", "--provider", "sqlite", "--connection", "Data Source=" + Path.Combine(_temp["c"], "x.db")] })
        {
            var result = Tool.Run(command);
            Assert.Equal(2, result.Code);
            Assert.Contains("--database: ", result.Error, StringComparison.Ordinal);
            Assert.Contains("has no database class 'NoSuchDb' (it has: ", result.Error, StringComparison.Ordinal);
            Assert.Contains(typeof(PlainDb).FullName!, result.Error, StringComparison.Ordinal);
        }
    }

}
