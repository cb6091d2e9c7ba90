namespace ZgDb.Cli.Tests;

public sealed class Invoice { public int Id { get; set; } public string Client { get; set; } = ""; }
public sealed class InvoiceLine { public int InvoiceId { get; set; } public string Sku { get; set; } = ""; public DateOnly Day { get; set; } public int Units { get; set; } public Invoice? Invoice { get; set; } }
public sealed class Delivery { public int Id { get; set; } public int LineInvoice { get; set; } public string LineSku { get; set; } = ""; public DateOnly LineDay { get; set; } public InvoiceLine? Line { get; set; } }

public sealed class CompositeDb : ZgDatabase
{
    public ZgCollection<Invoice> Invoices => Collection<Invoice>();
    public ZgCollection<InvoiceLine> Lines => Collection<InvoiceLine>();
    public ZgCollection<Delivery> Deliveries => Collection<Delivery>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<InvoiceLine>().HasKey(l => new { l.InvoiceId, l.Sku, l.Day });
        model.Entity<InvoiceLine>().HasIndex(l => l.Units);
        model.Entity<Delivery>().HasOne(d => d.Line).WithMany().HasForeignKey(d => new { d.LineInvoice, d.LineSku, d.LineDay }).IsRequired();
    }
}

/// <summary>
/// Issue 15: the tool reads composite keys without the application's types (from the stored model's key parts): verify
/// reads them from the WAL, chunk headers, documents and index files and resolves composite foreign keys; checkpoint
/// and compact fold them in key order; query prints them; export and import round-trip them and check the references.
/// </summary>
public sealed class CompositeKeysTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static readonly DateOnly Day1 = new(2026, 1, 5), Day2 = new(2025, 12, 31);

    private static void Seed(CompositeDb db)
    {
        db.Invoices.Insert(new Invoice { Id = 1, Client = "Ann" });
        db.Invoices.Insert(new Invoice { Id = 2, Client = "Bob" });
        foreach (var (invoice, sku, day) in new[] { (2, "b", Day1), (1, "b", Day2), (1, "a", Day1), (1, "b", Day1), (2, "a", Day2) })
            db.Lines.Insert(new InvoiceLine { InvoiceId = invoice, Sku = sku, Day = day, Units = invoice * 100 + sku[0] });
        db.Deliveries.Insert(new Delivery { Id = 1, LineInvoice = 1, LineSku = "b", LineDay = Day2 });
        db.Deliveries.Insert(new Delivery { Id = 2, LineInvoice = 2, LineSku = "a", LineDay = Day2 });
    }

    private static readonly string[] KeyOrder = ["1/a/2026-01-05", "1/b/2025-12-31", "1/b/2026-01-05", "2/a/2025-12-31", "2/b/2026-01-05"];

    [Fact]
    public void Verify_checkpoint_compact_and_query_read_composite_keys_and_foreign_keys()
    {
        var dir = _temp["db"];
        using (var db = ZgDatabase.Open<CompositeDb>(dir, Data.Manual)) Seed(db); // the documents stay in the WAL

        var verify = Tool.Run("verify", dir); // keys from the WAL
        Assert.True(verify.Code == 0, verify.ToString());
        var checkpoint = Tool.Run("checkpoint", dir);
        Assert.True(checkpoint.Code == 0, checkpoint.ToString());
        verify = Tool.Run("verify", dir); // keys from chunk headers and documents
        Assert.True(verify.Code == 0, verify.ToString());
        var compact = Tool.Run("compact", dir);
        Assert.True(compact.Code == 0, compact.ToString());
        verify = Tool.Run("verify", dir);
        Assert.True(verify.Code == 0, verify.ToString());

        var query = Tool.Run("query", dir, "Lines", "--json");
        Assert.True(query.Code == 0, query.ToString());
        var lines = query.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(KeyOrder, lines.Select(Describe));
        var filtered = Tool.Run("query", dir, "Lines", "--where", "InvoiceId = 1 and Sku = 'b'", "--count");
        Assert.True(filtered.Code == 0, filtered.ToString());
        Assert.Contains("2", filtered.Output);
        var info = Tool.Run("info", dir);
        Assert.True(info.Code == 0, info.ToString());
        Assert.Contains("InvoiceId,Sku,Day", info.Output);

        using var app = ZgDatabase.Open<CompositeDb>(dir, Data.Manual);
        Assert.Equal(KeyOrder, app.Lines.ToList().Select(l => $"{l.InvoiceId}/{l.Sku}/{l.Day:yyyy-MM-dd}"));
        Assert.Equal(198, app.Lines.Find(1, "b", Day2)!.Units);
        Assert.Equal(2, app.Lines.Where(l => l.InvoiceId == 1 && l.Sku == "b").Count());
        Assert.True(app.Invoices.Delete(1)); // cascades through the composite foreign key
        Assert.Equal([2], app.Deliveries.Select(d => d.Id).ToList());
    }

    private static string Describe(string json)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);
        var root = document.RootElement;
        return $"{root.GetProperty("InvoiceId").GetInt32()}/{root.GetProperty("Sku").GetString()}/{root.GetProperty("Day").GetString()}";
    }

    [Fact]
    public void Export_and_import_json_round_trip_composite_keys_and_refuse_a_dangling_composite_foreign_key()
    {
        var source = _temp["source"];
        using (var db = ZgDatabase.Open<CompositeDb>(source, Data.Manual)) Seed(db);
        var export = _temp["export"];
        var result = Tool.Run("export", "json", source, export);
        Assert.True(result.Code == 0, result.ToString());
        var target = _temp["target"];
        using (ZgDatabase.Open<CompositeDb>(target)) { }
        result = Tool.Run("import", "json", target, export);
        Assert.True(result.Code == 0, result.ToString());
        Assert.Equal(0, Tool.Run("verify", target).Code);
        var again = _temp["again"];
        Assert.Equal(0, Tool.Run("export", "json", target, again).Code);
        foreach (var file in Directory.GetFiles(export))
            Assert.True(File.ReadAllBytes(file).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(again, Path.GetFileName(file)))), file);
        using (var app = ZgDatabase.Open<CompositeDb>(target, Data.Manual))
            Assert.Equal(KeyOrder, app.Lines.ToList().Select(l => $"{l.InvoiceId}/{l.Sku}/{l.Day:yyyy-MM-dd}"));

        var dangling = _temp["dangling"];
        Directory.CreateDirectory(dangling);
        File.WriteAllText(Path.Combine(dangling, "Deliveries.jsonl"), """{"Id":7,"LineInvoice":1,"LineSku":"zz","LineDay":"2026-01-05"}""" + "\n");
        var refused = Tool.Run("import", "json", target, dangling);
        Assert.NotEqual(0, refused.Code);
        Assert.Contains("1, \"zz\", \"2026-01-05\"", refused.ToString());
        using var unchanged = ZgDatabase.Open<CompositeDb>(target, Data.Manual);
        Assert.Equal(2, unchanged.Deliveries.Count());
    }
}
