namespace ZgDb.Server.Tests;

public sealed class Writer
{
    public int Id { get; set; }
    public string Email { get; set; } = "";
    public string Name { get; set; } = "";
}

public sealed class Book
{
    public int Id { get; set; }
    public int WriterId { get; set; }
    public Writer? Writer { get; set; }
    public string Title { get; set; } = "";
}

public sealed class Line
{
    public int OrderId { get; set; }
    public int No { get; set; }
    public string Sku { get; set; } = "";
}

/// <summary>A model with every kind of write error: a unique index, a required foreign key, rules on a property, a composite key.</summary>
public sealed class RulesDb : ZgDatabase
{
    public ZgCollection<Writer> Writers => Collection<Writer>();
    public ZgCollection<Book> Books => Collection<Book>();
    public ZgCollection<Line> Lines => Collection<Line>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Writer>().HasIndex(w => w.Email).IsUnique();
        model.Entity<Writer>().Property(w => w.Name).IsRequired().HasMaxLength(8);
        model.Entity<Book>().HasOne(b => b.Writer).WithMany().HasForeignKey(b => b.WriterId).IsRequired().OnDelete(DeleteBehavior.Restrict);
        model.Entity<Line>().HasKey(l => new { l.OrderId, l.No });
    }
}

/// <summary>
/// Every write error of the catalog arrives on the client as the embedded one: the same type, the same message, the
/// same properties, and nothing written; outside and inside a transaction. Each case runs the same action on an
/// embedded database and on a connected one seeded alike, and compares the two exceptions.
/// </summary>
public sealed class RemoteErrorTests
{
    public static TheoryData<string> Cases => new(Actions.Keys);

    private static readonly Dictionary<string, Action<RulesDb>> Actions = new()
    {
        ["duplicate key"] = db => db.Writers.Insert(new Writer { Id = 1, Email = "new@x", Name = "n" }),
        ["duplicate composite key"] = db => db.Lines.Insert(new Line { OrderId = 1, No = 1, Sku = "again" }),
        ["unique index"] = db => db.Writers.Insert(new Writer { Id = 3, Email = "ada@x", Name = "n" }),
        ["unique index on update"] = db => db.Writers.Update(new Writer { Id = 2, Email = "ada@x", Name = "Bob" }),
        ["not found"] = db => db.Writers.Update(new Writer { Id = 99, Email = "z@x", Name = "z" }),
        ["not found composite"] = db => db.Lines.Update(new Line { OrderId = 5, No = 6 }),
        ["max length"] = db => db.Writers.Insert(new Writer { Id = 4, Email = "long@x", Name = "far too long a name" }),
        ["required"] = db => db.Writers.Insert(new Writer { Id = 5, Email = "null@x", Name = null! }),
        ["foreign key on insert"] = db => db.Books.Insert(new Book { Id = 2, WriterId = 99, Title = "ghost" }),
        ["foreign key on delete"] = db => db.Writers.Delete(1),
        ["atomic batch with one bad document"] = db => db.Writers.InsertMany([new Writer { Id = 6, Email = "ok@x", Name = "ok" }, new Writer { Id = 7, Email = "ok@x", Name = "dup" }]),
        ["non-ASCII value"] = db => db.Writers.Insert(new Writer { Id = 8, Email = "zoë@x", Name = "Zoë" }) ,
    };

    private static void Seed(RulesDb db)
    {
        db.Writers.InsertMany([new Writer { Id = 1, Email = "ada@x", Name = "Ada" }, new Writer { Id = 2, Email = "bob@x", Name = "Bob" }]);
        db.Books.Insert(new Book { Id = 1, WriterId = 1, Title = "Notes" });
        db.Lines.Insert(new Line { OrderId = 1, No = 1, Sku = "A" });
        db.Writers.Insert(new Writer { Id = 9, Email = "zoë@x", Name = "Zoë" });
    }

    private static string Dump(RulesDb db) =>
        string.Join("|", db.Writers.AsEnumerable().OrderBy(w => w.Id).Select(w => $"{w.Id}:{w.Email}:{w.Name}"))
        + "#" + string.Join("|", db.Books.AsEnumerable().Select(b => $"{b.Id}:{b.WriterId}"))
        + "#" + string.Join("|", db.Lines.AsEnumerable().Select(l => $"{l.OrderId}/{l.No}:{l.Sku}"));

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Write_error_on_the_client_is_the_embedded_one(string name)
    {
        var action = Actions[name];
        using var embedded = ZgDatabase.OpenInMemory<RulesDb>();
        Seed(embedded);
        var expected = Assert.ThrowsAny<ZgDbException>(() => action(embedded));

        await using var server = await TestServerFixture.StartAsync<RulesDb>();
        using var remote = server.Connect<RulesDb>();
        Seed(remote);
        var before = Dump(remote);
        var actual = Assert.ThrowsAny<ZgDbException>(() => action(remote));
        AssertSame(expected, actual);
        Assert.Equal(before, Dump(remote)); // nothing written
        Assert.Equal(Dump(embedded), Dump(remote));

        using (var tx = remote.BeginTransaction())
        {
            var inside = Assert.ThrowsAny<ZgDbException>(() => action(remote));
            AssertSame(expected, inside);
            Assert.True(tx.IsActive); // the transaction goes on, as embedded
            tx.Commit();
        }
        Assert.Equal(before, Dump(remote));
    }

    private static void AssertSame(ZgDbException expected, ZgDbException actual)
    {
        Assert.Equal(expected.GetType(), actual.GetType());
        Assert.Equal(expected.Message, actual.Message);
        switch (expected)
        {
            case ZgDbDuplicateKeyException d:
                Assert.Equal(d.Collection, ((ZgDbDuplicateKeyException)actual).Collection);
                Assert.Equal(d.Key, ((ZgDbDuplicateKeyException)actual).Key);
                break;
            case ZgDbNotFoundException n:
                Assert.Equal(n.Collection, ((ZgDbNotFoundException)actual).Collection);
                Assert.Equal(n.Key, ((ZgDbNotFoundException)actual).Key);
                break;
            case ZgDbUniqueConstraintException u:
                Assert.Equal(u.Collection, ((ZgDbUniqueConstraintException)actual).Collection);
                Assert.Equal(u.Index, ((ZgDbUniqueConstraintException)actual).Index);
                break;
            case ZgDbValidationException v:
                Assert.Equal(v.Collection, ((ZgDbValidationException)actual).Collection);
                break;
            case ZgDbForeignKeyException f:
                Assert.Equal(f.Collection, ((ZgDbForeignKeyException)actual).Collection);
                Assert.Equal(f.Relationship, ((ZgDbForeignKeyException)actual).Relationship);
                break;
            default:
                Assert.Fail($"a case threw {expected.GetType().Name}, which this test does not compare property by property");
                break;
        }
    }
}
