using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ZgDb.Migrations.Tests.QueryCheck;

/// <summary>A logger factory that keeps every entry (category, event id, level, message).</summary>
public sealed class RecordingLoggerFactory : ILoggerFactory
{
    public ConcurrentQueue<(string Category, EventId Id, LogLevel Level, string Message)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);
    public void AddProvider(ILoggerProvider provider) { }
    public void Dispose() { }

    private sealed class Logger(RecordingLoggerFactory owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue((category, eventId, logLevel, formatter(state, exception)));
    }
}

/// <summary>A method EF Core cannot translate (it is the application's own code).</summary>
public static class MyHelper
{
    public static string Normalize(string name) => name.Trim().ToLowerInvariant();
}

/// <summary>Types SQLite stores as text: the rules about ordering them.</summary>
public class Reading
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public decimal Amount { get; set; }
    public DateTimeOffset At { get; set; }
    public TimeSpan Duration { get; set; }
    public int? Rank { get; set; }
    public string? Note { get; set; }
}

public class ReadingDb : ZgDatabase
{
    public ZgCollection<Reading> Readings => Collection<Reading>();
}
