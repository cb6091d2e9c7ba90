namespace ZgDb.Migrations;

/// <summary>The EF Core providers a query is checked against; several at once with <c>|</c>.</summary>
[Flags]
public enum EfCoreTarget
{
    /// <summary>Microsoft.EntityFrameworkCore.Sqlite.</summary>
    Sqlite = 1,

    /// <summary>Npgsql.EntityFrameworkCore.PostgreSQL.</summary>
    PostgreSql = 2,

    /// <summary>Both providers.</summary>
    All = Sqlite | PostgreSql,
}

/// <summary>What the EF Core translation check does with a query EF Core would refuse.</summary>
public enum EfCheckAction
{
    /// <summary>Logs a warning (category <c>ZgDb.EfCoreCheck</c>) once per query shape, on a background thread; the query runs.</summary>
    Warn,

    /// <summary>Throws <see cref="ZgDbEfCoreTranslationException"/> before the query runs (checked on the querying thread).</summary>
    Throw,

    /// <summary>Only collects, on a background thread: read the verdicts with <see cref="EfCoreCheck.Report"/>.</summary>
    Record,
}

/// <summary>The event ids the EF Core translation check logs under (category <see cref="Category"/>), in the 6000s of <see cref="ZgDbEvents"/>' numbering.</summary>
public static class EfCoreCheckEvents
{
    /// <summary><c>ZgDb.EfCoreCheck</c>.</summary>
    public const string Category = "ZgDb.EfCoreCheck";

    /// <summary>6001 (Warning): EF Core would refuse the query on a target (its own message is in the log).</summary>
    public static readonly Microsoft.Extensions.Logging.EventId QueryWouldFail = new(6001, nameof(QueryWouldFail));

    /// <summary>6002 (Warning): EF Core translates the query, but the target's SQL can answer differently from ZgDb (the reason is in the log).</summary>
    public static readonly Microsoft.Extensions.Logging.EventId QueryMayAnswerDifferently = new(6002, nameof(QueryMayAnswerDifferently));

    /// <summary>6003 (Warning): the check itself could not run for a shape (the model cannot be replayed, a query form it cannot rewrite).</summary>
    public static readonly Microsoft.Extensions.Logging.EventId CheckNotRun = new(6003, nameof(CheckNotRun));
}
