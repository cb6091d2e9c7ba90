using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using ZgDb.Migrations.EfCore;
using ZgDb.Migrations.Export;

namespace ZgDb.Migrations.Tests.Support;

/// <summary>Where a generic export suite writes. One sealed subclass per provider (STYLE.md #10).</summary>
public abstract class ExportBackend : IDisposable
{
    public abstract string Name { get; }

    /// <summary>Skips the calling test when the provider cannot run here (the reason is shown).</summary>
    public virtual void SkipIfUnavailable() { }

    /// <summary>A new, empty target.</summary>
    public abstract ExportTarget NewTarget();

    /// <summary>The names of the tables in the target (none after a rolled-back export).</summary>
    public abstract List<string> Tables(ExportTarget target);

    /// <summary>Runs one SQL statement on the target.</summary>
    public abstract void Execute(ExportTarget target, string sql);

    /// <summary>A replay context over the target, not tracking.</summary>
    public ZgDbReplayContext Context(DatabaseModel model, ExportTarget target) =>
        new(model, target.BuildOptions(b => b.UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking)));

    public virtual void Dispose() { }
}

public sealed class SqliteExportBackend : ExportBackend
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "zgdb-export-" + Guid.NewGuid().ToString("N")[..8]);
    private int _files;

    public override string Name => "SQLite";

    public override ExportTarget NewTarget()
    {
        Directory.CreateDirectory(_dir);
        return ExportTarget.Sqlite(Path.Combine(_dir, $"export{++_files}.db"));
    }

    public override List<string> Tables(ExportTarget target)
    {
        if (!File.Exists(target.FilePath)) return [];
        using var connection = new SqliteConnection(target.ConnectionString);
        connection.Open();
        using var command = new SqliteCommand("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", connection);
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read()) names.Add(reader.GetString(0));
        return names;
    }

    public override void Execute(ExportTarget target, string sql)
    {
        using var connection = new SqliteConnection(target.ConnectionString);
        connection.Open();
        using var command = new SqliteCommand(sql, connection);
        command.ExecuteNonQuery();
    }

    public override void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(_dir, recursive: true); } catch (DirectoryNotFoundException) { }
    }
}

public sealed class PostgresExportBackend(PostgresCluster cluster) : ExportBackend
{
    public override string Name => "PostgreSQL";

    public override void SkipIfUnavailable() => Skip.If(cluster.Unavailable is not null, cluster.Unavailable);

    public override ExportTarget NewTarget() => ExportTarget.PostgreSql(cluster.CreateDatabase());

    public override List<string> Tables(ExportTarget target)
    {
        using var connection = new NpgsqlConnection(target.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name", connection);
        using var reader = command.ExecuteReader();
        var names = new List<string>();
        while (reader.Read()) names.Add(reader.GetString(0));
        return names;
    }

    public override void Execute(ExportTarget target, string sql)
    {
        using var connection = new NpgsqlConnection(target.ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand(sql, connection);
        command.ExecuteNonQuery();
    }
}

/// <summary>An IProgress that records synchronously (Progress&lt;T&gt; posts to the thread pool, too late for assertions).</summary>
public sealed class RecordingProgress(Action<ExportProgress>? onReport = null) : IProgress<ExportProgress>
{
    public List<ExportProgress> Reports { get; } = [];

    public void Report(ExportProgress value)
    {
        lock (Reports) Reports.Add(value);
        onReport?.Invoke(value);
    }
}
