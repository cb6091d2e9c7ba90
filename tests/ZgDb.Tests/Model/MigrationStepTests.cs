using ZgDb.Tests.Support;

namespace ZgDb.Tests.Model;

public sealed class StepPerson { public int Id { get; set; } public string Name { get; set; } = ""; public string Display { get; set; } = ""; }

public sealed class StepsDb : ZgDatabase
{
    public static int Runs;
    public static bool FailThird;

    public ZgCollection<StepPerson> People => Collection<StepPerson>();

    protected override IEnumerable<ZgMigration> Migrations => [new FillDisplay(), new AddAdmin(), new Third()];

    private sealed class FillDisplay : ZgMigration
    {
        public override int Version => 1;
        public override void Up(ZgDatabase database)
        {
            Interlocked.Increment(ref Runs);
            ((StepsDb)database).People.UpdateMany(p => p.Display == "", p => p.Display = p.Name.ToUpperInvariant());
        }
    }

    private sealed class AddAdmin : ZgMigration
    {
        public override int Version => 2;
        public override void Up(ZgDatabase database)
        {
            Interlocked.Increment(ref Runs);
            var db = (StepsDb)database;
            db.People.Insert(new StepPerson { Name = "admin", Display = db.People.Count() + " before admin" }); // sees step 1's writes
        }
    }

    private sealed class Third : ZgMigration
    {
        public override int Version => 3;
        public override void Up(ZgDatabase database)
        {
            ((StepsDb)database).People.DeleteMany(p => p.Name == "grace");
            if (FailThird) throw new InvalidOperationException("step three broke");
        }
    }
}

public sealed class PlainPeopleDb : ZgDatabase { public ZgCollection<StepPerson> People => Collection<StepPerson>(); }

[Collection("StepsDb statics")]
public sealed class MigrationStepTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Pending_steps_run_once_in_order_in_one_transaction_and_a_failure_applies_none()
    {
        using (var plain = ZgDatabase.Open<PlainPeopleDb>(_dir.Path))
            plain.People.InsertMany([new StepPerson { Name = "ada" }, new StepPerson { Name = "grace" }]);

        StepsDb.FailThird = true;
        StepsDb.Runs = 0;
        var e = Assert.Throws<ZgDbException>(() => ZgDatabase.Open<StepsDb>(_dir.Path));
        Assert.Contains("Migration step 3 (Third) failed", e.Message);
        Assert.Contains("schema version 0", e.Message);
        using (var plain = ZgDatabase.Open<PlainPeopleDb>(_dir.Path)) // nothing of steps 1-3 was applied
        {
            Assert.Equal(0, plain.SchemaVersion);
            Assert.Equal(["", ""], plain.People.AsEnumerable().Select(p => p.Display));
        }

        StepsDb.FailThird = false;
        StepsDb.Runs = 0;
        using (var db = ZgDatabase.Open<StepsDb>(_dir.Path))
        {
            Assert.Equal(3, db.SchemaVersion);
            Assert.Equal(2, StepsDb.Runs);
            Assert.Equal(["ada:ADA", "admin:2 before admin"], db.People.AsEnumerable().Select(p => $"{p.Name}:{p.Display}"));
        }
        StepsDb.Runs = 0;
        using (var again = ZgDatabase.Open<StepsDb>(_dir.Path))
        {
            Assert.Equal(3, again.SchemaVersion);
            Assert.Equal(0, StepsDb.Runs); // nothing pending
        }
    }
}
