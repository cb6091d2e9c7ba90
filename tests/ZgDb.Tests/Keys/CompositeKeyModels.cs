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

/// <summary>A composite key of DateTime, DateTimeOffset, decimal, char and short parts.</summary>
public sealed class Stamp
{
    public DateTime At { get; set; }
    public DateTimeOffset Offset { get; set; }
    public decimal Amount { get; set; }
    public char Grade { get; set; }
    public short Step { get; set; }
    public int Order { get; set; }
}

public sealed class CompositeKeysDb : ZgDatabase
{
    public ZgCollection<Stamp> Stamps => Collection<Stamp>();
    public ZgCollection<OrderLine> Lines => Collection<OrderLine>();
    public ZgCollection<Shift> Shifts => Collection<Shift>();
    public ZgCollection<Reading> Readings => Collection<Reading>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<OrderLine>().HasKey(l => new { l.OrderId, l.ProductId });
        model.Entity<OrderLine>().HasIndex(l => l.ProductId);
        model.Entity<Reading>().HasKey(r => new { r.Sensor, r.Tick, r.Tag });
        model.Entity<Reading>().HasIndex(r => r.Value);
        model.Entity<Stamp>().HasKey(s => new { s.At, s.Offset, s.Amount, s.Grade, s.Step });
        model.Entity<Stamp>().HasIndex(s => s.Order).IsUnique();
    }
}

/// <summary>A principal of order lines (single key), for a foreign key that is part of a composite key.</summary>
public sealed class SalesOrder
{
    public int Id { get; set; }
    public string Customer { get; set; } = "";
    public List<SalesLine> Lines { get; set; } = [];
}

/// <summary>Keyed (SalesOrderId, Sku); SalesOrderId is also the foreign key to its order, as Northwind's Order Details.</summary>
public sealed class SalesLine
{
    public int SalesOrderId { get; set; }
    public string Sku { get; set; } = "";
    public int Quantity { get; set; }
    public SalesOrder? SalesOrder { get; set; }
    public List<Shipment> Shipments { get; set; } = [];
}

/// <summary>A dependent with a composite foreign key (LineOrder, LineSku) to a sales line (required, cascades).</summary>
public sealed class Shipment
{
    public int Id { get; set; }
    public int LineOrder { get; set; }
    public string LineSku { get; set; } = "";
    public string Carrier { get; set; } = "";
    public SalesLine? Line { get; set; }
}

/// <summary>An optional composite foreign key (nullable parts) that is set to null when its line is deleted.</summary>
public sealed class Complaint
{
    public int Id { get; set; }
    public int? SalesOrderId { get; set; }
    public string? Sku { get; set; }
    public string Text { get; set; } = "";
    public SalesLine? SalesLine { get; set; }
}

public sealed class CompositeForeignKeysDb : ZgDatabase
{
    public ZgCollection<SalesOrder> Orders => Collection<SalesOrder>();
    public ZgCollection<SalesLine> Lines => Collection<SalesLine>();
    public ZgCollection<Shipment> Shipments => Collection<Shipment>();
    public ZgCollection<Complaint> Complaints => Collection<Complaint>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<SalesLine>().HasKey(l => new { l.SalesOrderId, l.Sku });
        model.Entity<Shipment>().HasOne(s => s.Line).WithMany(l => l.Shipments).HasForeignKey(s => new { s.LineOrder, s.LineSku }).IsRequired(); // a string part is nullable in ZgDb: say it is required
        // Complaint -> SalesLine by convention: properties named as the key's parts (SalesOrderId, Sku).
        model.Entity<Complaint>().HasOne(c => c.SalesLine).WithMany().OnDelete(DeleteBehavior.SetNull);
    }
}
