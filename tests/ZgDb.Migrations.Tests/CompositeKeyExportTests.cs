using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;
using ZgDb.Migrations.Export;
using ZgDb.Migrations.Tests.Support;

namespace ZgDb.Migrations.Tests
{
    /// <summary>
    /// Issue 15: composite keys and composite foreign keys in the export: the replayed EF Core model has EF Core's
    /// <c>HasKey(x =&gt; new { ... })</c> and composite <c>HasForeignKey</c>, the rows arrive equal on SQLite and a real
    /// PostgreSQL, and EF Core finds, joins and refuses by them as ZgDb does.
    /// </summary>
    public abstract class CompositeKeyExportSuite(ExportBackend backend, ITestOutputHelper output) : IDisposable
    {
        public void Dispose() => backend.Dispose();

        private static CompositeExportDb Seed()
        {
            var db = ZgDatabase.OpenInMemory<CompositeExportDb>();
            db.Orders.Insert(new CkOrder { Id = 10248, Customer = "VINET" });
            db.Orders.Insert(new CkOrder { Id = 10249, Customer = "TOMSP" });
            foreach (var (order, sku, units) in new[] { (10248, "11", 12), (10248, "42", 10), (10249, "14", 9), (10249, "0", 0), (10248, "72", 5) })
                db.Lines.Insert(new CkLine { OrderId = order, Sku = sku, Day = new DateOnly(2026, 1, units + 1), Units = units, Price = units * 1.25m });
            db.Shipments.Insert(new CkShipment { Id = 1, LineOrder = 10248, LineSku = "42", LineDay = new DateOnly(2026, 1, 11), Carrier = "UPS" });
            db.Shipments.Insert(new CkShipment { Id = 2, LineOrder = 10249, LineSku = "0", LineDay = new DateOnly(2026, 1, 1), Carrier = "DHL" });
            return db;
        }

        [SkippableFact]
        public async Task Composite_keys_and_composite_foreign_keys_export_with_their_rows_and_EF_Core_keys()
        {
            backend.SkipIfUnavailable();
            using var db = Seed();
            var target = backend.NewTarget();
            var report = await ZgDbExporter.ExportAsync(db, target);
            output.WriteLine(report.ToString());
            Assert.True(report.Verified, report.ToString());

            await using var context = backend.Context(db.Model, target);
            var line = context.Model.FindEntityType(typeof(CkLine))!;
            Assert.Equal(["OrderId", "Sku", "Day"], line.FindPrimaryKey()!.Properties.Select(p => p.Name));
            Assert.All(line.FindPrimaryKey()!.Properties, p => Assert.Equal(Microsoft.EntityFrameworkCore.Metadata.ValueGenerated.Never, p.ValueGenerated));
            var foreignKey = context.Model.FindEntityType(typeof(CkShipment))!.GetForeignKeys().Single();
            Assert.Equal(["LineOrder", "LineSku", "LineDay"], foreignKey.Properties.Select(p => p.Name));
            Assert.Same(line.FindPrimaryKey(), foreignKey.PrincipalKey);
            var toOrder = line.GetForeignKeys().Single();
            Assert.Equal(["OrderId"], toOrder.Properties.Select(p => p.Name)); // a part of the key is the foreign key to the order

            var source = db.Lines.ToList();
            var exported = await context.Set<CkLine>().ToListAsync();
            Assert.Equal(source.Count, exported.Count);
            var byKey = exported.ToDictionary(l => (l.OrderId, l.Sku, l.Day));
            foreach (var row in source)
            {
                var copy = byKey[(row.OrderId, row.Sku, row.Day)];
                Assert.Equal(ContentChecksum.CanonicalText(row, db.Lines.Entity.Properties), ContentChecksum.CanonicalText(copy, db.Lines.Entity.Properties));
            }
            Assert.Equal(db.Shipments.Select(s => s.Carrier).ToList(), (await context.Set<CkShipment>().OrderBy(s => s.Id).ToListAsync()).Select(s => s.Carrier));

            Assert.Equal(10, (await context.Set<CkLine>().FindAsync(10248, "42", new DateOnly(2026, 1, 11)))!.Units);
            var joined = await context.Set<CkShipment>().OrderBy(s => s.Id).Select(s => s.Line!.Units).ToListAsync();
            Assert.Equal(db.Shipments.Select(s => s.Line!.Units).ToList(), joined);
            var prefix = await context.Set<CkLine>().Where(l => l.OrderId == 10248).Select(l => l.Sku).ToListAsync();
            Assert.Equal(db.Lines.Where(l => l.OrderId == 10248).Select(l => l.Sku).ToList(), prefix.OrderBy(s => s, StringComparer.Ordinal));

            // the target refuses a dangling composite foreign key, as ZgDb does
            context.Set<CkShipment>().Add(new CkShipment { Id = 3, LineOrder = 10248, LineSku = "99", LineDay = new DateOnly(2026, 1, 1), Carrier = "x" });
            await Assert.ThrowsAsync<DbUpdateException>(() => context.SaveChangesAsync());
            Assert.Throws<ZgDbForeignKeyException>(() => db.Shipments.Insert(new CkShipment { Id = 3, LineOrder = 10248, LineSku = "99", LineDay = new DateOnly(2026, 1, 1) }));
        }
    }

    public sealed class SqliteCompositeKeyExportTests(ITestOutputHelper output) : CompositeKeyExportSuite(new SqliteExportBackend(), output);

    [Collection("postgres")]
    public sealed class PostgresCompositeKeyExportTests(PostgresCluster cluster, ITestOutputHelper output) : CompositeKeyExportSuite(new PostgresExportBackend(cluster), output);
}

namespace ZgDb.Migrations.Tests.Support
{
    public sealed class CkOrder { public int Id { get; set; } public string Customer { get; set; } = ""; public List<CkLine> Lines { get; set; } = []; }

    public sealed class CkLine
    {
        public int OrderId { get; set; }
        public string Sku { get; set; } = "";
        public DateOnly Day { get; set; }
        public int Units { get; set; }
        public decimal Price { get; set; }
        public CkOrder? Order { get; set; }
    }

    public sealed class CkShipment
    {
        public int Id { get; set; }
        public int LineOrder { get; set; }
        public string LineSku { get; set; } = "";
        public DateOnly LineDay { get; set; }
        public string Carrier { get; set; } = "";
        public CkLine? Line { get; set; }
    }

    public sealed class CompositeExportDb : ZgDatabase
    {
        public ZgCollection<CkOrder> Orders => Collection<CkOrder>();
        public ZgCollection<CkLine> Lines => Collection<CkLine>();
        public ZgCollection<CkShipment> Shipments => Collection<CkShipment>();

        protected override void OnModelCreating(ModelBuilder model)
        {
            model.Entity<CkLine>().HasKey(l => new { l.OrderId, l.Sku, l.Day });
            model.Entity<CkLine>().HasOne(l => l.Order).WithMany(o => o.Lines).HasForeignKey(l => l.OrderId);
            model.Entity<CkShipment>().HasOne(s => s.Line).WithMany().HasForeignKey(s => new { s.LineOrder, s.LineSku, s.LineDay }).IsRequired();
        }
    }
}
