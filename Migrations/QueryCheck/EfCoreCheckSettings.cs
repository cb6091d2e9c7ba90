using ZgDb.Migrations.EfCore;

namespace ZgDb.Migrations;

/// <summary>How the EF Core translation check is configured (<see cref="EfCoreCheckExtensions.CheckEfCoreTranslation(ZgDbOptions, EfCoreCheckSettings)"/>).</summary>
public sealed record EfCoreCheckSettings
{
    /// <summary>The providers to check against. Default both.</summary>
    public EfCoreTarget Targets { get; init; } = EfCoreTarget.All;

    /// <summary>What a query EF Core refuses does. Default <see cref="EfCheckAction.Warn"/>.</summary>
    public EfCheckAction OnProblem { get; init; } = EfCheckAction.Warn;

    /// <summary>The mapping the EF Core application will use (the export's: nested classes as JSON or owned columns, a collation).</summary>
    public EfMappingOptions Mapping { get; init; } = EfMappingOptions.Default;

    /// <summary>Whether the EF Core application calls <c>UseRelationalNulls()</c> (then <c>!=</c> on a nullable column drops the nulls LINQ keeps). Default false.</summary>
    public bool RelationalNulls { get; init; }

    /// <summary>Whether the EF Core application queries without tracking (<c>QueryTrackingBehavior.NoTracking</c>). Default false, as EF Core's default.</summary>
    public bool NoTracking { get; init; }

    /// <summary>
    /// A file each new query shape is appended to (one JSON line: the query, ZgDb's plan, the verdicts), for
    /// <c>zgdb check-queries</c> to replay later against other providers. Null: nothing is written.
    /// </summary>
    public string? RecordFile { get; init; }
}
