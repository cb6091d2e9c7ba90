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
    /// A SQLite database, created if missing, given as EF Core users write it: a connection string
    /// (<c>Data Source=app.db</c>, with any other Microsoft.Data.Sqlite keywords) or, for convenience, a plain file path.
    /// A relative path is relative to the current directory. It must not already hold tables of the same names (the
    /// export then fails before copying anything).
    /// </summary>
    /// <exception cref="ArgumentException">A malformed connection string (an unknown keyword, no <c>Data Source</c>, an
    /// in-memory database); the message names what was wrong. Nothing is created.</exception>
    public static ExportTarget Sqlite(string pathOrConnectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pathOrConnectionString);
        var builder = ParseSqlite(pathOrConnectionString);
        var full = Path.GetFullPath(builder.DataSource);
        builder.DataSource = full;
        builder.Pooling = false;
        builder.ForeignKeys = true;
        return new ExportTarget(ExportProvider.Sqlite, builder.ToString(), full);
    }

    /// <summary>
    /// A string with '=' is a connection string (a file whose name holds '=' is given as <c>Data Source=that=name.db</c>);
    /// anything else is a file path.
    /// </summary>
    private static SqliteConnectionStringBuilder ParseSqlite(string pathOrConnectionString)
    {
        if (!pathOrConnectionString.Contains('=', StringComparison.Ordinal)) return new SqliteConnectionStringBuilder { DataSource = pathOrConnectionString };
        SqliteConnectionStringBuilder builder;
        try
        {
            builder = new SqliteConnectionStringBuilder(pathOrConnectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
        {
            throw new ArgumentException($"'{pathOrConnectionString}' is not a valid SQLite connection string: {e.Message} Give a file path, or a connection string such as \"Data Source=app.db\".", nameof(pathOrConnectionString), e);
        }
        if (string.IsNullOrWhiteSpace(builder.DataSource))
            throw new ArgumentException($"the SQLite connection string '{pathOrConnectionString}' has no Data Source: say which file to export to, e.g. \"Data Source=app.db\".", nameof(pathOrConnectionString));
        if (builder.Mode == SqliteOpenMode.Memory || builder.DataSource.Trim() == ":memory:")
            throw new ArgumentException($"the SQLite connection string '{pathOrConnectionString}' names an in-memory database, which vanishes when the export closes it; give a file, e.g. \"Data Source=app.db\".", nameof(pathOrConnectionString));
        if (builder.Mode == SqliteOpenMode.ReadOnly)
            throw new ArgumentException($"the SQLite connection string '{pathOrConnectionString}' opens the file read-only (Mode=ReadOnly); the export must write it.", nameof(pathOrConnectionString));
        return builder;
    }

    /// <summary>
    /// A PostgreSQL database given by an Npgsql connection string (<c>Host=...;Port=...;Database=...;Username=...</c>).
    /// The export creates the database when it does not exist (as <c>dotnet ef database update</c> does; the user needs
    /// the CREATEDB privilege then) and the tables in it.
    /// </summary>
    /// <exception cref="ArgumentException">A malformed connection string (an unknown keyword, a bad value); the message names what was wrong.</exception>
    public static ExportTarget PostgreSql(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString); // fails early on a malformed string
        }
        catch (Exception e) when (e is ArgumentException or FormatException or InvalidOperationException)
        {
            throw new ArgumentException($"not a valid PostgreSQL connection string: {e.Message} Expected e.g. \"Host=localhost;Database=blog;Username=app;Password=...\".", nameof(connectionString), e);
        }
        if (string.IsNullOrWhiteSpace(builder.Database))
            throw new ArgumentException("the PostgreSQL connection string has no Database: say which database to export to (it is created if it does not exist).", nameof(connectionString));
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

    /// <summary>The connection string without its password (for a generated design-time factory).</summary>
    public string ConnectionStringWithoutPassword
    {
        get
        {
            if (Provider == ExportProvider.Sqlite) return new SqliteConnectionStringBuilder(ConnectionString) { Password = "" }.ToString();
            var b = new NpgsqlConnectionStringBuilder(ConnectionString) { Password = null };
            return b.ToString();
        }
    }

    /// <summary>The target without secrets (for messages and reports).</summary>
    public override string ToString()
    {
        if (Provider == ExportProvider.Sqlite) return $"SQLite '{FilePath}'";
        var b = new NpgsqlConnectionStringBuilder(ConnectionString);
        return $"PostgreSQL {b.Host}:{b.Port}/{b.Database}";
    }
}
