using ZgDb.Tests.Support;

namespace ZgDb.Tests.Model;

public sealed class PersonV1 { public int Id { get; set; } public string FullName { get; set; } = ""; public int Age { get; set; } public int Score { get; set; } public string? Nick { get; set; } public int? Rank { get; set; } }
public sealed class PersonV2 { public int Id { get; set; } public string Name { get; set; } = ""; public long Age { get; set; } public decimal Score { get; set; } public string? Email { get; set; } public int? Rank { get; set; } }
public sealed class PersonBadType { public int Id { get; set; } public int FullName { get; set; } public int Age { get; set; } public int Score { get; set; } public int? Rank { get; set; } }
public sealed class PersonLostNull { public int Id { get; set; } public string FullName { get; set; } = ""; public int Age { get; set; } public int Score { get; set; } public int Rank { get; set; } }

public sealed class PeopleV1 : ZgDatabase { public ZgCollection<PersonV1> People => Collection<PersonV1>(); }

public sealed class PeopleV2 : ZgDatabase
{
    public ZgCollection<PersonV2> People => Collection<PersonV2>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<PersonV2>().Property(p => p.Name).HasFormerName("FullName");
        model.Entity<PersonV2>().HasIndex(p => p.Age);
    }
}

public sealed class PeopleBadType : ZgDatabase { public ZgCollection<PersonBadType> People => Collection<PersonBadType>(); }
public sealed class PeopleLostNull : ZgDatabase { public ZgCollection<PersonLostNull> People => Collection<PersonLostNull>(); }

public sealed class SchemaEvolutionTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private void SeedV1(bool checkpoint)
    {
        using var db = ZgDatabase.Open<PeopleV1>(_dir.Path, new ZgDbOptions { Checkpoint = new CheckpointPolicy { OnDispose = false } });
        db.People.InsertMany(Enumerable.Range(1, 5).Select(i => new PersonV1 { FullName = $"Person {i}", Age = 20 + i, Score = i * 10, Nick = "n" + i, Rank = i % 2 == 0 ? i : null }));
        if (checkpoint) db.Checkpoint();
        db.People.Insert(new PersonV1 { FullName = "Only in the log", Age = 99, Score = 1 });
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Added_removed_renamed_and_widened_properties_read_under_the_new_model(bool checkpoint)
    {
        SeedV1(checkpoint);
        var logger = new ListLogger();
        using (var db = ZgDatabase.Open<PeopleV2>(_dir.Path, new ZgDbOptions { Logger = logger }))
        {
            var people = db.People.AsEnumerable().ToList();
            Assert.Equal(6, people.Count);
            Assert.Equal("Person 3", people[2].Name);
            Assert.Equal(23L, people[2].Age);
            Assert.Equal(30m, people[2].Score);
            Assert.Null(people[2].Email);
            Assert.Equal("Only in the log", people[5].Name);
            Assert.Contains(logger.Entries, e => e.Message.Contains("PropertyRenamed People.Name: FullName -> Name"));
            Assert.Contains(logger.Entries, e => e.Message.Contains("TypeWidened People.Age: int32 -> int64"));
            Assert.Contains(logger.Entries, e => e.Message.Contains("PropertyRemoved People.Nick"));
            Assert.Contains(logger.Entries, e => e.Message.Contains("PropertyAdded People.Email"));
            db.People.Insert(new PersonV2 { Name = "New", Age = 5_000_000_000, Email = "x@example.com" });
        }
        using (var again = ZgDatabase.Open<PeopleV2>(_dir.Path))
        {
            Assert.Equal(7, again.People.Count());
            Assert.Equal(5_000_000_000, again.People.Find(7)!.Age);
            Assert.Equal("Person 1", again.People.Find(1)!.Name);
        }
    }

    [Fact]
    public void A_lossy_type_change_is_refused_naming_entity_property_and_types_and_files_stay_untouched()
    {
        SeedV1(checkpoint: true);
        var before = Directory.GetFiles(_dir.Path, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith("zgdb.lock")).ToDictionary(f => f, File.ReadAllBytes);
        var e = Assert.Throws<ZgDbSchemaMismatchException>(() => ZgDatabase.Open<PeopleBadType>(_dir.Path));
        Assert.Equal("People", e.Collection);
        Assert.Equal("FullName", e.Property);
        Assert.Contains("string cannot be read as int32", e.Message);
        var lost = Assert.Throws<ZgDbSchemaMismatchException>(() => ZgDatabase.Open<PeopleLostNull>(_dir.Path));
        Assert.Contains("int32? cannot be read as int32", lost.Message);
        foreach (var (file, bytes) in before) Assert.Equal(bytes, File.ReadAllBytes(file));
        using var v1 = ZgDatabase.Open<PeopleV1>(_dir.Path);
        Assert.Equal(6, v1.People.Count());
    }

    [Fact]
    public void The_diff_is_a_pure_function_of_two_models()
    {
        var v1 = ModelFactory.Build([("People", typeof(PersonV1))], null);
        var v2 = ModelFactory.Build([("People", typeof(PersonV2))], m => m.Entity<PersonV2>().Property(p => p.Name).HasFormerName("FullName"));
        var changes = SchemaDiff.Compare(v1.Stored, v2).Select(c => c.ToString()).ToList();
        Assert.Contains("PropertyRenamed People.Name: FullName -> Name", changes);
        Assert.Contains("TypeWidened People.Score: int32 -> decimal", changes);
        Assert.DoesNotContain(SchemaDiff.Compare(v1.Stored, v2), c => c.IsRefused);
        Assert.Empty(SchemaDiff.Compare(v1.Stored, v1));
        var removed = ModelFactory.Build([("Others", typeof(PersonV1))], null);
        Assert.Contains(SchemaDiff.Compare(v1.Stored, removed), c => c.Kind == SchemaChangeKind.CollectionRemoved && c.Collection == "People");
    }
}
