using ZgDb.Tests.Support;

namespace ZgDb.Tests.Regressions;

/// <summary>Issue 18: <c>GetStatistics().ToString()</c> printed <c>List`1[...]</c> instead of the collections.</summary>
public sealed class StatisticsPrintedTheListTypeName
{
    [Fact]
    public void ToString_lists_every_collection_with_its_counts()
    {
        using var db = ZgDatabase.OpenInMemory<TestDb>();
        db.Users.InsertMany([Data.User(1), Data.User(2)]);
        var text = db.GetStatistics().ToString();
        Assert.DoesNotContain("List`1", text);
        Assert.Contains("CollectionStatistics { Name = Users, Count = 2, PendingChanges = 2 }", text);
        Assert.Contains("LastLsn = ", text);
    }
}
