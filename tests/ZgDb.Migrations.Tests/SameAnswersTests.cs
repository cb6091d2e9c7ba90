using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;
using ZgDb.Migrations.Export;
using ZgDb.Migrations.Tests.Support;

namespace ZgDb.Migrations.Tests;

/// <summary>
/// "The same answers on the other side": the export suite's queries plus probes of the known differences, run on ZgDb
/// and on the exported database. Every query whose answer differs (or that EF Core cannot translate) must be listed,
/// with that outcome, in docs/MIGRATIONS.md's table "The same answers"; every listed one must still differ. A
/// difference that appears or disappears fails the test.
/// </summary>
public abstract class SameAnswersSuite(ExportBackend backend, ITestOutputHelper output) : IDisposable
{
    protected ExportBackend Backend { get; } = backend;

    /// <summary>The export's options (a string collation, for the variant that emits one).</summary>
    protected virtual ExportOptions Options => new();

    /// <summary>The column of docs/MIGRATIONS.md's table this variant answers for.</summary>
    protected virtual string Column => Backend.Name;

    public void Dispose() => Backend.Dispose();

    [SkippableFact]
    public async Task Every_difference_between_ZgDb_and_the_exported_database_is_the_documented_one()
    {
        Backend.SkipIfUnavailable();
        using var db = ZgDatabase.OpenInMemory<BlogDb>();
        BlogData.Fill(db, seed: 31);
        SameAnswersProbes.AddProbeData(db);
        var target = Backend.NewTarget();
        await ZgDbExporter.ExportAsync(db, target, Options);

        var zg = new ZgBlogSource(db);
        var observed = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, query) in SameLinqQueries.All.Concat(SameAnswersProbes.All))
        {
            await using var context = Backend.Context(db.Model, target);
            var outcome = SameAnswersProbes.Outcome(() => query(zg), () => query(new EfBlogSource(context)), out var detail);
            output.WriteLine($"{name}: {outcome}{detail}");
            if (outcome != "same") observed[name] = outcome;
        }

        var documented = SameAnswersProbes.Documented(Column);
        var report = string.Join("\n", observed.Select(o => $"| {o.Key} | {o.Value} |"));
        output.WriteLine($"Observed differences on {Column}:\n{report}");
        Assert.True(documented.SequenceEqual(observed), $"docs/MIGRATIONS.md's table 'The same answers' does not list what {Column} does.\n" +
            $"Documented: {string.Join("; ", documented.Select(d => $"{d.Key} = {d.Value}"))}\nObserved:   {string.Join("; ", observed.Select(d => $"{d.Key} = {d.Value}"))}");
    }
}

public sealed class SqliteSameAnswersTests(ITestOutputHelper output) : SameAnswersSuite(new SqliteExportBackend(), output);

[Collection("postgres")]
public sealed class PostgresSameAnswersTests(PostgresCluster cluster, ITestOutputHelper output) : SameAnswersSuite(new PostgresExportBackend(cluster), output);

/// <summary>PostgreSQL with ICU's root collation on every string column: strings order and compare as .NET's culture-aware comparer.</summary>
[Collection("postgres")]
public sealed class PostgresIcuCollationSameAnswersTests(PostgresCluster cluster, ITestOutputHelper output) : SameAnswersSuite(new PostgresExportBackend(cluster), output)
{
    protected override ExportOptions Options => new() { StringCollation = "und-x-icu" };
    protected override string Column => "PostgreSQL, und-x-icu";
}

/// <summary>The probes of the known differences, the extra rows they need, and the documented table.</summary>
public static class SameAnswersProbes
{
    /// <summary>Users whose names differ in case, accents, scripts and surrogate pairs from BlogData's ASCII ones.</summary>
    public static void AddProbeData(BlogDb db)
    {
        string[] names = ["adam 1001", "Émile 1002", "zoë 1003", "Øystein 1004", "\U0001F600 smile 1005", "grace 1006", "ÉMILE 1007", "\uFF21 fullwidth 1008"];
        for (int i = 0; i < names.Length; i++)
            db.Users.Insert(new User
            {
                Id = 1001 + i, Name = names[i], Email = $"probe{i}@example.com", Age = 30 + i, Balance = 10.5m * i,
                CreatedUtc = new DateTime(2024, 5, 1 + i, 0, 0, 0, DateTimeKind.Utc), Tags = i % 2 == 0 ? ["Red", "red"] : [],
                Address = i % 3 == 0 ? null : new Address { City = "Oslo", Street = i % 2 == 0 ? null : $"{i} Probe St", Zip = 1000 + i },
            });
    }

    public static readonly List<(string Name, Func<IBlogSource, object?> Query)> All =
    [
        ("probe: order by name with case, accents, surrogates", s => s.Users.OrderBy(u => u.Name).ThenBy(u => u.Id).Select(u => u.Name).ToList()),
        ("probe: CompareTo on names", s => s.Users.Where(u => u.Name.CompareTo("b") > 0).OrderBy(u => u.Id).Select(u => u.Id).ToList()),
        ("probe: StartsWith lower-case prefix", s => s.Users.Where(u => u.Name.StartsWith("gr")).OrderBy(u => u.Id).Select(u => u.Id).ToList()),
        ("probe: Contains lower-case", s => s.Users.Where(u => u.Name.Contains("grace")).OrderBy(u => u.Id).Select(u => u.Id).ToList()),
        ("probe: ToLower of non-ASCII", s => s.Users.Where(u => u.Name.ToLower().StartsWith("émile")).OrderBy(u => u.Id).Select(u => u.Id).ToList()),
        ("probe: ToUpper of non-ASCII", s => s.Users.Where(u => u.Name.ToUpper() == "ZOË 1003").Select(u => u.Id).ToList()),
        ("probe: Length of a surrogate pair", s => s.Users.Where(u => u.Id >= 1001).OrderBy(u => u.Id).Select(u => u.Name.Length).ToList()),
        ("probe: order by nullable string", s => s.Users.OrderBy(u => u.Address == null ? null : u.Address.Street).ThenBy(u => u.Id).Select(u => u.Id).ToList()),
        ("probe: order by decimal? (nulls)", s => s.Users.OrderBy(u => u.Address == null ? (decimal?)null : u.Balance).ThenBy(u => u.Id).Select(u => u.Id).ToList()),
        ("probe: order by decimal? descending (nulls)", s => s.Users.OrderByDescending(u => u.Address == null ? (decimal?)null : u.Balance).ThenBy(u => u.Id).Select(u => u.Id).ToList()),
        ("probe: order by Guid key", s => s.Categories.OrderBy(c => c.Id).Select(c => c.Name).ToList()),
        ("probe: string.Equals OrdinalIgnoreCase", s => s.Users.Where(u => string.Equals(u.Name, "GRACE 1006", StringComparison.OrdinalIgnoreCase)).Select(u => u.Id).ToList()),
        ("probe: SelectMany primitive collection Distinct", s => s.Users.SelectMany(u => u.Tags).Distinct().OrderBy(t => t).ToList()),
        ("probe: order by primitive collection element", s => s.Users.Where(u => u.Tags.Count > 0).OrderBy(u => u.Tags[0]).ThenBy(u => u.Id).Select(u => u.Id).ToList()),
        ("probe: average of decimals", s => s.Users.Average(u => u.Balance)),
        ("probe: sum of doubles from ints", s => s.Users.Sum(u => u.Age / 7.0)),
        ("probe: distinct names ignoring case (ToLower)", s => s.Users.Select(u => u.Name.ToLower()).Distinct().Count()),
    ];

    /// <summary>same, different, not translated (EF Core throws), or zgdb throws.</summary>
    public static string Outcome(Func<object?> zg, Func<object?> ef, out string detail)
    {
        string expected;
        try
        {
            expected = ResultText.Of(zg());
        }
        catch (Exception e)
        {
            detail = $" ({e.GetType().Name}: {e.Message})";
            return "zgdb throws";
        }
        string actual;
        try
        {
            actual = ResultText.Of(ef());
        }
        catch (InvalidOperationException e) when (e.Message.Contains("could not be translated", StringComparison.Ordinal) || e.Message.Contains("not supported on SQLite", StringComparison.Ordinal))
        {
            detail = $" ({e.Message.Split('\n')[0]})";
            return "not translated";
        }
        detail = expected == actual ? "" : $"\n  ZgDb: {expected}\n  EF:   {actual}";
        return expected == actual ? "same" : "different";
    }

    /// <summary>The rows of docs/MIGRATIONS.md's table between the same-answers markers: query -> outcome on <paramref name="provider"/>.</summary>
    public static SortedDictionary<string, string> Documented(string provider)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "docs", "MIGRATIONS.md"))) dir = dir.Parent;
        Assert.NotNull(dir);
        var text = File.ReadAllText(Path.Combine(dir!.FullName, "docs", "MIGRATIONS.md"));
        var table = Regex.Match(text, "<!-- same-answers:begin -->(.*?)<!-- same-answers:end -->", RegexOptions.Singleline);
        Assert.True(table.Success, "docs/MIGRATIONS.md has no same-answers table");
        var lines = table.Groups[1].Value.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith('|')).ToList();
        var header = lines[0].Split('|').Select(c => c.Trim()).ToList();
        int column = header.IndexOf(provider);
        Assert.True(column > 0, $"the same-answers table has no column {provider}");
        var documented = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(2))
        {
            var cells = line.Split('|').Select(c => c.Trim()).ToList();
            var outcome = cells[column];
            if (outcome != "same") documented[cells[1].Trim('`')] = outcome;
        }
        return documented;
    }
}
