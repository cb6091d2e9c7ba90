using ZgDb.Tests.Support;

namespace ZgDb.Tests.Regressions;

/// <summary>
/// Regression (found porting EF Core's Northwind tests, whose entities override Equals by key): a document inserted
/// and then updated inside one transaction kept its inserted values, silently, before and after Commit. The delta's
/// immutable dictionary compared the new entry with the old one through the entity's own Equals (equal keys, same
/// LSN inside one transaction) and kept the old one as "unchanged".
/// </summary>
public abstract class UpdateAfterInsertInOneTransactionWasLost<TBackend> : DatabaseSuite<TBackend> where TBackend : Backend, new()
{
    public sealed class Place
    {
        public string Id { get; set; } = "";
        public string City { get; set; } = "";
        public int Visits { get; set; }
        public override bool Equals(object? obj) => obj is Place other && other.Id == Id; // by key, as EF Core's test models do
        public override int GetHashCode() => Id.GetHashCode();
    }

    public sealed class PlacesDb : ZgDatabase
    {
        public ZgCollection<Place> Places => Collection<Place>();
        protected override void OnModelCreating(ModelBuilder model) => model.Entity<Place>().HasIndex(p => p.City);
    }

    [Fact]
    public void Every_write_in_one_transaction_to_a_document_equal_by_key_takes_effect()
    {
        Db.Dispose();
        var db = Backend.Open<PlacesDb>();
        var places = new List<Place> { new() { Id = "ALFKI", City = "Berlin" }, new() { Id = "B", City = "Bern" } };
        using (var tx = db.BeginTransaction())
        {
            db.Places.InsertMany(places);
            places[0].City = "Changed";
            db.Places.Update(places[0]);
            Assert.Equal("Changed", db.Places.Find("ALFKI")!.City); // inside the transaction
            db.Places.Upsert(new Place { Id = "B", City = "Bern", Visits = 3 });
            db.Places.UpdateMany(p => p.Id == "B", p => p.Visits++);
            tx.Commit();
        }
        void Check(PlacesDb d)
        {
            Assert.Equal("Changed", d.Places.Find("ALFKI")!.City);
            Assert.Equal(4, d.Places.Find("B")!.Visits);
            Assert.Equal(1, d.Places.Count(p => p.City == "Changed")); // through the index
            Assert.Equal(0, d.Places.Count(p => p.City == "Berlin"));
        }
        Check(db);
        db = Backend.Reopen(db);
        Check(db);
        db.Dispose();
    }
}

public sealed class UpdateAfterInsertInOneTransactionWasLostInMemory : UpdateAfterInsertInOneTransactionWasLost<InMemoryBackend>;
public sealed class UpdateAfterInsertInOneTransactionWasLostOnDisk : UpdateAfterInsertInOneTransactionWasLost<OnDiskBackend>;
