namespace ZgDb.Generators.Tests;

/// <summary>ZGDB005: two collections of one entity type; the same model is refused at open with the same message.</summary>
public sealed class TwoCollectionsOfOneTypeTests
{
    [Fact]
    public void Second_collection_of_a_type_is_reported()
    {
        var diagnostic = AnalyzerRun.AssertRefused("""
            public class User { public int Id { get; set; } }
            public class Db : ZgDatabase
            {
                public ZgCollection<User> Users => Collection<User>();
                public ZgCollection<User> [|Admins|] => Collection<User>();
            }
            """, "ZGDB005");
        Assert.Equal("Entity 'User': is stored in two collections (Users, Admins); an entity type belongs to one collection.", diagnostic.GetMessage());
    }

    [Fact]
    public void Abstract_database_class_is_checked_through_its_concrete_subclass_once()
    {
        var run = AnalyzerRun.Of("""
            public class User { public int Id { get; set; } }
            public abstract class BaseDb : ZgDatabase { public ZgCollection<User> Users => Collection<User>(); public ZgCollection<User> Admins => Collection<User>(); }
            public class Db : BaseDb { }
            public class OtherDb : BaseDb { }
            """);
        Assert.Equal("ZGDB005", Assert.Single(run.Diagnostics).Id);
    }
}
