using System.ComponentModel.DataAnnotations;
using System.ComponentModel.DataAnnotations.Schema;

namespace ZgDb.Tests.Support;

public sealed class User
{
    public int Id { get; set; }
    [Required, MaxLength(200)] public string Name { get; set; } = "";
    public string Email { get; set; } = "";
    public int Age { get; set; }
    public string? City { get; set; }
    public DateTime CreatedAt { get; set; }
    public List<string> Tags { get; set; } = [];
    public Address? Address { get; set; }
    public decimal Balance { get; set; }
    public Level Level { get; set; }
    public double? Score { get; set; }
    [NotMapped] public string Scratch { get; set; } = "";
}

public sealed class Address
{
    public string Street { get; set; } = "";
    public string City { get; set; } = "";
    public List<Phone> Phones { get; set; } = [];
}

public sealed class Phone
{
    public string Number { get; set; } = "";
    public bool Mobile { get; set; }
}

public enum Level { Bronze, Silver, Gold }

public sealed class Note
{
    [Key] public string Code { get; set; } = "";
    public string Text { get; set; } = "";
    public DateOnly Day { get; set; }
    public TimeOnly At { get; set; }
    public DateTimeOffset Stamp { get; set; }
    public byte[]? Blob { get; set; }
}

public sealed class Tick
{
    public long TickId { get; set; }
    public Guid Source { get; set; }
    public int[] Values { get; set; } = [];
}

public sealed class Item
{
    public Guid Id { get; set; }
    public string Label { get; set; } = "";
}

public sealed class TestDb : ZgDatabase
{
    public ZgCollection<User> Users => Collection<User>();
    public ZgCollection<Note> Notes => Collection<Note>();
    public ZgCollection<Tick> Ticks => Collection<Tick>();
    public ZgCollection<Item> Items => Collection<Item>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<User>().Property(u => u.Email).HasMaxLength(320);
    }
}

public static class Data
{
    public static User User(int i) => new()
    {
        Name = $"User {i}",
        Email = $"user{i}@example.com",
        Age = 18 + i % 60,
        City = i % 7 == 0 ? null : $"City {i % 50}",
        CreatedAt = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(i),
        Tags = [$"t{i % 3}", $"t{i % 5}"],
        Address = i % 3 == 0 ? null : new Address { Street = $"{i} Main St", City = $"City {i % 50}", Phones = [new Phone { Number = $"+1-{i}", Mobile = i % 2 == 0 }] },
        Balance = i * 1.25m,
        Level = (Level)(i % 3),
        Score = i % 4 == 0 ? null : i / 3.0,
    };

    /// <summary>A canonical string of a user's stored properties, for comparing documents.</summary>
    public static string Describe(User u) =>
        $"{u.Id}|{u.Name}|{u.Email}|{u.Age}|{u.City}|{u.CreatedAt:O}|{string.Join(",", u.Tags)}|" +
        $"{(u.Address is null ? "-" : $"{u.Address.Street}/{u.Address.City}/{string.Join(",", u.Address.Phones.Select(p => p.Number + p.Mobile))}")}|{u.Balance}|{u.Level}|{u.Score}";
}
