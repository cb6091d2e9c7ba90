namespace ZgDb.Extensions.Hosting;

/// <summary>The logging category the hosted database writes to.</summary>
public static class ZgDbLogging
{
    /// <summary>
    /// <c>ZgDb</c>: every event of a database registered with <c>AddZgDb</c> (recovery notes, checkpoints, model
    /// changes, a transaction rolled back at dispose). Filter it with <c>"Logging": { "LogLevel": { "ZgDb": "Warning" } }</c>.
    /// </summary>
    public const string Category = "ZgDb";
}
