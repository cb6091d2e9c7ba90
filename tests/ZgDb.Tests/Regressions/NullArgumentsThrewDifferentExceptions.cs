using ZgDb.Tests.Support;

namespace ZgDb.Tests.Regressions;

/// <summary>
/// Issue 18: <c>Insert(null)</c> threw <see cref="ZgDbValidationException"/> where <c>InsertMany(null)</c> threw
/// <see cref="ArgumentNullException"/>. One convention now: a null argument is an <see cref="ArgumentNullException"/>
/// (as in EF Core and LiteDB), a null inside InsertMany's sequence an <see cref="ArgumentException"/> naming its
/// position, and nothing is stored.
/// </summary>
public sealed class NullArgumentsThrewDifferentExceptions
{
    [Fact]
    public void Every_null_argument_throws_ArgumentNullException_naming_the_parameter()
    {
        using var db = ZgDatabase.OpenInMemory<TestDb>();
        Assert.Equal("document", Assert.Throws<ArgumentNullException>(() => db.Users.Insert(null!)).ParamName);
        Assert.Equal("documents", Assert.Throws<ArgumentNullException>(() => db.Users.InsertMany(null!)).ParamName);
        Assert.Equal("document", Assert.Throws<ArgumentNullException>(() => db.Users.Update(null!)).ParamName);
        Assert.Equal("document", Assert.Throws<ArgumentNullException>(() => db.Users.Upsert(null!)).ParamName);
        Assert.Equal("keyValues", Assert.Throws<ArgumentNullException>(() => db.Users.Find(null!)).ParamName);
        Assert.Equal("key", Assert.Throws<ArgumentNullException>(() => db.Users.Find((object)null!)).ParamName);
        Assert.Equal("keyValues", Assert.Throws<ArgumentNullException>(() => db.Users.Find([null!])).ParamName);
        Assert.Equal("keyValues", Assert.Throws<ArgumentNullException>(() => db.Users.Delete(null!)).ParamName);
        Assert.Equal("key", Assert.Throws<ArgumentNullException>(() => db.Users.Delete((object)null!)).ParamName);
        Assert.Equal("predicate", Assert.Throws<ArgumentNullException>(() => db.Users.DeleteMany(null!)).ParamName);
        Assert.Equal(0, db.Users.Count());
    }

    [Fact]
    public void A_null_inside_InsertMany_names_its_position_and_nothing_is_inserted()
    {
        using var db = ZgDatabase.OpenInMemory<TestDb>();
        var e = Assert.Throws<ArgumentException>(() => db.Users.InsertMany([Data.User(1), null!, Data.User(3)]));
        Assert.Equal("documents", e.ParamName);
        Assert.Contains("position 1", e.Message);
        Assert.Contains("Users", e.Message);
        Assert.Equal(0, db.Users.Count());
    }
}
