using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace ZgDb.Migrations.Export;

/// <summary>The EF Core providers the exporter writes to.</summary>
public enum ExportProvider
{
    /// <summary>A SQLite file (Microsoft.EntityFrameworkCore.Sqlite).</summary>
    Sqlite,
    /// <summary>A PostgreSQL database (Npgsql.EntityFrameworkCore.PostgreSQL).</summary>
    PostgreSql,
}

/// <summary>Where an export goes: <see cref="Sqlite"/> (a file) or <see cref="PostgreSql"/> (a connection string).</summary>
public sealed class ExportTarget
{
    private ExportTarget(ExportProvider provider, string connectionString, string? filePath)
    {
        Provider = provider;
        ConnectionString = connectionString;
        FilePath = filePath;
    }

    /// <summary>
    /// A SQLite database file, created if missing. It must not already hold tables of the same names (the export
    /// then fails before copying anything).
    /// </summary>
    public static ExportTarget Sqlite(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        var builder = new SqliteConnectionStringBuilder { DataSource = full, Pooling = false, ForeignKeys = true };
        return new ExportTarget(ExportProvider.Sqlite, builder.ToString(), full);
    }

    /// <summary>
    /// A PostgreSQL database given by an Npgsql connection string (<c>Host=...;Port=...;Database=...;Username=...</c>).
    /// The database must exist; the exporter creates the tables in it.
    /// </summary>
    public static ExportTarget PostgreSql(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        _ = new NpgsqlConnectionStringBuilder(connectionString); // fails early on a malformed string
        return new ExportTarget(ExportProvider.PostgreSql, connectionString, null);
    }

    /// <summary>The provider.</summary>
    public ExportProvider Provider { get; }

    /// <summary>The ADO.NET connection string.</summary>
    public string ConnectionString { get; }

    /// <summary>The SQLite file, or null for PostgreSQL.</summary>
    public string? FilePath { get; }

    /// <summary>The EF Core options for this target (with <paramref name="configure"/> applied last).</summary>
    public DbContextOptions BuildOptions(Action<DbContextOptionsBuilder>? configure)
    {
        var builder = new DbContextOptionsBuilder();
        _ = Provider switch
        {
            ExportProvider.Sqlite => builder.UseSqlite(ConnectionString),
            _ => builder.UseNpgsql(ConnectionString),
        };
        configure?.Invoke(builder);
        return builder.Options;
    }

    /// <summary>The target without secrets (for messages and reports).</summary>
    public override string ToString()
    {
        if (Provider == ExportProvider.Sqlite) return $"SQLite '{FilePath}'";
        var b = new NpgsqlConnectionStringBuilder(ConnectionString);
        return $"PostgreSQL {b.Host}:{b.Port}/{b.Database}";
    }
}
