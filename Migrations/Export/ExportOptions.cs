using ZgDb.Migrations.EfCore;

namespace ZgDb.Migrations.Export;

/// <summary>How <see cref="ZgDbExporter.ExportAsync"/> copies.</summary>
public sealed class ExportOptions
{
    /// <summary>Rows written per <c>SaveChanges</c> (and between progress reports). Default 2,000.</summary>
    public int BatchSize { get; init; } = 2_000;

    /// <summary>
    /// Read back every table and compare its row count and content checksum with the source before committing
    /// (default true). A difference rolls the export back and throws <see cref="ZgDbExportException"/>.
    /// </summary>
    public bool Verify { get; init; } = true;

    /// <summary>
    /// Copy every collection through EF Core's <c>SaveChanges</c> (default false: collections without owned types are
    /// copied with multi-row INSERTs built from the same EF Core mapping, several times faster).
    /// </summary>
    public bool UseSaveChanges { get; init; }

    /// <summary>For a SQLite target: delete the file first if it exists. Default false (an existing table of the same name fails the export).</summary>
    public bool OverwriteSqliteFile { get; init; }

    /// <summary>
    /// How nested classes become EF Core owned types: <see cref="NestedTypeMapping.Json"/> (default, one JSON column per
    /// top-level nested class) or <see cref="NestedTypeMapping.OwnedColumns"/> (columns of the owner's table, and a table
    /// per list of nested classes). Give the generated DbContext and a replay context the same choice.
    /// </summary>
    public NestedTypeMapping NestedTypes { get; init; } = NestedTypeMapping.Json;

    /// <summary>
    /// A collation for every string column (<c>UseCollation</c>), or null (default) for the database's own. <c>"C"</c> on
    /// PostgreSQL orders strings by code point whatever the database's locale (see docs/MIGRATIONS.md, "The same answers").
    /// </summary>
    public string? StringCollation { get; init; }

    /// <summary>
    /// The id of the baseline migration to record as applied in the target's <c>__EFMigrationsHistory</c> (created if
    /// missing), in the export's transaction: <see cref="SourceGeneration.EfCoreProject.MigrationId"/> of the project
    /// generated for this target. Null (default): no history is written.
    /// </summary>
    public string? BaselineMigrationId { get; init; }

    /// <summary>The mapping these options choose.</summary>
    public EfMappingOptions Mapping => new() { NestedTypes = NestedTypes, StringCollation = StringCollation };
}

/// <summary>The phase an <see cref="ExportProgress"/> report belongs to.</summary>
public enum ExportPhase
{
    /// <summary>Creating the tables, keys, indexes and foreign keys.</summary>
    Schema,
    /// <summary>Copying rows of <see cref="ExportProgress.Collection"/>.</summary>
    Copy,
    /// <summary>Reading a table back to compare its count and checksum.</summary>
    Verify,
    /// <summary>Committed.</summary>
    Done,
}

/// <summary>Progress of an export: the collection being worked on, rows done and its total.</summary>
/// <param name="Phase">What is being done.</param>
/// <param name="Collection">The collection (null in <see cref="ExportPhase.Schema"/> and <see cref="ExportPhase.Done"/>).</param>
/// <param name="Rows">Rows of that collection copied (or verified) so far.</param>
/// <param name="Total">Rows of that collection in the source snapshot.</param>
public sealed record ExportProgress(ExportPhase Phase, string? Collection, long Rows, long Total);

/// <summary>What the export did to one table.</summary>
/// <param name="Collection">The ZgDb collection.</param>
/// <param name="Table">The target table.</param>
/// <param name="SourceRows">Documents in the source snapshot.</param>
/// <param name="CopiedRows">Rows written to the target.</param>
/// <param name="TargetRows">Rows counted in the target (null when not verified).</param>
/// <param name="SourceChecksum">Content checksum of the source documents.</param>
/// <param name="TargetChecksum">Content checksum of the rows read back (null when not verified).</param>
public sealed record TableReport(string Collection, string Table, long SourceRows, long CopiedRows, long? TargetRows,
    string SourceChecksum, string? TargetChecksum)
{
    /// <summary>Whether the table was read back and matches the source in count and content.</summary>
    public bool Verified => TargetRows == SourceRows && TargetChecksum == SourceChecksum;
}

/// <summary>The result of an export: per table, counts and checksums; whether it was committed.</summary>
public sealed class ExportReport
{
    internal ExportReport(string target) => Target = target;

    /// <summary>The target, without secrets.</summary>
    public string Target { get; }

    /// <summary>One entry per collection, in the order they were copied (principals before dependents).</summary>
    public List<TableReport> Tables { get; } = [];

    /// <summary>The documented mappings that changed something (e.g. an index EF Core cannot create).</summary>
    public List<string> Notes { get; } = [];

    /// <summary>The baseline migration recorded in <c>__EFMigrationsHistory</c>, or null.</summary>
    public string? BaselineMigrationId { get; internal set; }

    /// <summary>Whether the export created the target database (PostgreSQL: it did not exist; SQLite: the file did not).</summary>
    public bool CreatedDatabase { get; internal set; }

    private bool FilePathless => !Target.StartsWith("SQLite", StringComparison.Ordinal);

    /// <summary>Whether the target transaction was committed. When false nothing remains in the target.</summary>
    public bool Committed { get; internal set; }

    /// <summary>Total rows copied.</summary>
    public long Rows => Tables.Sum(t => t.CopiedRows);

    /// <summary>Wall time from start to commit (or failure).</summary>
    public TimeSpan Elapsed { get; internal set; }

    /// <summary>Whether every table was verified equal to the source.</summary>
    public bool Verified => Tables.All(t => t.Verified);

    /// <summary>A table of the report, one line per collection.</summary>
    public override string ToString() =>
        $"Export to {Target}: {(Committed ? "committed" : "rolled back")}, {Rows} rows in {Elapsed.TotalSeconds:F1} s" +
        (CreatedDatabase && FilePathless ? " (the database was created)" : "") +
        (BaselineMigrationId is null ? "" : $"; baseline migration {BaselineMigrationId} recorded in __EFMigrationsHistory") + Environment.NewLine +
        string.Join(Environment.NewLine, Tables.Select(t =>
            $"  {t.Collection,-24} source {t.SourceRows,10} copied {t.CopiedRows,10} target {t.TargetRows?.ToString() ?? "-",10} checksum {t.SourceChecksum} {(t.TargetChecksum is null ? "not verified" : t.Verified ? "= verified" : "!= " + t.TargetChecksum)}"));
}
