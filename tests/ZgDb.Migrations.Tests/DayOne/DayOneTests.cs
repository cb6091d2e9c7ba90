using System.Data.Common;
using Blog = global::DayOne.Blog;
using Post = global::DayOne.Post;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;
using ZgDb.Migrations.EfCore;
using ZgDb.Migrations.Export;
using ZgDb.Migrations.Tests.Support;

namespace ZgDb.Migrations.Tests.DayOne;

/// <summary>
/// "An EF Core project that works on day one", once per provider: the generated project (DbContext, design-time
/// factory, baseline migration) used with the real dotnet-ef tool on the exported database, nested classes as owned
/// columns, and connection strings as EF Core users write them.
/// </summary>
public abstract class DayOneSuite(ExportBackend backend, ITestOutputHelper output) : IDisposable
{
    protected ExportBackend Backend { get; } = backend;
    protected ITestOutputHelper Output { get; } = output;
    protected abstract (string Package, string Version) ProviderPackage { get; }

    public void Dispose() => Backend.Dispose();

    [SkippableFact]
    public async Task Dotnet_ef_migrations_add_and_database_update_work_on_the_exported_database()
    {
        Backend.SkipIfUnavailable();
        using var db = DayOneDb.Filled();
        var target = Backend.NewTarget();
        var project = ZgDbExporter.GenerateEfCoreProject(db, target);
        var report = await ZgDbExporter.ExportAsync(db, target, new ExportOptions { BaselineMigrationId = project.MigrationId });
        Assert.True(report.Verified && report.Committed);

        using var app = new DotnetEfProject(Output, ProviderPackage.Package, ProviderPackage.Version);
        if (app.RestoreTool() is { } reason)
        {
            Output.WriteLine("SKIPPED: " + reason);
            throw new SkipException(reason);
        }
        project.WriteTo(app.Directory);
        app.Dotnet("build"); // restores the packages (dotnet ef builds without restoring) and compiles the exported sources as they are
        var model = File.ReadAllText(app.ModelFile);
        File.WriteAllText(app.ModelFile, model.Replace("// DAY-ONE: new properties of Post", "public string? Subtitle { get; set; }", StringComparison.Ordinal));

        app.Dotnet("ef migrations add Next");
        var next = Directory.GetFiles(Path.Combine(app.Directory, "Migrations"), "*_Next.cs").Single();
        var nextCode = File.ReadAllText(next);
        Output.WriteLine(nextCode);
        Assert.Contains("AddColumn<string>(", nextCode, StringComparison.Ordinal);
        Assert.Contains("name: \"Subtitle\"", nextCode, StringComparison.Ordinal);
        Assert.DoesNotContain("CreateTable", nextCode, StringComparison.Ordinal); // the snapshot already holds the exported model
        app.Dotnet("ef database update");

        Assert.Equal(12L, Scalar(target, "SELECT COUNT(*) FROM \"Posts\" WHERE \"Subtitle\" IS NULL"));
        Assert.Equal(2L, Scalar(target, "SELECT COUNT(*) FROM \"__EFMigrationsHistory\""));
        await using var context = Backend.Context(db.Model, target);
        Assert.Equal(ResultText.Of(db.Posts.OrderBy(p => p.Id).ToList()), ResultText.Of(await context.Set<Post>().OrderBy(p => p.Id).ToListAsync()));
        Assert.Equal(ResultText.Of(db.Blogs.OrderBy(b => b.Id).ToList()), ResultText.Of(await context.Set<Blog>().OrderBy(b => b.Id).ToListAsync()));
    }

    [SkippableFact]
    public async Task The_export_records_the_baseline_migration_of_the_generated_project()
    {
        Backend.SkipIfUnavailable();
        using var db = DayOneDb.Filled();
        var target = Backend.NewTarget();
        var project = ZgDbExporter.GenerateEfCoreProject(db, target);
        Assert.Equal(
            ["DayOneDbContext.cs", "DayOneDbContextFactory.cs", $"Migrations/{project.MigrationId}.Designer.cs", $"Migrations/{project.MigrationId}.cs", "Migrations/DayOneDbContextModelSnapshot.cs"],
            project.Files.Keys.Order(StringComparer.Ordinal));
        Assert.Matches("^[0-9]{14}_Initial$", project.MigrationId);
        Assert.Contains("IDesignTimeDbContextFactory<DayOneDbContext>", project.Files["DayOneDbContextFactory.cs"], StringComparison.Ordinal);
        Assert.Contains($"[Migration(\"{project.MigrationId}\")]", project.Files[$"Migrations/{project.MigrationId}.Designer.cs"], StringComparison.Ordinal);
        Assert.Contains("[DbContext(typeof(DayOneDbContext))]", project.Files["Migrations/DayOneDbContextModelSnapshot.cs"], StringComparison.Ordinal);
        Assert.Contains("name: \"Posts\"", project.Files[$"Migrations/{project.MigrationId}.cs"], StringComparison.Ordinal);

        var report = await ZgDbExporter.ExportAsync(db, target, new ExportOptions { BaselineMigrationId = project.MigrationId });
        Assert.Equal(project.MigrationId, report.BaselineMigrationId);
        Assert.Equal(project.MigrationId, Scalar(target, "SELECT \"MigrationId\" FROM \"__EFMigrationsHistory\""));
        Assert.Equal(1L, Scalar(target, "SELECT COUNT(*) FROM \"__EFMigrationsHistory\""));
        // Without a baseline id no history table is written (the export alone does not claim a migration).
        var plain = Backend.NewTarget();
        await ZgDbExporter.ExportAsync(db, plain);
        Assert.DoesNotContain("__EFMigrationsHistory", Backend.Tables(plain));
    }

    [SkippableFact]
    public async Task Nested_classes_as_owned_columns_are_columns_and_tables_holding_what_ZgDb_stored()
    {
        Backend.SkipIfUnavailable();
        using var db = OrdersDb.Filled();
        var target = Backend.NewTarget();
        var options = new ExportOptions { NestedTypes = NestedTypeMapping.OwnedColumns, BatchSize = 7 };
        var report = await ZgDbExporter.ExportAsync(db, target, options);
        Output.WriteLine(report.ToString());
        Assert.True(report.Verified && report.Committed); // the checksum covers every nested value (lists as multisets: a table has no order)

        var tables = Backend.Tables(target);
        Output.WriteLine(string.Join(", ", tables));
        Assert.Contains("Orders", tables);
        Assert.Contains(tables, t => t.Contains("Line", StringComparison.Ordinal)); // OwnsMany: a table of its own
        Assert.Equal(db.Orders.Count(o => o.BillTo != null), Convert.ToInt32(Scalar(target, "SELECT COUNT(*) FROM \"Orders\" WHERE \"BillTo_City\" IS NOT NULL")));
        long lines = db.Orders.AsEnumerable().Sum(o => o.Lines.Count);
        var lineTable = tables.Single(t => t.Contains("Line", StringComparison.Ordinal));
        Assert.Equal(lines, Convert.ToInt64(Scalar(target, $"SELECT COUNT(*) FROM \"{lineTable}\"")));

        await using var context = new ZgDbReplayContext(db.Model, target.BuildOptions(b => b.UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking)), options.Mapping);
        static object SortedLines(List<Order> orders) =>
            orders.Select(o => new { o.Id, o.Customer, o.ShipTo, o.BillTo, Lines = o.Lines.OrderBy(l => l.Sku, StringComparer.Ordinal).ToList() }).ToList();
        Assert.Equal(ResultText.Of(SortedLines(db.Orders.OrderBy(o => o.Id).ToList())), ResultText.Of(SortedLines(await context.Set<Order>().OrderBy(o => o.Id).ToListAsync())));
        // EF Core reads an owned collection in no particular order; the list order is its key's order.
        Assert.Equal(ResultText.Of(db.Orders.OrderBy(o => o.Id).AsEnumerable().Select(o => o.Lines.Select(l => l.Sku).ToList()).ToList()),
            ResultText.Of(await context.Set<Order>().OrderBy(o => o.Id).Select(o => o.Lines.OrderBy(l => EF.Property<int>(l, "Id")).Select(l => l.Sku).ToList()).ToListAsync()));

        Assert.Equal(ResultText.Of(db.Orders.Where(o => o.ShipTo.City == "Oslo").OrderBy(o => o.Id).Select(o => o.Id).ToList()),
            ResultText.Of(await context.Set<Order>().Where(o => o.ShipTo.City == "Oslo").OrderBy(o => o.Id).Select(o => o.Id).ToListAsync()));

        // The application adds an order with lines after the export: new keys for the order and for its line rows.
        await using (var app = new ZgDbReplayContext(db.Model, target, options.Mapping))
        {
            app.Add(new Order { Customer = "after export", ShipTo = new Place { City = "Oslo", Zip = 1 }, Lines = [new OrderLine { Sku = "NEW-1", Quantity = 1 }, new OrderLine { Sku = "NEW-2", Quantity = 2 }] });
            await app.SaveChangesAsync();
        }
        Assert.Equal(21L, Convert.ToInt64(Scalar(target, "SELECT MAX(\"Id\") FROM \"Orders\"")));
        Assert.Equal(lines + 2, Convert.ToInt64(Scalar(target, $"SELECT MAX(\"Id\") FROM \"{lineTable}\"")));
    }

    protected static object? Scalar(ExportTarget target, string sql)
    {
        using DbConnection connection = target.Provider == ExportProvider.Sqlite
            ? new Microsoft.Data.Sqlite.SqliteConnection(target.ConnectionString)
            : new Npgsql.NpgsqlConnection(target.ConnectionString);
        connection.Open();
        using DbCommand command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}

public sealed class SqliteDayOneTests(ITestOutputHelper output) : DayOneSuite(new SqliteExportBackend(), output)
{
    protected override (string Package, string Version) ProviderPackage => ("Microsoft.EntityFrameworkCore.Sqlite", "10.0.15");

    [Fact]
    public async Task A_sqlite_connection_string_and_a_plain_path_name_the_same_file()
    {
        using var db = DayOneDb.Filled();
        using var dir = new TempDirectory();
        var path = Path.Combine(dir.Path, "app.db");
        var fromString = ExportTarget.Sqlite($"Data Source={path}");
        Assert.Equal(path, fromString.FilePath);
        Assert.Equal(path, ExportTarget.Sqlite(path).FilePath);
        Assert.Equal(path, ExportTarget.Sqlite($"Data Source={path};Cache=Shared;Default Timeout=30").FilePath);
        var report = await ZgDbExporter.ExportAsync(db, fromString);
        Assert.True(report.Verified);
        Assert.True(File.Exists(path));
        Assert.False(Directory.Exists(Path.Combine(dir.Path, "Data Source=")));
        Assert.Equal(12L, Scalar(ExportTarget.Sqlite(path), "SELECT COUNT(*) FROM \"Posts\""));

        // A relative Data Source is relative to the current directory, as Microsoft.Data.Sqlite opens it.
        Assert.Equal(Path.GetFullPath("rel.db"), ExportTarget.Sqlite("Data Source=rel.db").FilePath);
    }

    [Theory]
    [InlineData("Data Sorce=app.db", "Data Sorce")]
    [InlineData("Data Source=app.db;Mode", "not a valid SQLite connection string")]
    [InlineData("Mode=ReadWriteCreate", "has no Data Source")]
    [InlineData("Data Source=:memory:", "in-memory")]
    [InlineData("Data Source=app.db;Mode=ReadOnly", "read-only")]
    public void A_malformed_sqlite_connection_string_is_refused_and_creates_nothing(string connection, string expected)
    {
        using var dir = new TempDirectory();
        var previous = Environment.CurrentDirectory;
        Environment.CurrentDirectory = dir.Path;
        try
        {
            var error = Assert.ThrowsAny<ArgumentException>(() => ExportTarget.Sqlite(connection));
            Assert.Contains(expected, error.Message, StringComparison.OrdinalIgnoreCase);
            Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
        }
        finally
        {
            Environment.CurrentDirectory = previous;
        }
    }
}

[Collection("postgres")]
public sealed class PostgresDayOneTests(PostgresCluster cluster, ITestOutputHelper output) : DayOneSuite(new PostgresExportBackend(cluster), output)
{
    protected override (string Package, string Version) ProviderPackage => ("Npgsql.EntityFrameworkCore.PostgreSQL", "10.0.3");

    [SkippableFact]
    public async Task A_database_that_does_not_exist_is_created_as_dotnet_ef_database_update_does()
    {
        Backend.SkipIfUnavailable();
        using var db = DayOneDb.Filled();
        var target = ExportTarget.PostgreSql(cluster.ConnectionString("zgdb_new_" + Guid.NewGuid().ToString("N")[..8]));
        var report = await ZgDbExporter.ExportAsync(db, target);
        Assert.True(report.Verified && report.CreatedDatabase);
        Assert.Equal(12L, Scalar(target, "SELECT COUNT(*) FROM \"Posts\""));
        using var orders = OrdersDb.Filled();
        var again = await ZgDbExporter.ExportAsync(orders, target); // exists now: used as it is
        Assert.False(again.CreatedDatabase);
    }

    [SkippableFact]
    public async Task A_database_the_failed_export_created_is_dropped_again()
    {
        Backend.SkipIfUnavailable();
        using var db = DayOneDb.Filled();
        var post = db.Posts.Find(2)!;
        post.Title = "nul \0 inside"; // PostgreSQL refuses U+0000 in text
        db.Posts.Update(post);
        var name = "zgdb_new_" + Guid.NewGuid().ToString("N")[..8];
        await Assert.ThrowsAsync<ZgDbExportException>(() => ZgDbExporter.ExportAsync(db, ExportTarget.PostgreSql(cluster.ConnectionString(name))));
        Assert.Equal(0L, Scalar(ExportTarget.PostgreSql(cluster.ConnectionString("postgres")), $"SELECT COUNT(*) FROM pg_database WHERE datname = '{name}'"));
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Prot=5432;Database=x", "Prot")]
    [InlineData("Host=127.0.0.1;Port=notanumber;Database=x", "not a valid PostgreSQL connection string")]
    [InlineData("Host=127.0.0.1;Username=postgres", "no Database")]
    public void A_malformed_postgresql_connection_string_is_refused(string connection, string expected)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => ExportTarget.PostgreSql(connection));
        Assert.Contains(expected, error.Message, StringComparison.OrdinalIgnoreCase);
    }
}
