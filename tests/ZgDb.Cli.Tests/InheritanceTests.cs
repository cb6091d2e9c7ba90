namespace ZgDb.Cli.Tests;

public abstract class Pet { public int Id { get; set; } public string Name { get; set; } = ""; }
public sealed class Hound : Pet { public string Breed { get; set; } = ""; }
public sealed class Kitten : Pet { public int Lives { get; set; } }

public sealed class PetsDb : ZgDatabase
{
    public ZgCollection<Pet> Pets => Collection<Pet>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Hound>().HasIndex(h => h.Breed);
        model.Entity<Kitten>();
    }
}

/// <summary>
/// Issue 15: the tool reads a collection holding a hierarchy without the application's types: the discriminator is
/// a property like any other (query prints and filters on it), verify checks each document against its own type's
/// properties and the derived-property index, export and import round-trip the documents, and import refuses a
/// document whose discriminator names no type.
/// </summary>
public sealed class InheritanceTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static void Seed(PetsDb db)
    {
        db.Pets.Insert(new Hound { Name = "rex", Breed = "pug" });
        db.Pets.Insert(new Kitten { Name = "tom", Lives = 9 });
        db.Pets.Insert(new Hound { Name = "fido", Breed = "collie" });
    }

    [Fact]
    public void Query_verify_export_and_import_read_derived_documents_untyped()
    {
        var dir = _temp["db"];
        using (var db = ZgDatabase.Open<PetsDb>(dir, Data.Manual)) Seed(db); // in the WAL
        var verify = Tool.Run("verify", dir);
        Assert.True(verify.Code == 0, verify.ToString());
        Assert.Equal(0, Tool.Run("checkpoint", dir).Code);
        verify = Tool.Run("verify", dir); // from chunks and the index on Breed
        Assert.True(verify.Code == 0, verify.ToString());

        var query = Tool.Run("query", dir, "Pets", "--json");
        Assert.True(query.Code == 0, query.ToString());
        var lines = query.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Contains("\"Discriminator\":\"Hound\"", lines[0]);
        Assert.Contains("\"Breed\":\"pug\"", lines[0]);
        Assert.Contains("\"Discriminator\":\"Kitten\"", lines[1]);
        Assert.Contains("\"Lives\":9", lines[1]);
        var hounds = Tool.Run("query", dir, "Pets", "--where", "Discriminator = 'Hound'", "--count");
        Assert.True(hounds.Code == 0, hounds.ToString());
        Assert.Contains("2", hounds.Output);

        var export = _temp["export"];
        Assert.Equal(0, Tool.Run("export", "json", dir, export).Code);
        var target = _temp["target"];
        using (ZgDatabase.Open<PetsDb>(target)) { }
        var import = Tool.Run("import", "json", target, export);
        Assert.True(import.Code == 0, import.ToString());
        using (var app = ZgDatabase.Open<PetsDb>(target, Data.Manual))
        {
            Assert.Equal(["Hound", "Kitten", "Hound"], app.Pets.ToList().Select(p => p.GetType().Name));
            Assert.Equal("collie", app.Pets.OfType<Hound>().Single(h => h.Breed == "collie").Breed);
        }

        var unknown = _temp["unknown"];
        Directory.CreateDirectory(unknown);
        File.WriteAllText(Path.Combine(unknown, "Pets.jsonl"), """{"Id":9,"Name":"nemo","Discriminator":"Fish"}""" + "\n");
        var refused = Tool.Run("import", "json", target, unknown);
        Assert.NotEqual(0, refused.Code);
        Assert.Contains("'Fish'", refused.ToString());
        var wrong = _temp["wrong"];
        Directory.CreateDirectory(wrong);
        File.WriteAllText(Path.Combine(wrong, "Pets.jsonl"), """{"Id":9,"Name":"tom2","Discriminator":"Kitten","Breed":"pug"}""" + "\n");
        refused = Tool.Run("import", "json", target, wrong);
        Assert.NotEqual(0, refused.Code);
        Assert.Contains("Breed", refused.ToString());
        using var unchanged = ZgDatabase.Open<PetsDb>(target, Data.Manual);
        Assert.Equal(3, unchanged.Pets.Count());
    }
}
