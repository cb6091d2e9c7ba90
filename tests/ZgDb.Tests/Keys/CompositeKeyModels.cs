namespace ZgDb.Tests.Keys;

/// <summary>An order line keyed as EF Core's Northwind keys Order Details: (OrderId, ProductId), configured with HasKey.</summary>
public sealed class OrderLine
{
    public int OrderId { get; set; }
    public int ProductId { get; set; }
    public short Quantity { get; set; }
    public decimal Price { get; set; }
    public string Note { get; set; } = "";
}

/// <summary>A composite key declared with the attribute, of a string, a date and an enum part.</summary>
[PrimaryKey(nameof(Code), nameof(Day), nameof(Shade))]
public sealed class Shift
{
    public string Code { get; set; } = "";
    public DateOnly Day { get; set; }
    public Shade Shade { get; set; }
    public int Hours { get; set; }
}

/// <summary>A composite key of a Guid, a ulong and a byte array part.</summary>
public sealed class Reading
{
    public Guid Sensor { get; set; }
    public ulong Tick { get; set; }
    public byte[] Tag { get; set; } = [];
    public double Value { get; set; }
}

public sealed class CompositeKeysDb : ZgDatabase
{
    public ZgCollection<OrderLine> Lines => Collection<OrderLine>();
    public ZgCollection<Shift> Shifts => Collection<Shift>();
    public ZgCollection<Reading> Readings => Collection<Reading>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<OrderLine>().HasKey(l => new { l.OrderId, l.ProductId });
        model.Entity<OrderLine>().HasIndex(l => l.ProductId);
        model.Entity<Reading>().HasKey(r => new { r.Sensor, r.Tick, r.Tag });
        model.Entity<Reading>().HasIndex(r => r.Value);
    }
}
