using System.Linq.Expressions;
using Xunit;
using ZgDb.Query;

namespace ZgDb.Linq.Tests;

/// <summary>
/// The plan cache's key (<see cref="ShapeKey"/>, written by the parameterizer's walk): queries of one shape with other
/// constants or captured values share one plan; queries that differ in anything else get their own, and each answer
/// still equals LINQ-to-Objects.
/// </summary>
public sealed class PlanCacheKeyTests : IDisposable
{
    private readonly ShopDb _db = ZgDatabase.OpenInMemory<ShopDb>();
    private readonly List<Person> _people = TestData.People(400);
    private readonly QueryPipeline _pipeline;

    public PlanCacheKeyTests()
    {
        _db.People.InsertMany(_people);
        _pipeline = QueryPipeline.For(_db);
    }

    public void Dispose() => _db.Dispose();

    private static ShapeKey Key(Expression query, ZgDatabase db) => QueryParameterizer.Analyze(query, db).Key;

    [Fact]
    public void Same_shape_with_other_constants_shares_one_plan()
    {
        Assert.Equal(_people.Count(p => p.Age > 10 && p.City == "Paris"), _db.People.Count(p => p.Age > 10 && p.City == "Paris"));
        Assert.Equal(_people.Count(p => p.Age > 70 && p.City == "Berlin"), _db.People.Count(p => p.Age > 70 && p.City == "Berlin"));
        Assert.Equal(_people.Count(p => p.Age > -5 && p.City == ""), _db.People.Count(p => p.Age > -5 && p.City == ""));
        Assert.Equal(1, _pipeline.Compilations);
        Assert.Equal(1, _pipeline.CachedPlans);
    }

    [Fact]
    public void Captured_values_are_parameters_of_one_plan()
    {
        foreach (var (age, city) in new[] { (20, "London"), (50, (string?)null), (99, "Zürich") })
            Assert.Equal(_people.Where(p => p.Age < age && p.City != city).Select(p => p.Id), _db.People.Where(p => p.Age < age && p.City != city).Select(p => p.Id));
        Assert.Equal(1, _pipeline.Compilations);
        var analysis = QueryParameterizer.Analyze(Expression(40, "Paris"), _db);
        Assert.Equal([40, "Paris"], analysis.Values);
        Assert.Equal(analysis.Key, Key(Expression(7, "Kabul"), _db));
        Assert.Equal(analysis.Key.GetHashCode(), Key(Expression(7, "Kabul"), _db).GetHashCode());

        Expression Expression(int age, string city) => _db.People.Where(p => p.Age < age && p.City != city).Expression;
    }

    [Fact]
    public void Different_shapes_get_different_plans()
    {
        var people = _db.People;
        Expression[] shapes =
        [
            people.Where(p => p.Age > 10).Expression,
            people.Where(p => p.Age >= 10).Expression, // another operator
            people.Where(p => p.Score > 10).Expression, // another member
            people.Where(p => p.Big > 10L).Expression, // a constant of another type
            people.Where(p => p.City == null).Expression, // a null constant is part of the shape
            people.Where(p => p.City == "x").Expression,
            people.Where(p => p.Name.StartsWith("K", StringComparison.Ordinal)).Expression, // the comparison is part of the shape
            people.Where(p => p.Name.StartsWith("K", StringComparison.OrdinalIgnoreCase)).Expression,
            people.Where(p => p.Age > 10).OrderBy(p => p.Age).Expression,
            people.Where(p => p.Age > 10).Take(3).Expression,
            _db.Orders.Where(o => o.Quantity > 10).Expression, // another collection
            people.Select(p => new { p.Id, p.Age }).Expression,
            people.Select(p => new { p.Age, p.Id }).Expression, // same members, other order
            people.SelectMany(p => p.Tags, (p, t) => p.Name).Expression, // lambda parameter positions
            people.SelectMany(p => p.Tags, (p, t) => t).Expression,
        ];
        var keys = shapes.Select(s => Key(s, _db)).ToList();
        for (int i = 0; i < keys.Count; i++)
            for (int j = i + 1; j < keys.Count; j++)
                Assert.False(keys[i].Equals(keys[j]), $"shape {i} ({shapes[i]}) and shape {j} ({shapes[j]}) got one key");
        foreach (var shape in shapes)
            foreach (var _ in (System.Collections.IEnumerable)people.Provider.CreateQuery(shape)) { } // each runs: one plan per shape
        Assert.Equal(shapes.Length, _pipeline.CachedPlans);
    }
}
