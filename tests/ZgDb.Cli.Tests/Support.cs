using System.Text.Json;
using Spectre.Console;

namespace ZgDb.Cli.Tests;

public sealed class Address
{
    public string Street { get; set; } = "";
    public string City { get; set; } = "";
}

public sealed class Customer
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public int Age { get; set; }
    public string? City { get; set; }
    public string? Email { get; set; }
    public double Score { get; set; }
    public bool Active { get; set; }
    public DateTime Joined { get; set; }
    public List<string> Tags { get; set; } = [];
    public Address? Address { get; set; }
    public List<Order> Orders { get; set; } = [];
}

public sealed class Order
{
    public long Id { get; set; }
    public int CustomerId { get; set; }
    public decimal Total { get; set; }
    public Customer? Customer { get; set; }
}

public sealed class Note
{
    public string Id { get; set; } = "";
    public string Text { get; set; } = "";
}

public sealed class Device
{
    public Guid Id { get; set; }
    public string Label { get; set; } = "";
}

/// <summary>The tests' model: int, long, string and Guid keys; Order.CustomerId -> Customer (required, by convention).</summary>
public sealed class ShopDb : ZgDatabase
{
    public ZgCollection<Customer> Customers => Collection<Customer>();
    public ZgCollection<Order> Orders => Collection<Order>();
    public ZgCollection<Note> Notes => Collection<Note>();
    public ZgCollection<Device> Devices => Collection<Device>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Customer>().Property(c => c.Name).HasMaxLength(40);
        model.Entity<Customer>().HasIndex(c => c.City);
        model.Entity<Note>().HasIndex(n => n.Text).IsUnique();
    }
}

/// <summary>Orders without the relationship (no navigation): lets a test store a dangling foreign key.</summary>
public sealed class LooseOrder
{
    public long Id { get; set; }
    public int CustomerId { get; set; }
    public decimal Total { get; set; }
}

public sealed class LooseShopDb : ZgDatabase
{
    public ZgCollection<Customer> Customers => Collection<Customer>();
    public ZgCollection<LooseOrder> Orders => Collection<LooseOrder>();
    public ZgCollection<Note> Notes => Collection<Note>();
    public ZgCollection<Device> Devices => Collection<Device>();

    protected override void OnModelCreating(ModelBuilder model) => model.Entity<Customer>().Ignore(c => c.Orders);
}

public sealed record ToolResult(int Code, string Output, string Error)
{
    public override string ToString() => $"exit {Code}\n--- stdout\n{Output}\n--- stderr\n{Error}";
}

public static class Tool
{
    /// <summary>Runs the tool's entry point in process with a recording, non-interactive console 160 columns wide.</summary>
    public static ToolResult Run(CancellationToken cancel, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 160;
        int code = Program.Run(args, console, error, cancel);
        return new ToolResult(code, output.ToString(), error.ToString());
    }

    public static ToolResult Run(params string[] args) => Run(CancellationToken.None, args);
}

public static class Data
{
    public static ZgDbOptions Manual => new() { Checkpoint = new CheckpointPolicy { MaxChangedDocuments = int.MaxValue, MaxWalBytes = long.MaxValue, OnDispose = false } };

    public static Customer Customer(int i, Random random) => new()
    {
        Name = $"Customer {i}",
        Age = 18 + random.Next(70),
        City = random.Next(5) switch { 0 => null, 1 => "Oslo", 2 => "Lyon", 3 => "Kyoto", _ => "Lima" },
        Email = random.Next(3) == 0 ? null : $"c{i}@example.com",
        Score = Math.Round(random.NextDouble() * 100, 3),
        Active = random.Next(2) == 0,
        Joined = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(random.Next(2_000_000)),
        Tags = Enumerable.Range(0, random.Next(4)).Select(t => $"t{random.Next(6)}").ToList(),
        Address = random.Next(4) == 0 ? null : new Address { Street = $"{i} Main \"St\" ü", City = "Town\n" + i % 7 },
    };

    /// <summary>A database of customers (checkpointed) with orders, notes and devices, and some changes left in the WAL.</summary>
    public static void Seed(string directory, int customers = 300, int seed = 1)
    {
        var random = new Random(seed);
        using (var db = ZgDatabase.Open<ShopDb>(directory, new ZgDbOptions { ChunkDocuments = 64 }))
        {
            db.Customers.InsertMany(Enumerable.Range(1, customers).Select(i => Customer(i, random)));
            db.Orders.InsertMany(Enumerable.Range(1, customers * 2).Select(i => new Order { CustomerId = 1 + i % customers, Total = i * 1.25m }));
            db.Notes.InsertMany(Enumerable.Range(1, 50).Select(i => new Note { Id = $"note-{i:D3}", Text = $"text {i}" }));
            db.Devices.InsertMany(Enumerable.Range(1, 20).Select(i => new Device { Id = Guid.NewGuid(), Label = $"device {i}" }));
        }
        using (var db = ZgDatabase.Open<ShopDb>(directory, Manual))
        {
            db.Customers.Update(new Customer { Id = 5, Name = "Changed", Age = 99, City = "Oslo" });
            // Flushed on its own, so damage to this first record is followed by records of a later flush group:
            // corruption, not a torn tail (a power cut can tear only the unflushed last group).
            db.FlushAsync().Wait();
            db.Orders.DeleteMany(o => o.CustomerId == 7);
            db.Customers.Delete(7);
            db.Customers.Insert(Customer(customers + 1, random));
            db.Notes.Insert(new Note { Id = "zz-last", Text = "in the WAL only" });
            db.FlushAsync().Wait();
        }
    }

    /// <summary>Every document of every collection as canonical JSON, read through the public API.</summary>
    public static Dictionary<string, List<string>> Snapshot(string directory)
    {
        using var db = ZgDatabase.Open<ShopDb>(directory, Manual);
        var options = new JsonSerializerOptions();
        return new Dictionary<string, List<string>>
        {
            ["Customers"] = db.Customers.AsEnumerable().Select(c => JsonSerializer.Serialize(new { c.Id, c.Name, c.Age, c.City, c.Email, c.Score, c.Active, c.Joined, c.Tags, c.Address }, options)).ToList(),
            ["Orders"] = db.Orders.AsEnumerable().Select(o => JsonSerializer.Serialize(new { o.Id, o.CustomerId, o.Total }, options)).ToList(),
            ["Notes"] = db.Notes.AsEnumerable().Select(n => JsonSerializer.Serialize(n, options)).ToList(),
            ["Devices"] = db.Devices.AsEnumerable().Select(d => JsonSerializer.Serialize(d, options)).ToList(),
        };
    }
}
