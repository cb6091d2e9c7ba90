using Xunit;
using Xunit.Abstractions;

namespace ZgDb.Linq.Tests;

public sealed class Smoke(ITestOutputHelper output)
{
    [Fact]
    public void Basics()
    {
        using var b = new InMemoryBackend();
        var db = b.Db;
        int id = 42;
        output.WriteLine(db.People.Where(p => p.Id == id).Explain());
        Assert.Equal(b.People.First(p => p.Id == 42).Name, db.People.FirstOrDefault(p => p.Id == id)!.Name);
        output.WriteLine(db.People.Where(p => p.Age > 25).OrderBy(p => p.Age).Take(10).Explain());
        Assert.Equal(b.People.Where(p => p.Age > 25).OrderBy(p => p.Age).Take(10).Select(p => p.Id), db.People.Where(p => p.Age > 25).OrderBy(p => p.Age).Take(10).Select(p => p.Id).ToList());
        Assert.Equal(b.People.Count(p => p.City == "Paris"), db.People.Count(p => p.City == "Paris"));
        output.WriteLine(db.People.ExplainOf(q => q.Count(p => p.City == "Paris")));
        var j = (from p in db.People join o in db.Orders on p.Id equals o.PersonId where o.Amount > 100 select new { p.Name, o.Amount }).ToList();
        var r = (from p in b.People join o in b.Orders on p.Id equals o.PersonId where o.Amount > 100 select new { p.Name, o.Amount }).ToList();
        Assert.Equal(r, j);
        var g = db.People.GroupBy(p => p.City).Select(x => new { x.Key, C = x.Count() }).ToList();
        Assert.Equal(b.People.GroupBy(p => p.City).Select(x => new { x.Key, C = x.Count() }).ToList(), g);
    }
}
