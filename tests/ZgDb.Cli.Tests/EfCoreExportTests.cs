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
}
