namespace ZgDb.Cli.Tests;

public enum Grade : byte { Low = 1, High = 200 }
public sealed class UIntKeyed { public uint Id { get; set; } public string Name { get; set; } = ""; }
public sealed class ULongKeyed { public ulong Id { get; set; } public string Name { get; set; } = ""; }
public sealed class ShortKeyed { public short Id { get; set; } public string Name { get; set; } = ""; }
public sealed class BytesKeyed { public byte[] Id { get; set; } = []; public string Name { get; set; } = ""; }
public sealed class DateKeyed { public DateTime Id { get; set; } public string Name { get; set; } = ""; }
public sealed class OffsetKeyed { public DateTimeOffset Id { get; set; } public string Name { get; set; } = ""; }
public sealed class DayKeyed { public DateOnly Id { get; set; } public string Name { get; set; } = ""; }
public sealed class DecimalKeyed { public decimal Id { get; set; } public string Name { get; set; } = ""; }
public sealed class CharKeyed { public char Id { get; set; } public string Name { get; set; } = ""; }
public sealed class GradeKeyed { public Grade Id { get; set; } public string Name { get; set; } = ""; }

public sealed class KeysDb : ZgDatabase
{
    public ZgCollection<UIntKeyed> UInts => Collection<UIntKeyed>();
    public ZgCollection<ULongKeyed> ULongs => Collection<ULongKeyed>();
    public ZgCollection<ShortKeyed> Shorts => Collection<ShortKeyed>();
    public ZgCollection<BytesKeyed> Blobs => Collection<BytesKeyed>();
    public ZgCollection<DateKeyed> Dates => Collection<DateKeyed>();
    public ZgCollection<OffsetKeyed> Offsets => Collection<OffsetKeyed>();
    public ZgCollection<DayKeyed> Days => Collection<DayKeyed>();
    public ZgCollection<DecimalKeyed> Decimals => Collection<DecimalKeyed>();
    public ZgCollection<CharKeyed> Chars => Collection<CharKeyed>();
    public ZgCollection<GradeKeyed> Grades => Collection<GradeKeyed>();

    protected override void OnModelCreating(ModelBuilder model) => model.Entity<UIntKeyed>().HasIndex(u => u.Name);
}

/// <summary>
/// Issue 15: the tool reads keys without the application's types; every new key kind is read from the WAL, chunk
/// headers and documents by verify, folded by checkpoint and compact, and the application's next key continues.
/// </summary>
public sealed class KeyTypesTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static void Seed(KeysDb db)
    {
        db.UInts.Insert(new UIntKeyed { Id = 3_000_000_000, Name = "big" });
        db.UInts.Insert(new UIntKeyed { Id = 7, Name = "small" });
        db.ULongs.Insert(new ULongKeyed { Id = ulong.MaxValue, Name = "max" });
        db.ULongs.Insert(new ULongKeyed { Name = "auto" });
        db.Shorts.Insert(new ShortKeyed { Id = -5, Name = "negative" });
        db.Shorts.Insert(new ShortKeyed { Name = "auto" });
        db.Blobs.Insert(new BytesKeyed { Id = [0xff], Name = "ff" });
        db.Blobs.Insert(new BytesKeyed { Id = [0x01, 0x02], Name = "0102" });
        db.Dates.Insert(new DateKeyed { Id = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc), Name = "utc" });
        db.Dates.Insert(new DateKeyed { Id = new DateTime(2023, 1, 1), Name = "unspecified" });
        db.Offsets.Insert(new OffsetKeyed { Id = new DateTimeOffset(2024, 1, 1, 10, 0, 0, TimeSpan.FromHours(3)), Name = "+3" });
        db.Days.Insert(new DayKeyed { Id = new DateOnly(2024, 2, 29), Name = "leap" });
        db.Decimals.Insert(new DecimalKeyed { Id = -1.25m, Name = "neg" });
        db.Decimals.Insert(new DecimalKeyed { Id = 79228162514264337593543950335m, Name = "max" });
        db.Chars.Insert(new CharKeyed { Id = 'é', Name = "e" });
        db.Grades.Insert(new GradeKeyed { Id = Grade.High, Name = "high" });
    }

    [Fact]
    public void Verify_checkpoint_and_compact_read_every_key_kind_and_the_next_key_continues()
    {
        var dir = _temp["db"];
        using (var db = ZgDatabase.Open<KeysDb>(dir, Data.Manual)) Seed(db);

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
        var query = Tool.Run("query", dir, "ULongs", "--json");
        Assert.True(query.Code == 0, query.ToString());
        Assert.Contains("18446744073709551615", query.Output);

        using var app = ZgDatabase.Open<KeysDb>(dir, Data.Manual);
        Assert.Equal([7u, 3_000_000_000u], app.UInts.Select(u => u.Id).ToList());
        var next = new UIntKeyed { Name = "next" };
        app.UInts.Insert(next);
        Assert.Equal(3_000_000_001u, next.Id);
        Assert.Equal([1ul, ulong.MaxValue], app.ULongs.Select(u => u.Id).ToList());
        var nextShort = new ShortKeyed { Name = "next" };
        app.Shorts.Insert(nextShort);
        Assert.Equal(2, nextShort.Id);
        Assert.Equal(["0102", "ff"], app.Blobs.Select(b => b.Name).ToList());
        Assert.Equal("utc", app.Dates.Find(new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc))!.Name);
        Assert.Equal(DateTimeKind.Utc, app.Dates.Find(new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc))!.Id.Kind);
        Assert.Equal("+3", app.Offsets.Find(new DateTimeOffset(2024, 1, 1, 7, 0, 0, TimeSpan.Zero))!.Name);
        Assert.Equal("leap", app.Days.Find(new DateOnly(2024, 2, 29))!.Name);
        Assert.Equal(["neg", "max"], app.Decimals.Select(d => d.Name).ToList());
        Assert.Equal("e", app.Chars.Find('é')!.Name);
        Assert.Equal("high", app.Grades.Find(Grade.High)!.Name);
    }

    [Fact]
    public void Export_and_import_json_round_trip_every_key_kind_and_the_next_key_continues()
    {
        var source = _temp["source"];
        using (var db = ZgDatabase.Open<KeysDb>(source, Data.Manual)) Seed(db);
        var export = _temp["export"];
        var result = Tool.Run("export", "json", source, export);
        Assert.True(result.Code == 0, result.ToString());
        var target = _temp["target"];
        using (ZgDatabase.Open<KeysDb>(target)) { } // closing checkpoints: the manifest stores the model
        result = Tool.Run("import", "json", target, export);
        Assert.True(result.Code == 0, result.ToString());
        Assert.Equal(0, Tool.Run("verify", target).Code);
        var again = _temp["again"];
        Assert.Equal(0, Tool.Run("export", "json", target, again).Code);
        foreach (var file in Directory.GetFiles(export))
            Assert.True(File.ReadAllBytes(file).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(again, Path.GetFileName(file)))), file);
        using var app = ZgDatabase.Open<KeysDb>(target, Data.Manual);
        var next = new UIntKeyed { Name = "next" };
        app.UInts.Insert(next);
        Assert.Equal(3_000_000_001u, next.Id);
        Assert.Equal(["0102", "ff"], app.Blobs.Select(b => b.Name).ToList());
        Assert.Equal("+3", app.Offsets.Find(new DateTimeOffset(2024, 1, 1, 10, 0, 0, TimeSpan.FromHours(3)))!.Name);
    }
}
