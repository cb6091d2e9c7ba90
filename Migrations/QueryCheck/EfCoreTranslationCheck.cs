using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;

namespace ZgDb.Migrations.QueryCheck;

/// <summary>
/// The query observer <c>CheckEfCoreTranslation</c> installs. Each shape is checked once per database: on the
/// querying thread for <see cref="EfCheckAction.Throw"/> (the query must not run), otherwise on a background queue
/// (<see cref="Drain"/> waits for it). Warnings go to the options' logger, category <c>ZgDb.EfCoreCheck</c>.
/// </summary>
internal sealed class EfCoreTranslationCheck : ICompiledQueryObserver
{
    private readonly ZgDbOptions _options;
    private readonly ConditionalWeakTable<DatabaseModel, EfTranslator[]> _translators = new();
    private readonly ConditionalWeakTable<object, DatabaseShapes> _databases = new();
    private readonly object _queueLock = new();
    private readonly object _fileLock = new();
    private Task _queue = Task.CompletedTask;

    public EfCoreTranslationCheck(ZgDbOptions options, EfCoreCheckSettings settings)
    {
        _options = options;
        Settings = settings;
    }

    public EfCoreCheckSettings Settings { get; }

    public void OnCompiled(CompiledQueryEvent query)
    {
        var shapes = _databases.GetValue(query.Database, _ => new DatabaseShapes());
        if (shapes.Seen.TryGetValue(query.Shape, out var known))
        {
            // seen before (the plan cache let it go, or a refused shape runs again: its plan was never cached)
            if (Settings.OnProblem == EfCheckAction.Throw) ThrowIfRefused(known);
            return;
        }
        var callSite = CallSite();
        if (Settings.OnProblem == EfCheckAction.Throw)
        {
            ThrowIfRefused(Check(query, callSite, shapes));
            return;
        }
        lock (_queueLock) _queue = _queue.ContinueWith(_ => Check(query, callSite, shapes), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
    }

    private static void ThrowIfRefused(EfCoreQueryShape shape)
    {
        var refused = shape.Verdicts.Where(v => !v.Translates && v.CheckRan).ToList();
        if (refused.Count == 0) return;
        throw new ZgDbEfCoreTranslationException(
            $"This query would fail on EF Core + {string.Join(" and ", refused.Select(f => f.Provider))}{At(shape.CallSite)}: {refused[0].Error}",
            string.Join(", ", refused.Select(f => f.Provider)), refused[0].Error!, shape.Query);
    }

    /// <summary>Waits until every shape seen so far is checked; returns those of <paramref name="database"/>.</summary>
    public IReadOnlyList<EfCoreQueryShape> Drain(object database)
    {
        Task queue;
        lock (_queueLock) queue = _queue;
        queue.Wait();
        return _databases.TryGetValue(database, out var shapes) ? shapes.InOrder() : [];
    }

    private EfCoreQueryShape Check(CompiledQueryEvent query, string? callSite, DatabaseShapes shapes)
    {
        var translators = _translators.GetValue(query.Model, model =>
            [.. new[] { EfCoreTarget.Sqlite, EfCoreTarget.PostgreSql }.Where(t => Settings.Targets.HasFlag(t)).Select(t => new EfTranslator(model, t, Settings))]);
        var verdicts = new List<EfCoreVerdict>();
        string printed = query.Query.ToString();
        foreach (var translator in translators) verdicts.Add(translator.Translate(query, out printed));
        var differences = SilentDifferences.Find(query.Query, Settings, verdicts);
        var shape = new EfCoreQueryShape(query.Shape, printed, query.Plan, callSite, verdicts, differences);
        if (!shapes.Seen.TryAdd(query.Shape, shape)) return shapes.Seen[query.Shape];
        shapes.Order.Enqueue(query.Shape);
        if (Settings.OnProblem != EfCheckAction.Record) Log(shape);
        if (Settings.RecordFile is { } file) Append(file, query, shape);
        return shape;
    }

    private void Log(EfCoreQueryShape shape)
    {
        var logger = _options.LoggerFactory?.CreateLogger(EfCoreCheckEvents.Category) ?? _options.Logger;
        foreach (var verdict in shape.Verdicts.Where(v => !v.Translates))
        {
            if (verdict.CheckRan)
                logger.LogWarning(EfCoreCheckEvents.QueryWouldFail, "This query would fail on EF Core + {Provider}: {EfCoreMessage}{At}",
                    verdict.Provider, verdict.Error, At(shape.CallSite));
            else
                logger.LogWarning(EfCoreCheckEvents.CheckNotRun, "The EF Core check could not run for a query on {Provider}: {Reason} Query: {Query}{At}",
                    verdict.Provider, verdict.Error, shape.Query, At(shape.CallSite));
        }
        foreach (var difference in shape.Differences)
            logger.LogWarning(EfCoreCheckEvents.QueryMayAnswerDifferently, "This query may answer differently on EF Core + {Provider} ({Rule}): {Reason} Query: {Query}{At}",
                difference.Provider, difference.Rule, difference.Reason, shape.Query, At(shape.CallSite));
    }

    private void Append(string file, CompiledQueryEvent query, EfCoreQueryShape shape)
    {
        var line = RecordedShape.ToJsonLine(query, shape);
        lock (_fileLock) File.AppendAllText(file, line + "\n");
    }

    private static string At(string? callSite) => callSite is null ? "" : $" (at {callSite})";

    /// <summary>The first frame outside ZgDb, System and Microsoft code that has a source line (symbols present).</summary>
    private static string? CallSite()
    {
        foreach (var frame in new StackTrace(2, fNeedFileInfo: true).GetFrames())
        {
            var module = frame.GetMethod()?.Module.Assembly.GetName().Name ?? "";
            if (module.StartsWith("ZgDb", StringComparison.Ordinal) && !module.EndsWith("Tests", StringComparison.Ordinal)
                || module.StartsWith("System", StringComparison.Ordinal) || module.StartsWith("Microsoft", StringComparison.Ordinal)
                || module.StartsWith("Remotion", StringComparison.Ordinal) || module.StartsWith("xunit", StringComparison.Ordinal))
                continue;
            if (frame.GetFileName() is { } path) return $"{Path.GetFileName(path)}:{frame.GetFileLineNumber()}";
        }
        return null;
    }

    private sealed class DatabaseShapes
    {
        public readonly ConcurrentDictionary<string, EfCoreQueryShape> Seen = new(StringComparer.Ordinal);
        public readonly ConcurrentQueue<string> Order = new();

        public IReadOnlyList<EfCoreQueryShape> InOrder() => [.. Order.Select(k => Seen[k])];
    }
}
