using ZgDb.Tests.Support;
using ZgDb.Linq;

namespace ZgDb.Tests.Keys;

public sealed class Region { public uint Id { get; set; } public string Name { get; set; } = ""; public List<Territory> Territories { get; set; } = []; }
public sealed class Territory { public string Id { get; set; } = ""; public uint RegionId { get; set; } public Region? Region { get; set; } public char? GradeId { get; set; } public Grade? Grade { get; set; } }
public sealed class Grade { public char Id { get; set; } public string Name { get; set; } = ""; }
public sealed class Blob { public byte[] Id { get; set; } = []; }
public sealed class BlobRef { public int Id { get; set; } public byte[]? BlobId { get; set; } public Blob? Blob { get; set; } }

public sealed class NorthwindishDb : ZgDatabase
{
    public ZgCollection<Region> Regions => Collection<Region>();
    public ZgCollection<Territory> Territories => Collection<Territory>();
    public ZgCollection<Grade> Grades => Collection<Grade>();
}

public sealed class BlobRefDb : ZgDatabase
{
    public ZgCollection<Blob> Blobs => Collection<Blob>();
    public ZgCollection<BlobRef> Refs => Collection<BlobRef>();
}

/// <summary>Issue 15: foreign keys to uint and char keys (EF Core's Northwind has uint keys) are enforced, cascade and navigate.</summary>
public abstract class ForeignKeysOfNewKeyTypes<TBackend> : IDisposable where TBackend : Backend, new()
{
    private readonly TBackend _backend = new();

    public void Dispose() => _backend.Dispose();

    [Fact]
    public void Foreign_keys_to_uint_and_char_keys_are_checked_cascaded_and_included()
    {
        using var db = _backend.Open<NorthwindishDb>();
        var east = new Region { Name = "East" };
        db.Regions.Insert(east);
        db.Regions.Insert(new Region { Id = 4_000_000_000, Name = "Far" });
        db.Grades.Insert(new Grade { Id = 'A', Name = "top" });
        db.Territories.Insert(new Territory { Id = "t1", RegionId = east.Id, GradeId = 'A' });
        db.Territories.Insert(new Territory { Id = "t2", RegionId = 4_000_000_000 });
        Assert.Throws<ZgDbForeignKeyException>(() => db.Territories.Insert(new Territory { Id = "t3", RegionId = 17 }));
        Assert.Throws<ZgDbForeignKeyException>(() => db.Territories.Insert(new Territory { Id = "t3", RegionId = east.Id, GradeId = 'Z' }));
        var withTerritories = db.Regions.Include(r => r.Territories).ToList();
        Assert.Equal(["t2"], withTerritories.Single(r => r.Name == "Far").Territories.Select(t => t.Id));
        Assert.Equal(["t1"], db.Territories.Where(t => t.Region!.Name == "East").Select(t => t.Id).ToList());
        Assert.Equal("top", db.Territories.Include(t => t.Grade).Single(t => t.Id == "t1").Grade!.Name);
        Assert.True(db.Regions.Delete(4_000_000_000u));
        Assert.Null(db.Territories.Find("t2")); // cascaded through the uint foreign-key index
        Assert.Equal(["t1"], db.Territories.Select(t => t.Id).ToList());
    }

    [Fact]
    public void A_foreign_key_to_a_byte_array_key_is_refused_at_open_naming_it()
    {
        var e = Assert.Throws<ZgDbModelException>(() => _backend.Open<BlobRefDb>());
        Assert.Contains("'BlobRef', property 'BlobId'", e.Message);
        Assert.Contains("byte[]", e.Message);
    }
}

public sealed class ForeignKeysOfNewKeyTypesInMemory : ForeignKeysOfNewKeyTypes<InMemoryBackend>;
public sealed class ForeignKeysOfNewKeyTypesOnDisk : ForeignKeysOfNewKeyTypes<OnDiskBackend>;
