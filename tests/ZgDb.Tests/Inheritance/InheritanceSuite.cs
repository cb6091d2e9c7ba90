using System.Linq.Expressions;
using ZgDb.Tests.Support;

namespace ZgDb.Tests.Inheritance;

/// <summary>
/// Issue 15: a collection of a base type holding derived instances (EF Core's table-per-hierarchy): inserts, reads,
/// updates and deletes keep each document's type and its own properties; OfType, is and as in queries, and an index
/// on a derived property, equal LINQ-to-Objects in memory and on disk, after a WAL replay, a checkpoint and a reopen.
/// </summary>
public abstract class InheritanceSuite<TBackend> : IDisposable where TBackend : Backend, new()
{
    private readonly TBackend _backend = new();
    private ZooDb _db;
    private readonly List<Animal> _animals = [];

    private static ZgDbOptions Manual => new() { Checkpoint = new CheckpointPolicy { MaxChangedDocuments = int.MaxValue, MaxWalBytes = long.MaxValue, OnDispose = false } };

    protected InheritanceSuite() => _db = _backend.Open<ZooDb>(Manual);

    public void Dispose()
    {
        _db.Dispose();
        _backend.Dispose();
    }

    private void InsertAnimals()
    {
        var breeds = new[] { "collie", "pug", "beagle" };
        for (int i = 0; i < 30; i++)
        {
            Animal animal = (i % 4) switch
            {
                0 => new Dog { Name = "dog" + i, Age = i % 7, Breed = breeds[i % 3], Tricks = ["sit", "roll" + i] },
                1 => new Cat { Name = "cat" + i, Age = i % 5, Lives = i % 9, Collar = i % 3 == 0 ? null : new Collar { Color = "red" + i } },
                2 => new Puppy { Name = "puppy" + i, Age = 0, Breed = breeds[(i + 1) % 3], Teeth = i },
                _ => new Cat { Name = "cat" + i, Age = i % 6, Lives = 9 },
            };
            _db.Animals.Insert(animal);
            _animals.Add(animal);
        }
    }

    private List<Animal> Expected => _animals.OrderBy(a => a.Id).ToList();

    private void Same<TResult>(Func<IQueryable<Animal>, IEnumerable<TResult>> query) =>
        Assert.Equal(query(Expected.AsQueryable()).Select(r => Describe(r)).ToList(), query(_db.Animals).Select(r => Describe(r)).ToList());

    private static string Describe(object? value) => value switch
    {
        Puppy p => $"Puppy {p.Id} {p.Name} {p.Age} {p.Breed} {string.Join("+", p.Tricks)} {p.Teeth}",
        Dog d => $"Dog {d.Id} {d.Name} {d.Age} {d.Breed} {string.Join("+", d.Tricks)}",
        Cat c => $"Cat {c.Id} {c.Name} {c.Age} {c.Lives} {c.Collar?.Color}",
        null => "null",
        _ => value.ToString()!,
    };

    private void VerifyAnimals()
    {
        Same(q => q);
        foreach (var animal in _animals)
        {
            var found = _db.Animals.Find(animal.Id);
            Assert.IsType(animal.GetType(), found);
            Assert.Equal(Describe(animal), Describe(found));
        }
        Assert.Equal(_animals.Count, _db.Animals.Count());
        string breed = "pug";
        Same(q => q.OfType<Dog>());
        Same(q => q.OfType<Puppy>());
        Same(q => q.OfType<Cat>());
        Same(q => q.OfType<Dog>().Where(d => d.Breed == "collie"));
        Same(q => q.OfType<Dog>().Where(d => d.Breed == breed).Select(d => d.Name));
        Same(q => q.OfType<Cat>().Where(c => c.Lives > 4).OrderByDescending(c => c.Lives).ThenBy(c => c.Id));
        Same(q => q.Where(a => a is Dog));
        Same(q => q.Where(a => !(a is Dog)));
        Same(q => q.Where(a => a is Cat && a.Age > 2));
        Same(q => q.Where(a => a is Dog && ((Dog)a).Breed == "beagle"));
        Same(q => q.Where(a => a as Puppy != null));
        Same(q => q.Select(a => a as Dog));
        Same(q => q.Select(a => a is Cat ? ((Cat)a).Lives : -1));
        Same(q => q.Where(a => a.Age == 3));
        Same(q => q.OrderBy(a => a.Name));
        Assert.Equal(Expected.OfType<Dog>().Count(), _db.Animals.OfType<Dog>().Count());
        Assert.Equal(Expected.OfType<Cat>().Sum(c => c.Lives), _db.Animals.OfType<Cat>().Sum(c => c.Lives));
        Assert.Equal(Expected.Count(a => a is Puppy), _db.Animals.Count(a => a is Puppy));
    }

    [Fact]
    public void Derived_documents_keep_their_type_and_properties_after_replay_checkpoint_and_reopen()
    {
        InsertAnimals();
        VerifyAnimals();
        _db = _backend.Reopen(_db, Manual); // WAL replay
        VerifyAnimals();
        _db.Checkpoint();
        _db = _backend.Reopen(_db, Manual); // from chunks and index files
        VerifyAnimals();

        var dog = _animals.OfType<Dog>().First(d => d is not Puppy);
        dog.Breed = "husky";
        dog.Tricks.Add("shake");
        _db.Animals.Update(dog);
        var cat = _animals.OfType<Cat>().First();
        Assert.True(_db.Animals.Delete(cat.Id));
        _animals.Remove(cat);
        _db = _backend.Reopen(_db, Manual);
        VerifyAnimals();
        Same(q => q.OfType<Dog>().Where(d => d.Breed == "husky"));
        Assert.Single(_db.Animals.OfType<Dog>().Where(d => d.Breed == "husky").ToList());
        _db.Checkpoint();
        _db = _backend.Reopen(_db, Manual);
        VerifyAnimals();
    }

    [Fact]
    public void A_copy_of_a_derived_document_is_deep_and_of_its_type()
    {
        var dog = new Dog { Name = "rex", Breed = "collie", Tricks = ["sit"] };
        _db.Animals.Insert(dog);
        var read = Assert.IsType<Dog>(_db.Animals.Find(dog.Id));
        read.Tricks.Add("mutated");
        read.Breed = "mutated";
        var again = Assert.IsType<Dog>(_db.Animals.Find(dog.Id));
        Assert.Equal(["sit"], again.Tricks);
        Assert.Equal("collie", again.Breed);
        dog.Tricks.Add("after insert");
        Assert.Equal(["sit"], ((Dog)_db.Animals.Find(dog.Id)!).Tricks);
    }

    [Fact]
    public void An_index_on_a_derived_property_holds_no_value_for_documents_of_other_types()
    {
        InsertAnimals();
        // Breed: dogs and puppies only; a cat has no value (as null), so only Dog documents are found by it
        var explain = _db.Animals.OfType<Dog>().Where(d => d.Breed == "pug").Explain();
        Assert.True(explain.Contains("INDEX SEEK"), explain);
        Same(q => q.OfType<Dog>().OrderBy(d => d.Breed).ThenBy(d => d.Id));
        _db.Checkpoint();
        _db = _backend.Reopen(_db, Manual);
        Same(q => q.OfType<Dog>().Where(d => d.Breed == "pug"));
        Same(q => q.OfType<Cat>().Where(c => c.Lives == 9));
    }

    [Fact]
    public void A_cast_guarded_by_is_keeps_the_derived_index_and_an_unguarded_one_throws_as_in_linq_to_objects()
    {
        InsertAnimals();
        string breed = "collie";
        var explain = _db.Animals.Where(a => a is Dog && ((Dog)a).Breed == breed).Explain();
        Assert.True(explain.StartsWith("INDEX SEEK", StringComparison.Ordinal), explain);
        Same(q => q.Where(a => a is Dog && ((Dog)a).Breed == breed));
        Assert.Throws<InvalidCastException>(() => Expected.Where(a => ((Dog)a).Breed == breed).ToList());
        Assert.Throws<InvalidCastException>(() => _db.Animals.Where(a => ((Dog)a).Breed == breed).ToList());
        Assert.Throws<InvalidCastException>(() => _db.Animals.Select(a => (Dog)a).ToList());
    }

    [Fact]
    public void Explain_shows_the_discriminator_filter_of_OfType()
    {
        InsertAnimals();
        Assert.Equal("FULL SCAN Animal -> FILTER (x Is Cat) (the type test reads the discriminator: Discriminator IN ('Cat')) -> SELECT x",
            _db.Animals.OfType<Cat>().Explain());
        Assert.Contains("Discriminator IN ('Dog', 'Puppy')", _db.Animals.Where(a => a is Dog).Explain());
    }

    [Fact]
    public void A_type_outside_the_hierarchy_is_refused_and_nothing_is_written()
    {
        var error = Assert.Throws<ZgDbValidationException>(() => _db.Animals.Insert(new Hamster { Name = "h" }));
        Assert.Contains("Hamster", error.Message);
        Assert.Contains("model.Entity<Hamster>()", error.Message);
        Assert.Equal(0, _db.Animals.Count());
    }

    [Fact]
    public void A_document_of_a_concrete_root_reads_back_as_the_root_and_values_are_configurable()
    {
        using var backend = new TBackend();
        using var garage = backend.Open<GarageDb>(Manual);
        garage.Vehicles.Insert(new Vehicle { Plate = "car" });
        garage.Vehicles.Insert(new Truck { Plate = "truck", Load = 7.5 });
        using var reopened = backend.Reopen(garage, Manual);
        var all = reopened.Vehicles.ToList();
        Assert.Equal(typeof(Vehicle), all[0].GetType());
        Assert.Equal(7.5, Assert.IsType<Truck>(all[1]).Load);
        Assert.Single(reopened.Vehicles.OfType<Truck>().ToList());
    }
}

public sealed class Hamster : Animal;

public sealed class InheritanceSuiteInMemory : InheritanceSuite<InMemoryBackend>;
public sealed class InheritanceSuiteOnDisk : InheritanceSuite<OnDiskBackend>;
