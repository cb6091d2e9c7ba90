using System.Globalization;

namespace ZgDb.AotSample;

/// <summary>The sample's database: one collection, indexes on a string, a decimal, a date and a nullable int.</summary>
public sealed class ShopDb : ZgDatabase
{
    /// <summary>The items.</summary>
    public ZgCollection<Item> Items => Collection<Item>();

    /// <inheritdoc />
    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Item>().HasIndex(x => x.City);
        model.Entity<Item>().HasIndex(x => x.Price);
        model.Entity<Item>().HasIndex(x => x.At);
        model.Entity<Item>().HasIndex(x => x.Stock);
    }
}

/// <summary>A stored item: every kind of value the differential check compares.</summary>
public sealed class Item
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string? City { get; set; }
    public decimal Price { get; set; }
    public DateTime At { get; set; }
    public int? Stock { get; set; }
    public decimal? Discount { get; set; }
    public DateTime? Due { get; set; }
    public double Weight { get; set; }
    public List<string> Tags { get; set; } = [];
}

/// <summary>Deterministic items with nulls, duplicates and boundary values.</summary>
public static class SampleData
{
    private static readonly string?[] Cities = ["Lima", "Quito", "Bogotá", "lima", "Zürich", null, "São Paulo", ""];
    private static readonly string[] Names = ["Ada", "Grace", "Linus", "Zoë", "Émile", "ada", "Barbara", "Ka", "Ñandú", "straße"];

    /// <summary>200 items, ids 1 to 200.</summary>
    public static List<Item> Items()
    {
        var items = new List<Item>();
        var start = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (int i = 1; i <= 200; i++)
        {
            items.Add(new Item
            {
                Id = i,
                // a fresh string per document (not the interned literal), so reference equality would be caught
                Name = new string(Names[i % Names.Length].AsSpan()) + (i % 3 == 0 ? "" : i.ToString(CultureInfo.InvariantCulture)),
                City = Cities[i % Cities.Length] is { } c ? new string(c.AsSpan()) : null,
                Price = i * 7.25m % 600m,
                At = start.AddHours(i * 37),
                Stock = i % 4 == 0 ? null : i % 50,
                Discount = i % 5 == 0 ? null : i % 7 * 0.5m,
                Due = i % 6 == 0 ? null : start.AddDays(i % 90),
                Weight = i % 11 * 0.75,
                Tags = i % 4 == 1 ? ["new", "sale"] : i % 4 == 2 ? ["sale"] : [],
            });
        }
        return items;
    }

    /// <summary>An item as text, every property shown (invariant culture).</summary>
    public static string Show(Item? x) => x is null ? "null" : string.Create(CultureInfo.InvariantCulture,
        $"{x.Id}|{x.Name}|{x.City ?? "<null>"}|{x.Price}|{x.At:O}|{x.Stock}|{x.Discount}|{x.Due:O}|{x.Weight}|{string.Join(",", x.Tags)}");
}
