using ZgDb.Tests.Support;
using ZgDb.Linq;

namespace ZgDb.Tests.Keys;

/// <summary>
/// Issue 15: composite foreign keys (<c>HasForeignKey(s =&gt; new { s.A, s.B })</c>, and by convention) to a composite
/// principal key, and a single foreign key that is part of a composite key: checked on write, cascaded and set to null
/// on delete, navigated and included, the same after a reopen; the untyped verifier resolves them too.
/// </summary>
public abstract class CompositeForeignKeySuite<TBackend> : IDisposable where TBackend : Backend, new()
{
    private readonly TBackend _backend = new();
    private CompositeForeignKeysDb _db;

    /// <summary>No checkpoint but the test's own: a reopen replays the WAL.</summary>
    private static ZgDbOptions Manual => new() { Checkpoint = new CheckpointPolicy { MaxChangedDocuments = int.MaxValue, MaxWalBytes = long.MaxValue, OnDispose = false } };

    protected CompositeForeignKeySuite() => _db = _backend.Open<CompositeForeignKeysDb>(Manual);

    public void Dispose()
    {
        _db.Dispose();
        _backend.Dispose();
    }

    private void Seed()
    {
        _db.Orders.Insert(new SalesOrder { Id = 1, Customer = "Ann" });
        _db.Orders.Insert(new SalesOrder { Id = 2, Customer = "Bob" });
        foreach (var (order, sku) in new[] { (1, "a"), (1, "b"), (2, "a"), (2, "c") })
            _db.Lines.Insert(new SalesLine { SalesOrderId = order, Sku = sku, Quantity = order * 10 + sku[0] });
        _db.Shipments.Insert(new Shipment { Id = 1, LineOrder = 1, LineSku = "a", Carrier = "UPS" });
        _db.Shipments.Insert(new Shipment { Id = 2, LineOrder = 1, LineSku = "a", Carrier = "DHL" });
        _db.Shipments.Insert(new Shipment { Id = 3, LineOrder = 2, LineSku = "c", Carrier = "UPS" });
        _db.Complaints.Insert(new Complaint { Id = 1, SalesOrderId = 1, Sku = "b", Text = "late" });
        _db.Complaints.Insert(new Complaint { Id = 2, Text = "no line" });
    }

    [Fact]
    public void The_model_has_a_composite_foreign_key_with_an_index_on_its_parts()
    {
        var shipments = _db.Model.Relationships.Single(r => r.Dependent.ClrType == typeof(Shipment));
        Assert.Equal(["LineOrder", "LineSku"], shipments.ForeignKeyParts.Select(p => p.Name));
        Assert.True(shipments.IsRequired);
        Assert.Contains(shipments.Dependent.Indexes, i => i.Name == "LineOrder,LineSku");
        var complaints = _db.Model.Relationships.Single(r => r.Dependent.ClrType == typeof(Complaint));
        Assert.Equal("SalesOrderId,Sku", complaints.ForeignKeyName);
        Assert.False(complaints.IsRequired);
        var lines = _db.Model.Relationships.Single(r => r.Dependent.ClrType == typeof(SalesLine));
        Assert.Equal("SalesOrderId", lines.ForeignKeyName); // a part of the dependent's composite key
        Assert.Equal("Shipment.(LineOrder, LineSku) -> SalesLine (Cascade)", shipments.ToString());
    }

    [Fact]
    public void A_composite_foreign_key_to_a_missing_principal_is_refused_and_nothing_is_written()
    {
        Seed();
        var error = Assert.Throws<ZgDbForeignKeyException>(() => _db.Shipments.Insert(new Shipment { Id = 9, LineOrder = 1, LineSku = "c" }));
        Assert.Contains("(1, 'c')", error.Message);
        Assert.Contains("LineOrder,LineSku", error.Message);
        Assert.Throws<ZgDbForeignKeyException>(() => _db.Lines.Insert(new SalesLine { SalesOrderId = 3, Sku = "a" }));
        Assert.Throws<ZgDbForeignKeyException>(() => _db.Complaints.Insert(new Complaint { Id = 9, SalesOrderId = 2, Sku = "b" }));
        _db.Complaints.Insert(new Complaint { Id = 10, SalesOrderId = 2, Sku = null }); // a null part: no reference, as in EF Core
        Assert.Equal(3, _db.Shipments.Count());
        Assert.Equal(4, _db.Lines.Count());
    }

    [Fact]
    public void Deleting_an_order_cascades_to_its_lines_their_shipments_and_nulls_the_complaints()
    {
        Seed();
        _db = _backend.Reopen(_db, Manual);
        Assert.True(_db.Orders.Delete(1));
        Assert.Equal([(2, "a"), (2, "c")], _db.Lines.Select(l => new { l.SalesOrderId, l.Sku }).ToList().Select(l => (l.SalesOrderId, l.Sku)));
        Assert.Equal([3], _db.Shipments.Select(s => s.Id).ToList());
        var complaint = _db.Complaints.Find(1)!;
        Assert.Null(complaint.SalesOrderId);
        Assert.Null(complaint.Sku);
        _db = _backend.Reopen(_db, Manual);
        Assert.Equal([3], _db.Shipments.Select(s => s.Id).ToList());
        Assert.True(_db.Lines.Delete(2, "c"));
        Assert.Equal(0, _db.Shipments.Count());
    }

    [Fact]
    public void Navigations_and_Include_follow_composite_foreign_keys_like_linq_to_objects()
    {
        Seed();
        _db.Checkpoint();
        _db = _backend.Reopen(_db, Manual);
        var lines = _db.Lines.ToList();
        var shipments = _db.Shipments.ToList();
        var orders = _db.Orders.ToList();

        var carriers = _db.Shipments.Where(s => s.Line!.Quantity > 15).Select(s => s.Carrier + s.Line!.Sku).ToList();
        Assert.Equal(shipments.Where(s => lines.Single(l => l.SalesOrderId == s.LineOrder && l.Sku == s.LineSku).Quantity > 15)
            .Select(s => s.Carrier + s.LineSku), carriers);

        var shipped = _db.Lines.Where(l => l.Shipments.Any(s => s.Carrier == "UPS")).Select(l => l.Sku + l.SalesOrderId).ToList();
        Assert.Equal(lines.Where(l => shipments.Any(s => s.LineOrder == l.SalesOrderId && s.LineSku == l.Sku && s.Carrier == "UPS")).Select(l => l.Sku + l.SalesOrderId), shipped);

        var withShipments = _db.Lines.Include(l => l.Shipments).Include(l => l.SalesOrder).ToList();
        foreach (var line in withShipments)
        {
            Assert.Equal(shipments.Where(s => s.LineOrder == line.SalesOrderId && s.LineSku == line.Sku).Select(s => s.Id), line.Shipments.Select(s => s.Id));
            Assert.Equal(orders.Single(o => o.Id == line.SalesOrderId).Customer, line.SalesOrder!.Customer);
        }
        var withLine = _db.Shipments.Include(s => s.Line).ToList();
        Assert.All(withLine, s => Assert.Equal((s.LineOrder, s.LineSku), (s.Line!.SalesOrderId, s.Line.Sku)));
        var order = _db.Orders.Include(o => o.Lines).Single(o => o.Id == 2);
        Assert.Equal(["a", "c"], order.Lines.Select(l => l.Sku));
        Assert.Equal("late", _db.Complaints.Include(c => c.SalesLine).Single(c => c.SalesLine != null && c.SalesLine.Sku == "b").Text);
    }
}

public sealed class CompositeForeignKeySuiteInMemory : CompositeForeignKeySuite<InMemoryBackend>;
public sealed class CompositeForeignKeySuiteOnDisk : CompositeForeignKeySuite<OnDiskBackend>;
