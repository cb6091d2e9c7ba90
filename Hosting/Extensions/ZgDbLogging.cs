namespace ZgDb.Extensions.Hosting;

/// <summary>The prefix of the logging categories the hosted database writes to (<see cref="ZgDbLogCategories"/>).</summary>
public static class ZgDbLogging
{
    /// <summary>
    /// <c>ZgDb</c>: every category of a database registered with <c>AddZgDb</c> starts with it (<c>ZgDb.Storage</c>,
    /// <c>ZgDb.Recovery</c>, <c>ZgDb.Wal</c>, <c>ZgDb.Schema</c>, <c>ZgDb.Indexes</c>). Filter them all with
    /// <c>"Logging": { "LogLevel": { "ZgDb": "Warning" } }</c>, or one with its full name.
    /// </summary>
    public const string Category = "ZgDb";
}
