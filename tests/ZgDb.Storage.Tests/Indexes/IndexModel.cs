using ZgDb.Storage.Engine;
using ZgDb.Storage.Indexes;

namespace ZgDb.Storage.Tests.Indexes;

public enum Status { Active, Inactive, Banned }

public sealed class Address
{
    public string? City { get; set; }
    public string? Zip { get; set; }
}

public sealed class Person
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public int Age { get; set; }
    public string? City { get; set; }
    public int? Score { get; set; }
    public Address? Address { get; set; }
    public Status Status { get; set; }
    public string? Email { get; set; }
    public DateTime Born { get; set; }
    public decimal Balance { get; set; }
    public Guid Tag { get; set; }
    public double? Ratio { get; set; }

    public Person Clone() => new()
    {
        Id = Id, Name = Name, Age = Age, City = City, Score = Score, Status = Status, Email = Email, Born = Born, Balance = Balance, Tag = Tag, Ratio = Ratio,
        Address = Address is null ? null : new Address { City = Address.City, Zip = Address.Zip },
    };
}

/// <summary>Every kind of index the engine supports: plain, composite, nested, nullable, enum, unique, and several value types.</summary>
public class PeopleDb : ZgDatabase
{
    public ZgCollection<Person> People => Collection<Person>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        var people = model.Entity<Person>();
        people.HasIndex(p => p.Age);
        people.HasIndex(p => new { p.City, p.Age });
        people.HasIndex(p => p.Address!.City);
        people.HasIndex(p => p.Score);
        people.HasIndex(p => p.Email).IsUnique();
        people.HasIndex(p => p.Status);
        people.HasIndex(p => new { p.Born, p.Balance, p.Tag, p.Ratio });
    }

    /// <summary>The brute-force definition of each index: how the test itself reads the values from a document.</summary>
    public static readonly IReadOnlyDictionary<string, Func<Person, object?[]>> Expected = new Dictionary<string, Func<Person, object?[]>>
    {
        ["Age"] = p => [p.Age],
        ["City,Age"] = p => [p.City, p.Age],
        ["Address.City"] = p => [p.Address?.City],
        ["Score"] = p => [p.Score],
        ["Email"] = p => [p.Email],
        ["Status"] = p => [p.Status],
        ["Born,Balance,Tag,Ratio"] = p => [p.Born, p.Balance, p.Tag, p.Ratio],
    };
}

/// <summary>The same collection with one index only (the others "removed").</summary>
public class PeopleDbAgeOnly : ZgDatabase
{
    public ZgCollection<Person> People => Collection<Person>();

    protected override void OnModelCreating(ModelBuilder model) => model.Entity<Person>().HasIndex(p => p.Age);
}

/// <summary>The same collection with an index added on City.</summary>
public class PeopleDbAgeAndCity : ZgDatabase
{
    public ZgCollection<Person> People => Collection<Person>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Person>().HasIndex(p => p.Age);
        model.Entity<Person>().HasIndex(p => p.City);
    }
}

/// <summary>Brute force over documents with LINQ-to-Objects: the order and filter an index must reproduce.</summary>
internal static class BruteForce
{
    /// <summary>null first, strings ordinal, else the type's own order (the documented index order).</summary>
    public static int CompareValue(object? a, object? b)
    {
        if (a is null) return b is null ? 0 : -1;
        if (b is null) return 1;
        if (a is string s) return string.CompareOrdinal(s, (string)b);
        return ((IComparable)a).CompareTo(b);
    }

    public static int CompareValues(object?[] a, object?[] b)
    {
        for (int i = 0; i < Math.Min(a.Length, b.Length); i++)
        {
            int c = CompareValue(a[i], b[i]);
            if (c != 0) return c;
        }
        return 0;
    }

    /// <summary>Keys of the documents whose values start with <paramref name="prefix"/> and whose next value is within the bounds, in index order.</summary>
    public static List<object> Range(IEnumerable<Person> documents, Func<Person, object?[]> values, object?[] prefix, IndexBound? lower, IndexBound? upper, bool descending)
    {
        var hits = documents
            .Select(d => (Values: values(d), Key: d.Id))
            .Where(x => CompareValues(x.Values[..prefix.Length], prefix) == 0)
            .Where(x => lower is not { } lo || CompareValue(x.Values[prefix.Length], lo.Value) is var c && (c > 0 || c == 0 && lo.Inclusive))
            .Where(x => upper is not { } hi || CompareValue(x.Values[prefix.Length], hi.Value) is var c && (c < 0 || c == 0 && hi.Inclusive))
            .Order(Comparer<(object?[] Values, int Key)>.Create((x, y) => CompareValues(x.Values, y.Values) is var c && c != 0 ? c : x.Key.CompareTo(y.Key)))
            .Select(x => (object)x.Key)
            .ToList();
        if (descending) hits.Reverse();
        return hits;
    }

    public static ICollectionSnapshot<Person> Snapshot(ZgDatabase db) => db.Engine.Store<Person>().Snapshot();

    public static IIndexSnapshot Index(ZgDatabase db, string name) =>
        Snapshot(db).GetIndex(name) ?? throw new InvalidOperationException($"no index {name}");
}
