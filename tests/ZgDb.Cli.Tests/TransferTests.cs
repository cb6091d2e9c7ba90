using System.Text.Json;
using ZgDb.Storage.Inspection;

namespace ZgDb.Cli.Tests;

public sealed class TransferTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string EmptyDatabase(string name)
    {
        var db = _temp[name];
        using (ZgDatabase.Open<ShopDb>(db)) { } // closing checkpoints: the manifest stores the model
        return db;
    }

    [Fact]
    public void Export_and_import_round_trip_100000_documents_exactly()
    {
        var source = _temp["source"];
        var random = new Random(100_000);
        using (var app = ZgDatabase.Open<ShopDb>(source))
        {
            for (int batch = 0; batch < 10; batch++)
                app.Customers.InsertMany(Enumerable.Range(batch * 10_000 + 1, 10_000).Select(i => Data.Customer(i, random)));
            app.Notes.InsertMany(Enumerable.Range(1, 1000).Select(i => new Note { Id = $"n{random.Next():x8}-{i}", Text = $"é \u2603 \"quoted\"\ttab {i}" }));
            app.Devices.InsertMany(Enumerable.Range(1, 1000).Select(i => new Device { Id = Guid.NewGuid(), Label = $"d{i}" }));
        }
        using (var app = ZgDatabase.Open<ShopDb>(source, Data.Manual))
        {
            app.Orders.InsertMany(Enumerable.Range(1, 5000).Select(i => new Order { CustomerId = 1 + i * 17 % 100_000, Total = i / 3m }));
            app.Customers.Update(new Customer { Id = 77, Name = "updated in the WAL", Age = 5 });
        }
        var export = _temp["export"];
        var result = Tool.Run("export", "json", source, export);
        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains("Customers.jsonl: 100,000 documents", result.Output);
        Assert.Equal(100_000, File.ReadLines(Path.Combine(export, "Customers.jsonl")).Count());

        var target = EmptyDatabase("target");
        result = Tool.Run("import", "json", target, export);
        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains("Imported 107,000 documents", result.Output);
        Assert.Equal(0, Tool.Run("verify", target).Code);

        // Byte for byte: the re-export equals the export; and the application reads the same objects.
        var again = _temp["again"];
        Assert.Equal(0, Tool.Run("export", "json", target, again).Code);
        foreach (var file in Directory.GetFiles(export))
            Assert.True(File.ReadAllBytes(file).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(again, Path.GetFileName(file)))), file);
        Assert.Equal(Data.Snapshot(source), Data.Snapshot(target));
        using var reopened = ZgDatabase.Open<ShopDb>(target, Data.Manual);
        Assert.Equal("updated in the WAL", reopened.Customers.Find(77)!.Name);
        var customer = new Customer { Name = "next", Age = 3 };
        reopened.Customers.Insert(customer);
        Assert.Equal(100_001, customer.Id); // the next key continues after the imported keys
    }

    [Fact]
    public void Import_sorts_unsorted_input_in_spilled_runs()
    {
        var source = _temp["source"];
        var random = new Random(7);
        using (var app = ZgDatabase.Open<ShopDb>(source))
            app.Customers.InsertMany(Enumerable.Range(1, 2500).Select(i => Data.Customer(i, random)));
        var export = _temp["export"];
        Assert.Equal(0, Tool.Run("export", "json", source, export).Code);
        var file = Path.Combine(export, "Customers.jsonl");
        var lines = File.ReadAllLines(file);
        File.WriteAllLines(file, lines.OrderBy(_ => random.Next()));
        var target = EmptyDatabase("target");
        int before = JsonTransfer.ImportRunDocuments;
        JsonTransfer.ImportRunDocuments = 300;
        try
        {
            var result = Tool.Run("import", "json", target, export, "--chunk-documents", "100");
            Assert.True(result.Code == 0, result.ToString());
        }
        finally
        {
            JsonTransfer.ImportRunDocuments = before;
        }
        Assert.Equal(Data.Snapshot(source), Data.Snapshot(target));
        Assert.Empty(Directory.GetDirectories(target, ".import-*"));
    }

    [Theory]
    [InlineData("{\"Id\":5000,\"Name\":\"x\",\"Age\":\"old\"}", "'Age' = \"old\" is not a valid int32")]
    [InlineData("{\"Id\":5000,\"Name\":\"x\",\"Age\":1,\"Shoe\":42}", "property 'Shoe' is not in the stored model")]
    [InlineData("{\"Id\":5000,\"Name\":\"0123456789012345678901234567890123456789-too-long\",\"Age\":1}", "over its maximum length of 40")]
    [InlineData("{\"Id\":5000,\"Name\":\"x\",\"Age\":1,\"Address\":{\"Street\":1}}", "'Address.Street' = 1 is not a valid string")]
    [InlineData("{\"Id\":5000,\"Name\":\"x\",\"Age\":1,\"Tags\":[\"a\",2]}", "'Tags[1]' = 2 is not a valid string")]
    [InlineData("{\"Name\":\"x\",\"Age\":1}", "property 'Id' is required but is missing")]
    [InlineData("{\"Id\":0,\"Name\":\"x\",\"Age\":1}", "must be a set Int32")]
    [InlineData("{\"Id\":5000,\"Name\":\"x\",\"Age\":null}", "'Age' is a int32 and cannot be null")]
    [InlineData("not json", "line 2 is not valid JSON")]
    [InlineData("{\"Id\":1,\"Name\":\"dup\",\"Age\":1}", "key 1 is already in the database")]
    [InlineData("{\"Id\":4000,\"Name\":\"dup\",\"Age\":1}", "appears more than once")]
    public void Import_checks_every_line_against_the_stored_model_and_changes_nothing_on_failure(string line, string expected)
    {
        var db = EmptyDatabase("db");
        using (var app = ZgDatabase.Open<ShopDb>(db))
            app.Customers.Insert(new Customer { Name = "existing", Age = 50 });
        var before = Data.Snapshot(db);
        var files = Directory.GetFiles(db, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith("zgdb.lock")).Order().ToList();
        var input = _temp["in"];
        Directory.CreateDirectory(input);
        File.WriteAllLines(Path.Combine(input, "Customers.jsonl"), ["{\"Id\":4000,\"Name\":\"fine\",\"Age\":2}", line]);
        var result = Tool.Run("import", "json", db, input);
        Assert.Equal(2, result.Code);
        Assert.Contains(expected, result.Error);
        Assert.Equal(files, Directory.GetFiles(db, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith("zgdb.lock")).Order().ToList());
        Assert.Equal(before, Data.Snapshot(db));
    }

    [Fact]
    public void Import_upserts_when_asked_and_checks_foreign_keys()
    {
        var db = EmptyDatabase("db");
        using (var app = ZgDatabase.Open<ShopDb>(db))
            app.Customers.Insert(new Customer { Name = "existing", Age = 50 });
        var input = _temp["in"];
        Directory.CreateDirectory(input);
        File.WriteAllLines(Path.Combine(input, "Customers.jsonl"), ["{\"Id\":1,\"Name\":\"replaced\",\"Age\":2}", "{\"Id\":2,\"Name\":\"new\",\"Age\":3}"]);
        File.WriteAllLines(Path.Combine(input, "Orders.jsonl"), ["{\"Id\":1,\"CustomerId\":2,\"Total\":1.5}"]);
        var result = Tool.Run("import", "json", db, input, "--upsert");
        Assert.True(result.Code == 0, result.ToString());
        using (var app = ZgDatabase.Open<ShopDb>(db, Data.Manual))
        {
            Assert.Equal("replaced", app.Customers.Find(1)!.Name);
            Assert.Equal(2, app.Orders.Find(1L)!.CustomerId);
        }
        File.WriteAllLines(Path.Combine(input, "Orders.jsonl"), ["{\"Id\":2,\"CustomerId\":99,\"Total\":1.5}"]);
        File.Delete(Path.Combine(input, "Customers.jsonl"));
        result = Tool.Run("import", "json", db, input);
        Assert.Equal(2, result.Code);
        Assert.Contains("Orders.CustomerId -> Customers", result.Error);
        Assert.Contains("99", result.Error);
    }

    [Fact]
    public void Import_enforces_unique_indexes_against_stored_and_imported_documents()
    {
        var db = EmptyDatabase("db");
        using (var app = ZgDatabase.Open<ShopDb>(db))
            app.Notes.Insert(new Note { Id = "a", Text = "taken" });
        var input = _temp["in"];
        Directory.CreateDirectory(input);
        File.WriteAllLines(Path.Combine(input, "Notes.jsonl"), ["{\"Id\":\"b\",\"Text\":\"taken\"}"]);
        var result = Tool.Run("import", "json", db, input);
        Assert.Equal(2, result.Code);
        Assert.Contains("unique index 'Text' already holds value 'taken'", result.Error);
        File.WriteAllLines(Path.Combine(input, "Notes.jsonl"), ["{\"Id\":\"b\",\"Text\":\"x\"}", "{\"Id\":\"c\",\"Text\":\"x\"}"]);
        result = Tool.Run("import", "json", db, input);
        Assert.Equal(2, result.Code);
        Assert.Contains("'x' (document 'b')", result.Error);
        File.WriteAllLines(Path.Combine(input, "Notes.jsonl"), ["{\"Id\":\"b\",\"Text\":\"x\"}", "{\"Id\":\"c\",\"Text\":\"y\"}"]);
        Assert.Equal(0, Tool.Run("import", "json", db, input).Code);
        using var reopened = ZgDatabase.Open<ShopDb>(db, Data.Manual);
        Assert.Throws<ZgDbUniqueConstraintException>(() => reopened.Notes.Insert(new Note { Id = "d", Text = "y" }));
    }

    [Fact]
    public void A_cancelled_export_leaves_no_target()
    {
        var db = _temp["db"];
        Data.Seed(db);
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var result = Tool.Run(cancel.Token, "export", "json", db, _temp["out"]);
        Assert.Equal(130, result.Code);
        Assert.False(Directory.Exists(_temp["out"]));
        Assert.Empty(Directory.GetDirectories(_temp.Path, "out*"));
        result = Tool.Run(cancel.Token, "compact", db);
        Assert.Equal(130, result.Code);
        Assert.Equal(0, Tool.Run("verify", db).Code);
    }
}
