using ZgDb.Tests.Support;

namespace ZgDb.Tests.Inheritance;

/// <summary>Other types named like the hierarchy's, for the short-name rule.</summary>
public static class Elsewhere
{
    public sealed class Dog : Animal;
}

public sealed class Bird : Animal
{
    public string Discriminator { get; set; } = "";
}

public sealed class Fish : Animal;

public sealed class Rock
{
    public int Id { get; set; }
}

/// <summary>
/// Issue 15: the model of a hierarchy (EF Core's table-per-hierarchy): HasBaseType and convention, the discriminator
/// and its values, the errors at model build, the stored form, and the changes judged at open.
/// </summary>
public sealed class InheritanceModelTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static DatabaseModel Build(Action<ModelBuilder> configure) => ModelFactory.Build([("Animals", typeof(Animal))], configure);

    [Fact]
    public void HasBaseType_and_convention_build_the_hierarchy_with_EF_Cores_default_discriminator()
    {
        var model = Build(m =>
        {
            m.Entity<Dog>().HasBaseType<Animal>().HasIndex(d => d.Breed);
            m.Entity<Cat>(); // its CLR base is the collection's entity: derived by convention
            m.Entity<Puppy>();
        });
        var animal = model.Entities.Single();
        Assert.Equal("Discriminator", animal.Discriminator);
        Assert.Null(animal.DiscriminatorValue); // abstract: no documents of Animal itself
        Assert.Equal(["Dog", "Cat", "Puppy"], animal.DerivedTypes.Select(d => d.DiscriminatorValue));
        Assert.Equal(typeof(Dog), animal.DerivedTypes.Single(d => d.ClrType == typeof(Puppy)).BaseType);
        Assert.Equal(["Id", "Name", "Age", "Breed", "Tricks", "Teeth"], animal.PropertiesOf(typeof(Puppy))!.Select(p => p.Name));
        Assert.Same(animal.Key, animal.PropertiesOf(typeof(Cat))![0]);
        Assert.Contains(animal.Indexes, i => i.Name == "Breed");

        var stored = model.Stored.Entities.Single();
        Assert.Equal("Discriminator", stored.Discriminator);
        Assert.Equal(["Breed", "Tricks", "Teeth"], stored.DerivedTypes!.Single(d => d.Name == "Puppy").Properties.Select(p => p.Name));
        Assert.Equal("Dog", stored.DerivedTypes!.Single(d => d.Name == "Puppy").BaseType);
    }

    [Fact]
    public void A_model_without_derived_types_keeps_its_stored_form_and_fingerprint()
    {
        var plain = ModelFactory.Build([("Rocks", typeof(Rock))], null);
        Assert.DoesNotContain("Discriminator", plain.Stored.ToString());
        Assert.DoesNotContain("DerivedTypes", plain.Stored.ToString());
    }

    [Fact]
    public void HasDiscriminator_and_HasValue_set_the_property_and_values()
    {
        var model = ModelFactory.Build([("Vehicles", typeof(Vehicle))], m => m.Entity<Vehicle>().HasDiscriminator("Kind").HasValue("v").HasValue<Truck>("t"));
        var vehicle = model.Entities.Single();
        Assert.Equal("Kind", vehicle.Discriminator);
        Assert.Equal("v", vehicle.DiscriminatorValue); // found by convention: Truck is configured by HasValue<Truck>
        Assert.Equal("t", vehicle.DerivedTypes.Single().DiscriminatorValue);
    }

    [Fact]
    public void A_derived_type_with_the_short_name_of_another_is_refused_at_model_build()
    {
        var error = Assert.Throws<ZgDbModelException>(() => Build(m => { m.Entity<Dog>(); m.Entity<Elsewhere.Dog>(); }));
        Assert.Contains("short name Dog", error.Message);
        Assert.Contains("ZgDb.Tests.Inheritance.Elsewhere+Dog", error.Message);
    }

    [Fact]
    public void Model_errors_of_a_hierarchy_name_what_is_wrong()
    {
        var notBase = Assert.Throws<ZgDbModelException>(() => ModelFactory.Build([("Animals", typeof(Animal)), ("Rocks", typeof(Rock))],
            m => m.Entity<Rock>().HasBaseType<Rock>()));
        Assert.Contains("HasBaseType<Rock>(): Rock is not a base class of Rock", notBase.Message);

        var clash = Assert.Throws<ZgDbModelException>(() => Build(m => m.Entity<Bird>()));
        Assert.Contains("Discriminator", clash.Message);
        Assert.Contains("HasDiscriminator", clash.Message);

        var twice = Assert.Throws<ZgDbModelException>(() => Build(m => m.Entity<Animal>().HasDiscriminator().HasValue<Dog>("x").HasValue<Cat>("x")));
        Assert.Contains("'x'", twice.Message);

        // an abstract collection entity without derived types is still refused
        var alone = Assert.Throws<ZgDbModelException>(() => Build(_ => { }));
        Assert.Contains("non-abstract", alone.Message);

        // a configured type outside every collection and hierarchy
        var stray = Assert.Throws<ZgDbModelException>(() => ModelFactory.Build([("Vehicles", typeof(Vehicle))], m => m.Entity<Rock>()));
        Assert.Contains("HasBaseType", stray.Message);
    }

    [Fact]
    public void A_removed_derived_type_whose_documents_may_be_stored_is_refused_at_open()
    {
        using (var db = ZgDatabase.Open<ZooDb>(_dir.Path))
        {
            db.Animals.Insert(new Cat { Name = "tom" });
            db.Animals.Insert(new Dog { Name = "rex" });
        }
        var before = Directory.GetFiles(_dir.Path, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith("zgdb.lock", StringComparison.Ordinal)).ToDictionary(f => f, File.ReadAllBytes);
        var error = Assert.Throws<ZgDbSchemaMismatchException>(() => ZgDatabase.Open<ZooWithoutCatsDb>(_dir.Path));
        Assert.Contains("Animals", error.Message);
        Assert.Contains("Cat", error.Message);
        Assert.Contains("model.Entity<Cat>()", error.Message);
        foreach (var (file, bytes) in before) Assert.True(bytes.AsSpan().SequenceEqual(File.ReadAllBytes(file)), file);
        using var again = ZgDatabase.Open<ZooDb>(_dir.Path);
        Assert.Equal(["Cat", "Dog"], again.Animals.ToList().Select(a => a.GetType().Name));
    }

    [Fact]
    public void A_derived_type_added_to_a_stored_hierarchy_opens_and_is_reported()
    {
        using (var db = ZgDatabase.Open<ZooWithoutCatsDb>(_dir.Path)) db.Animals.Insert(new Dog { Name = "rex", Breed = "pug" });
        var changes = SchemaDiff.Compare(ZgDatabase.OpenInMemory<ZooWithoutCatsDb>().Model.Stored, ZgDatabase.OpenInMemory<ZooDb>().Model);
        Assert.Contains(changes, c => c.Kind == SchemaChangeKind.DerivedTypeAdded && c.Detail.Contains("Cat"));
        Assert.DoesNotContain(changes, c => c.IsRefused);
        using var db2 = ZgDatabase.Open<ZooDb>(_dir.Path);
        Assert.Equal("pug", Assert.IsType<Dog>(db2.Animals.Single()).Breed);
    }
}
