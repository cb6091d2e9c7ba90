namespace ZgDb.Cli.Tests;

/// <summary>A model the EF Core exporter maps plainly: a string key and a Guid key.</summary>
public sealed class PlainDb : ZgDatabase
{
    public ZgCollection<Note> Notes => Collection<Note>();
    public ZgCollection<Device> Devices => Collection<Device>();
}

public sealed class EfCoreExportTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Exports_to_SQLite_through_the_application_assembly_and_writes_the_DbContext()
    {
        var db = _temp["db"];
        using (var app = ZgDatabase.Open<PlainDb>(db))
        {
            app.Notes.InsertMany(Enumerable.Range(1, 150).Select(i => new Note { Id = $"n{i:D4}", Text = $"text {i}" }));
            app.Devices.InsertMany(Enumerable.Range(1, 20).Select(i => new Device { Id = Guid.NewGuid(), Label = $"d{i}" }));
        }
        var sqlite = _temp["plain.db"];
        var context = _temp["PlainContext.cs"];
        var result = Tool.Run("export", "efcore", db, "--assembly", typeof(PlainDb).Assembly.Location, "--database", nameof(PlainDb),
            "--provider", "sqlite", "--connection", sqlite, "--context-out", context);
        Assert.True(result.Code == 0, result.ToString());
        Assert.True(new FileInfo(sqlite).Length > 0);
        Assert.Contains("DbContext", File.ReadAllText(context));
        Assert.Contains("150", result.Output);

        var missing = Tool.Run("export", "efcore", db, "--assembly", typeof(PlainDb).Assembly.Location, "--database", "NoSuchDb",
            "--provider", "sqlite", "--connection", _temp["other.db"]);
        Assert.Equal(2, missing.Code);
        Assert.Contains("has no database class 'NoSuchDb'", missing.Error);
    }

    private string PlainDatabase()
    {
        var db = _temp["db"];
        using var app = ZgDatabase.Open<PlainDb>(db);
        app.Notes.InsertMany(Enumerable.Range(1, 30).Select(i => new Note { Id = $"n{i:D4}", Text = $"text {i}" }));
        return db;
    }

    [Fact]
    public void A_provider_that_is_not_offered_exits_2_not_the_code_of_verify_found_problems()
    {
        var db = PlainDatabase();
        var result = Tool.Run("export", "efcore", db, "--assembly", typeof(PlainDb).Assembly.Location, "--database", nameof(PlainDb),
            "--provider", "mysql", "--connection", _temp["x.db"]);
        Assert.True(result.Code == 2, result.ToString());
        Assert.Contains("mysql", result.Error);
        Assert.False(File.Exists(_temp["x.db"]));
    }

    [Fact]
    public void A_sqlite_connection_string_names_the_file_and_creates_no_folder_named_Data_Source()
    {
        var db = PlainDatabase();
        var sqlite = _temp["app.db"];
        var result = Tool.Run("export", "efcore", db, "--assembly", typeof(PlainDb).Assembly.Location, "--database", nameof(PlainDb),
            "--provider", "sqlite", "--connection", $"Data Source={sqlite}");
        Assert.True(result.Code == 0, result.ToString());
        Assert.True(new FileInfo(sqlite).Length > 0);
        Assert.False(Directory.Exists(Path.Combine(Environment.CurrentDirectory, "Data Source=" + Path.GetDirectoryName(sqlite))));

        var malformed = Tool.Run("export", "efcore", db, "--assembly", typeof(PlainDb).Assembly.Location, "--database", nameof(PlainDb),
            "--provider", "sqlite", "--connection", $"Data Sorce={_temp["typo.db"]}");
        Assert.True(malformed.Code == 2, malformed.ToString());
        Assert.Contains("--connection", malformed.Error);
        Assert.Contains("Data Sorce", malformed.Error);
        Assert.False(File.Exists(_temp["typo.db"]));
    }

    [Fact]
    public void Project_out_writes_the_context_factory_and_baseline_migration_and_records_it()
    {
        var db = PlainDatabase();
        var sqlite = _temp["project.db"];
        var project = _temp["project"];
        var result = Tool.Run("export", "efcore", db, "--assembly", typeof(PlainDb).Assembly.Location, "--database", nameof(PlainDb),
            "--provider", "sqlite", "--connection", $"Data Source={sqlite}", "--project-out", project, "--nested-types", "columns");
        Assert.True(result.Code == 0, result.ToString());
        Assert.True(File.Exists(Path.Combine(project, "PlainDbContext.cs")));
        Assert.True(File.Exists(Path.Combine(project, "PlainDbContextFactory.cs")));
        Assert.True(File.Exists(Path.Combine(project, "Migrations", "PlainDbContextModelSnapshot.cs")));
        var migration = Directory.GetFiles(Path.Combine(project, "Migrations"), "*_Initial.cs").Single();
        var id = Path.GetFileNameWithoutExtension(migration);
        Assert.Contains(id, result.Output);
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={sqlite}");
        connection.Open();
        using var command = new Microsoft.Data.Sqlite.SqliteCommand("SELECT MigrationId FROM __EFMigrationsHistory", connection);
        Assert.Equal(id, command.ExecuteScalar());
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}
