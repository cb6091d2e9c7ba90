using System.Text;
using ZgDb.Migrations.QueryCheck;
using ZgDb.Tooling;

namespace ZgDb.Migrations;

/// <summary>What the EF Core translation check saw on a database.</summary>
public static class EfCoreCheck
{
    /// <summary>
    /// Every query shape <paramref name="database"/> ran since it was opened with <c>CheckEfCoreTranslation</c>, with
    /// EF Core's verdicts; waits for the background checks still running.
    /// </summary>
    /// <exception cref="InvalidOperationException">The database's options have no EF Core check.</exception>
    /// <remarks>See also <see cref="RecordFileFor"/>.</remarks>
    public static EfCoreCheckReport Report(ZgDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        if (ZgDbTooling.QueryObserver(database) is not EfCoreTranslationCheck check)
            throw new InvalidOperationException($"{database.GetType().Name} was not opened with options.CheckEfCoreTranslation(...): there is no EF Core check to report.");
        return new EfCoreCheckReport(check.Drain(database));
    }

    /// <summary>
    /// Where <c>zgdb check-queries &lt;dir&gt;</c> looks for the shapes a run recorded: beside the database directory,
    /// <c>data/blog</c> -&gt; <c>data/blog.efcore-queries.jsonl</c>. Pass it as <see cref="EfCoreCheckSettings.RecordFile"/>.
    /// </summary>
    public static string RecordFileFor(string databaseDirectory) =>
        Path.TrimEndingDirectorySeparator(Path.GetFullPath(databaseDirectory)) + ".efcore-queries.jsonl";

    /// <summary>
    /// Reads <paramref name="recordFile"/> (the <see cref="EfCoreCheckSettings.RecordFile"/> a run of
    /// <paramref name="database"/>'s class wrote) and asks EF Core again, for <paramref name="settings"/>' targets,
    /// about every shape it holds (each once; the last record of a shape wins). What <c>zgdb check-queries</c> prints.
    /// The database's documents are not read: an in-memory database of the application's class is enough.
    /// </summary>
    /// <exception cref="ZgDbException">A line of the file is not a recorded shape (the message names the line).</exception>
    public static IReadOnlyList<EfCoreReplayedShape> Replay(string recordFile, ZgDatabase database, EfCoreCheckSettings settings)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(recordFile);
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(settings);
        return RecordedShape.Replay(recordFile, database, settings);
    }
}

/// <summary>One recorded query shape asked again (<see cref="EfCoreCheck.Replay"/>): the new verdicts, or why it cannot be replayed.</summary>
/// <param name="Query">The query as the run recorded it.</param>
/// <param name="Plan">ZgDb's plan for it.</param>
/// <param name="CallSite">Where the application ran it, when known.</param>
/// <param name="Shape">The shape with EF Core's new verdicts, or null when it could not be replayed.</param>
/// <param name="NotReplayable">Why it could not be replayed, or null.</param>
public sealed record EfCoreReplayedShape(string Query, string Plan, string? CallSite, EfCoreQueryShape? Shape, string? NotReplayable);

/// <summary>The query shapes the EF Core check saw, and those EF Core would refuse.</summary>
public sealed class EfCoreCheckReport
{
    internal EfCoreCheckReport(IReadOnlyList<EfCoreQueryShape> shapes) => Shapes = shapes;

    /// <summary>Every shape seen, in the order first seen.</summary>
    public IReadOnlyList<EfCoreQueryShape> Shapes { get; }

    /// <summary>The shapes some checked provider refuses.</summary>
    public IReadOnlyList<EfCoreQueryShape> Failing => [.. Shapes.Where(s => !s.Translates)];

    /// <summary>The silent differences found, over every shape.</summary>
    public IReadOnlyList<(EfCoreQueryShape Shape, EfCoreDifference Difference)> Differences => [.. Shapes.SelectMany(s => s.Differences.Select(d => (s, d)))];

    /// <summary>Throws, listing every shape seen and the ones that would fail, when any would fail.</summary>
    /// <exception cref="ZgDbEfCoreTranslationException">Some shape does not translate on a checked provider.</exception>
    public void AssertAllTranslate()
    {
        var failing = Failing;
        if (failing.Count == 0) return;
        var first = failing[0].Verdicts.First(v => !v.Translates);
        throw new ZgDbEfCoreTranslationException(ToString(), string.Join(", ", failing.SelectMany(f => f.Verdicts).Where(v => !v.Translates).Select(v => v.Provider).Distinct()),
            first.Error ?? "", failing[0].Query);
    }

    /// <summary>The shapes seen and the failing ones, as text.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        var failing = Failing;
        text.Append(failing.Count).Append(" of ").Append(Shapes.Count).Append(" query shapes would fail on EF Core.\n");
        foreach (var shape in failing)
            foreach (var verdict in shape.Verdicts.Where(v => !v.Translates))
                text.Append("FAILS on ").Append(verdict.Provider).Append(shape.CallSite is null ? "" : $" (at {shape.CallSite})").Append(": ").Append(shape.Query)
                    .Append("\n    ").Append(verdict.Error?.ReplaceLineEndings("\n    ")).Append('\n');
        text.Append("Shapes seen:\n");
        foreach (var shape in Shapes)
            text.Append(shape.Translates ? "  ok    " : "  FAILS ").Append(shape.Query).Append('\n');
        return text.ToString();
    }
}
