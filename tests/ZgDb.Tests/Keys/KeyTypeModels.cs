namespace ZgDb.Tests.Keys;

public sealed class ByteRow { public byte Id { get; set; } public string Name { get; set; } = ""; }
public sealed class SByteRow { public sbyte Id { get; set; } public string Name { get; set; } = ""; }
public sealed class ShortRow { public short Id { get; set; } public string Name { get; set; } = ""; }
public sealed class UShortRow { public ushort Id { get; set; } public string Name { get; set; } = ""; }
public sealed class IntRow { public int Id { get; set; } public string Name { get; set; } = ""; }
public sealed class UIntRow { public uint Id { get; set; } public string Name { get; set; } = ""; }
public sealed class LongRow { public long Id { get; set; } public string Name { get; set; } = ""; }
public sealed class ULongRow { public ulong Id { get; set; } public string Name { get; set; } = ""; }
public sealed class CharRow { public char Id { get; set; } public string Name { get; set; } = ""; }
public sealed class StringRow { public string Id { get; set; } = ""; public string Name { get; set; } = ""; }
public sealed class GuidRow { public Guid Id { get; set; } public string Name { get; set; } = ""; }
public sealed class DateTimeRow { public DateTime Id { get; set; } public string Name { get; set; } = ""; }
public sealed class DateTimeOffsetRow { public DateTimeOffset Id { get; set; } public string Name { get; set; } = ""; }
public sealed class DateOnlyRow { public DateOnly Id { get; set; } public string Name { get; set; } = ""; }
public sealed class DecimalRow { public decimal Id { get; set; } public string Name { get; set; } = ""; }
public enum Shade : short { Dark = -3, None = 0, Light = 2, Bright = 9 }
public sealed class EnumRow { public Shade Id { get; set; } public string Name { get; set; } = ""; }
public sealed class BytesRow { public byte[] Id { get; set; } = []; public string Name { get; set; } = ""; }

/// <summary>Small and unsigned integer properties with indexes (and a sum), on an int-keyed row.</summary>
public sealed class Measure
{
    public int Id { get; set; }
    public uint Count { get; set; }
    public ushort Port { get; set; }
    public byte Level { get; set; }
    public ulong Big { get; set; }
    public sbyte Delta { get; set; }
}

public sealed class KeyTypesDb : ZgDatabase
{
    public ZgCollection<ByteRow> Bytes8 => Collection<ByteRow>();
    public ZgCollection<SByteRow> SBytes => Collection<SByteRow>();
    public ZgCollection<ShortRow> Shorts => Collection<ShortRow>();
    public ZgCollection<UShortRow> UShorts => Collection<UShortRow>();
    public ZgCollection<IntRow> Ints => Collection<IntRow>();
    public ZgCollection<UIntRow> UInts => Collection<UIntRow>();
    public ZgCollection<LongRow> Longs => Collection<LongRow>();
    public ZgCollection<ULongRow> ULongs => Collection<ULongRow>();
    public ZgCollection<CharRow> Chars => Collection<CharRow>();
    public ZgCollection<StringRow> Strings => Collection<StringRow>();
    public ZgCollection<GuidRow> Guids => Collection<GuidRow>();
    public ZgCollection<DateTimeRow> DateTimes => Collection<DateTimeRow>();
    public ZgCollection<DateTimeOffsetRow> DateTimeOffsets => Collection<DateTimeOffsetRow>();
    public ZgCollection<DateOnlyRow> DateOnlys => Collection<DateOnlyRow>();
    public ZgCollection<DecimalRow> Decimals => Collection<DecimalRow>();
    public ZgCollection<EnumRow> Enums => Collection<EnumRow>();
    public ZgCollection<BytesRow> ByteArrays => Collection<BytesRow>();
    public ZgCollection<Measure> Measures => Collection<Measure>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Measure>().HasIndex(m => m.Count);
        model.Entity<Measure>().HasIndex(m => m.Port);
        model.Entity<Measure>().HasIndex(m => m.Level);
        model.Entity<Measure>().HasIndex(m => m.Big);
        model.Entity<Measure>().HasIndex(m => m.Delta);
    }
}

/// <summary>Positional records and init-only properties, as EF Core binds them.</summary>
public sealed record Tag(int Id, string Name);
public sealed record Label(Guid Id, string Text, Point? Origin);
public sealed record Point(int X, int Y);
public sealed class Pin
{
    public int Id { get; init; }
    public string Title { get; init; } = "";
    public Point? At { get; init; }
    public List<Point> Trail { get; init; } = [];
}
public record Note2(long Id, string Body)
{
    public int Stars { get; init; }
}

public sealed class RecordsDb : ZgDatabase
{
    public ZgCollection<Tag> Tags => Collection<Tag>();
    public ZgCollection<Label> Labels => Collection<Label>();
    public ZgCollection<Pin> Pins => Collection<Pin>();
    public ZgCollection<Note2> Notes => Collection<Note2>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Tag>().HasIndex(t => t.Name);
    }
}
