namespace ZgDb.Linq.Tests;

/// <summary>
/// One database filled with <see cref="TestData"/>, and the same documents as plain lists for LINQ-to-Objects.
/// Subclasses decide where the database lives (the generic suites run on each).
/// </summary>
public abstract class Backend : IDisposable
{
    public const int PeopleCount = 6000, OrderCount = 3500, ProductCount = 500;

    protected Backend()
    {
        People = TestData.People(PeopleCount);
        Orders = TestData.Orders(OrderCount, PeopleCount);
        Products = TestData.Products(ProductCount);
    }

    public List<Person> People { get; }
    public List<Order> Orders { get; }
    public List<Product> Products { get; }
    public ShopDb Db { get; protected set; } = null!;

    protected void Fill(ShopDb db)
    {
        db.People.InsertMany(People);
        db.Orders.InsertMany(Orders);
        db.Products.InsertMany(Products);
    }

    public virtual void Dispose()
    {
        Db.Dispose();
        GC.SuppressFinalize(this);
    }
}

public class InMemoryBackend : Backend
{
    public InMemoryBackend()
    {
        Db = ZgDatabase.OpenInMemory<ShopDb>();
        Fill(Db);
    }
}

/// <summary>On disk, reopened after the data was written and checkpointed, so reads come from chunk files.</summary>
public class OnDiskBackend : Backend
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "zgdb-linq-" + Guid.NewGuid().ToString("N"));

    public OnDiskBackend()
    {
        var options = new ZgDbOptions { ChunkDocuments = 256 };
        using (var db = ZgDatabase.Open<ShopDb>(_directory, options)) Fill(db);
        Db = ZgDatabase.Open<ShopDb>(_directory, options);
    }

    public override void Dispose()
    {
        base.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
