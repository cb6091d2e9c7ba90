using System.ComponentModel.DataAnnotations;

namespace ZgDb.Linq.Tests;

public enum Status { Inactive, Active, Banned, Pending }

public sealed class Address
{
    public string? Street { get; set; }
    public string? Zip { get; set; }
    public int Floor { get; set; }
}

public sealed class Person
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string? City { get; set; }
    public int Age { get; set; }
    public int? Score { get; set; }
    public double Height { get; set; }
    public decimal Balance { get; set; }
    public DateTime Born { get; set; }
    public Status Status { get; set; }
    public bool Active { get; set; }
    public string Email { get; set; } = "";
    public long Big { get; set; }
    public Guid External { get; set; }
    public Address? Address { get; set; }
    public List<string> Tags { get; set; } = [];
}

public sealed class Order
{
    public int Id { get; set; }
    public int PersonId { get; set; }
    public decimal Amount { get; set; }
    public DateTime At { get; set; }
    public string Product { get; set; } = "";
    public int Quantity { get; set; }
}

public sealed class Product
{
    [Key] public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public int Stock { get; set; }
    public string? Category { get; set; }
}

/// <summary>The differential suite's database: three collections, indexes on several kinds of property.</summary>
public sealed class ShopDb : ZgDatabase
{
    public ZgCollection<Person> People => Collection<Person>();
    public ZgCollection<Order> Orders => Collection<Order>();
    public ZgCollection<Product> Products => Collection<Product>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        var person = model.Entity<Person>();
        person.HasIndex(p => p.City);
        person.HasIndex(p => p.Age);
        person.HasIndex(p => new { p.City, p.Age });
        person.HasIndex(p => p.Email).IsUnique();
        person.HasIndex(p => p.Score);
        person.HasIndex(p => p.Status);
        person.HasIndex(p => p.Name);
        person.HasIndex(p => p.Born);
        person.HasIndex(p => p.Address!.Zip);
        model.Entity<Order>().HasIndex(o => o.PersonId);
        model.Entity<Order>().HasIndex(o => o.At);
        model.Entity<Product>().HasIndex(p => p.Category);
    }
}

/// <summary>Deterministic documents: nulls, duplicates, boundary values, unicode.</summary>
public static class TestData
{
    public static readonly string[] Cities = ["Paris", "London", "Berlin", "Zürich", "São Paulo", "Москва", "東京", "paris", "Ålesund", "Łódź", "New York", "Kabul"];
    public static readonly string[] Names = ["Karl", "Karin", "Kaja", "Ada", "Grace", "Linus", "Zoë", "Émile", "ångström", "Ærø", "karl", "KARL", "Ka", "K", "Ω", "Ñandú", "Ka\u00ADrl", "İlkay", "straße", "Strasse", "😀smile", "", "Anna", "Bob", "Ōsaka"];

    public static List<Person> People(int count)
    {
        var random = new Random(20261123);
        var people = new List<Person>(count);
        for (int i = 1; i <= count; i++)
        {
            var name = Names[random.Next(Names.Length)] + (random.Next(4) == 0 ? "" : " " + (char)('A' + random.Next(26)) + random.Next(100));
            people.Add(new Person
            {
                Id = i,
                Name = name,
                City = random.Next(10) == 0 ? null : Cities[random.Next(Cities.Length)],
                Age = i switch { 1 => 0, 2 => int.MaxValue, 3 => int.MinValue, _ => random.Next(0, 100) },
                Score = random.Next(5) == 0 ? null : random.Next(-50, 50),
                Height = i == 4 ? double.NaN : i == 5 ? -0.0 : Math.Round(random.NextDouble() * 2.2, 2),
                Balance = Math.Round((decimal)(random.NextDouble() * 20000 - 5000), 2),
                Born = new DateTime(1940, 1, 1).AddDays(random.Next(0, 30000)).AddSeconds(random.Next(86400)),
                Status = (Status)random.Next(4),
                Active = random.Next(3) != 0,
                Email = $"user{i}@{(i % 7 == 0 ? "Example" : "example")}.com",
                Big = i == 6 ? long.MaxValue : i == 7 ? long.MinValue : (long)random.Next() * random.Next(1000),
                External = new Guid(random.Next(), (short)random.Next(short.MaxValue), (short)random.Next(short.MaxValue), [.. Enumerable.Range(0, 8).Select(_ => (byte)random.Next(256))]),
                Address = random.Next(6) == 0 ? null : new Address
                {
                    Street = random.Next(8) == 0 ? null : $"{random.Next(1, 300)} {Names[random.Next(Names.Length)]} St",
                    Zip = random.Next(8) == 0 ? null : (10000 + random.Next(60)).ToString(System.Globalization.CultureInfo.InvariantCulture),
                    Floor = random.Next(-2, 20),
                },
                Tags = [.. Enumerable.Range(0, random.Next(4)).Select(_ => new[] { "vip", "new", "late", "eu", "ünïcode" }[random.Next(5)])],
            });
        }
        return people;
    }

    public static List<Order> Orders(int count, int people)
    {
        var random = new Random(42);
        var products = new[] { "Tea", "Coffee", "Cake", "tea", "Crème brûlée", "Bagel" };
        return [.. Enumerable.Range(1, count).Select(i => new Order
        {
            Id = i,
            PersonId = random.Next(1, people + 50), // some orders point at nobody
            Amount = Math.Round((decimal)(random.NextDouble() * 300), 2),
            At = new DateTime(2024, 1, 1).AddMinutes(random.Next(0, 1_000_000)),
            Product = products[random.Next(products.Length)],
            Quantity = random.Next(1, 6),
        })];
    }

    public static List<Product> Products(int count)
    {
        var random = new Random(7);
        var categories = new[] { "Drinks", "Food", "drinks", null, "Ünïcode" };
        return [.. Enumerable.Range(1, count).Select(i => new Product
        {
            Code = "P" + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture) + (i % 10 == 0 ? "é" : ""),
            Name = "Product " + (char)('A' + random.Next(26)),
            Stock = random.Next(-5, 500),
            Category = categories[random.Next(categories.Length)],
        }).OrderBy(p => p.Code, StringComparer.Ordinal)];
    }
}
