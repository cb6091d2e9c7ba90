namespace ZgDb.Tests.Inheritance;

/// <summary>A hierarchy as EF Core's table-per-hierarchy docs show it: an abstract root, two derived types, one more level.</summary>
public abstract class Animal
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public int Age { get; set; }
}

public class Dog : Animal
{
    public string Breed { get; set; } = "";
    public List<string> Tricks { get; set; } = [];
}

public sealed class Puppy : Dog
{
    public int Teeth { get; set; }
}

public sealed class Cat : Animal
{
    public int Lives { get; set; } = 9;
    public Collar? Collar { get; set; }
}

public sealed class Collar
{
    public string Color { get; set; } = "";
}

/// <summary>Dog by HasBaseType, Cat and Puppy by convention (configured, their CLR base is an entity); an index on a derived property.</summary>
public sealed class ZooDb : ZgDatabase
{
    public ZgCollection<Animal> Animals => Collection<Animal>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Dog>().HasBaseType<Animal>().HasIndex(d => d.Breed);
        model.Entity<Cat>().HasIndex(c => c.Lives);
        model.Entity<Puppy>();
        model.Entity<Animal>().HasIndex(a => a.Age);
    }
}

/// <summary>The same collection without Cat: documents of Cat are stored, so the open is refused.</summary>
public sealed class ZooWithoutCatsDb : ZgDatabase
{
    public ZgCollection<Animal> Animals => Collection<Animal>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Dog>().HasIndex(d => d.Breed);
        model.Entity<Puppy>();
        model.Entity<Animal>().HasIndex(a => a.Age);
    }
}

/// <summary>A concrete root with a configured discriminator and values.</summary>
public class Vehicle
{
    public int Id { get; set; }
    public string Plate { get; set; } = "";
}

public sealed class Truck : Vehicle
{
    public double Load { get; set; }
}

public sealed class GarageDb : ZgDatabase
{
    public ZgCollection<Vehicle> Vehicles => Collection<Vehicle>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Vehicle>().HasDiscriminator("Kind").HasValue("vehicle").HasValue<Truck>("truck");
    }
}
