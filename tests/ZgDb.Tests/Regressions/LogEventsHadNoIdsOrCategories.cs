using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using ZgDb.Tests.Support;

namespace ZgDb.Tests.Regressions;

/// <summary>
/// Issue 18 §2: every event ZgDb logged had event id 0 and one category. Events now carry stable ids
/// (<see cref="ZgDbEvents"/>) and, with <see cref="ZgDbOptions.LoggerFactory"/>, go to per-area categories
/// (<see cref="ZgDbLogCategories"/>).
/// </summary>
public sealed class LogEventsHadNoIdsOrCategories : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Every_event_id_is_unique_non_zero_and_named_after_its_field()
    {
        var events = typeof(ZgDbEvents).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (f.Name, Id: (EventId)f.GetValue(null)!)).ToList();
        Assert.NotEmpty(events);
        Assert.All(events, e => Assert.True(e.Id.Id > 0 && e.Id.Name == e.Name, $"{e.Name}: {e.Id}"));
        Assert.Equal(events.Count, events.Select(e => e.Id.Id).Distinct().Count());
    }

    [Fact]
    public void Every_log_call_of_the_library_passes_an_event_id()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "ZgDb.sln"))) root = root.Parent;
        Assert.NotNull(root);
        var call = new Regex(@"\bLog(Trace|Debug|Information|Warning|Error|Critical)\(", RegexOptions.Compiled);
        var missing = new List<string>();
        int calls = 0;
        foreach (var folder in new[] { "Storage.Chunks", "Linq", "Model", "Hosting", "Server", "Client" })
            foreach (var file in Directory.EnumerateFiles(Path.Combine(root.FullName, folder), "*.cs", SearchOption.AllDirectories)
                         .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")))
            {
                var lines = File.ReadAllLines(file);
                for (int i = 0; i < lines.Length; i++)
                {
                    if (!call.IsMatch(lines[i]) || lines[i].TrimStart().StartsWith("///", StringComparison.Ordinal)) continue;
                    calls++;
                    var text = string.Join(" ", lines.Skip(i).Take(2));
                    if (!text.Contains("ZgDbEvents.", StringComparison.Ordinal)) missing.Add($"{Path.GetRelativePath(root.FullName, file)}:{i + 1}");
                }
            }
        Assert.True(calls >= 20, $"found only {calls} log calls: the scan is looking in the wrong place");
        Assert.True(missing.Count == 0, "log calls without a ZgDbEvents id: " + string.Join(", ", missing));
    }

    [Fact]
    public void Recovery_and_checkpoint_events_go_to_their_categories_with_their_ids()
    {
        var factory = new RecordingLoggerFactory();
        var options = new ZgDbOptions { LoggerFactory = factory, Checkpoint = new CheckpointPolicy { OnDispose = false, MaxChangedDocuments = int.MaxValue, MaxWalBytes = long.MaxValue } };
        using (var db = ZgDatabase.Open<TestDb>(_dir.Path, options))
        {
            db.Users.Insert(Data.User(1));
            db.Checkpoint();
            db.Users.Insert(Data.User(2)); // left in the log: the next open replays it
        }
        using (var db = ZgDatabase.Open<TestDb>(_dir.Path, options))
            Assert.Equal(2, db.Users.Count());
        Assert.Contains(factory.Entries, e => e.Category == ZgDbLogCategories.Storage && e.Id == ZgDbEvents.CheckpointCompleted && e.Level == LogLevel.Debug);
        Assert.Contains(factory.Entries, e => e.Category == ZgDbLogCategories.Recovery && e.Id == ZgDbEvents.WalReplayed && e.Level == LogLevel.Information);
        Assert.DoesNotContain(factory.Entries, e => e.Id.Id == 0);
    }

    [Fact]
    public void Without_a_factory_every_event_goes_to_the_one_logger()
    {
        var logger = new ListLogger();
        using (var db = ZgDatabase.Open<TestDb>(_dir.Path, new ZgDbOptions { Logger = logger, Checkpoint = new CheckpointPolicy { OnDispose = false } }))
        {
            db.Users.Insert(Data.User(1));
            db.Checkpoint();
        }
        Assert.Contains(logger.Entries, e => e.Message.Contains("checkpoint at LSN"));
    }

    private sealed class RecordingLoggerFactory : ILoggerFactory
    {
        public List<(string Category, LogLevel Level, EventId Id, string Message)> Entries { get; } = [];

        public ILogger CreateLogger(string categoryName) => new Recorder(this, categoryName);
        public void AddProvider(ILoggerProvider provider) { }
        public void Dispose() { }

        private sealed class Recorder(RecordingLoggerFactory factory, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => true;
            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (factory.Entries) factory.Entries.Add((category, logLevel, eventId, formatter(state, exception)));
            }
        }
    }
}
