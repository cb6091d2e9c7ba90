namespace ZgDb.Migrations.Tests.DayOne;

public class Place
{
    public string City { get; set; } = "";
    public string? Street { get; set; }
    public int Zip { get; set; }
}

public class OrderLine
{
    public string Sku { get; set; } = "";
    public int Quantity { get; set; }
    public decimal Price { get; set; }
    public Place? ShipTo { get; set; }
}

public class Order
{
    public int Id { get; set; }
    public string Customer { get; set; } = "";
    public Place ShipTo { get; set; } = new();
    public Place? BillTo { get; set; }
    public List<OrderLine> Lines { get; set; } = [];
}

/// <summary>Nested classes at every shape: a required one, an optional one, a list of them with a nested one inside.</summary>
public class OrdersDb : ZgDatabase
{
    public ZgCollection<Order> Orders => Collection<Order>();

    protected override void OnModelCreating(ModelBuilder model) => model.Entity<Order>().Property(o => o.ShipTo).IsRequired();

    public static OrdersDb Filled()
    {
        var db = OpenInMemory<OrdersDb>();
        string[] cities = ["Oslo", "Lyon", "Porto"];
        for (int i = 1; i <= 20; i++)
            db.Orders.Insert(new Order
            {
                Customer = $"customer {i}",
                ShipTo = new Place { City = cities[i % 3], Street = i % 4 == 0 ? null : $"{i} Main St", Zip = 1000 + i },
                BillTo = i % 3 == 0 ? null : new Place { City = cities[(i + 1) % 3], Zip = 2000 + i },
                Lines = [.. Enumerable.Range(1, i % 4).Select(n => new OrderLine
                {
                    Sku = $"SKU-{i}-{n}", Quantity = n, Price = n * 2.25m,
                    ShipTo = n == 2 ? new Place { City = "Bergen", Zip = 5000 + n } : null,
                })],
            });
        return db;
    }
}
