namespace ZgDb.Tests.Regressions;

public sealed class Stamped { public int Id { get; set; } public DateTime At { get; set; } public decimal Price { get; set; } }

public sealed class StampedDb : ZgDatabase
{
    public ZgCollection<Stamped> Items => Collection<Stamped>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Stamped>().HasIndex(s => s.At);
        model.Entity<Stamped>().HasIndex(s => s.Price);
    }
}

/// <summary>
/// Regression: comparisons on DateTime and decimal compile to user-defined operators (DateTime.op_GreaterThanOrEqual),
/// which the planner refused, so `At >= t ... OrderBy(At).Take(10)` scanned the whole index (benchmark W4: 134/s).
/// </summary>
public sealed class DateTimeAndDecimalRangesUseIndexes
{
    [Fact]
    public void Ranges_on_DateTime_and_decimal_are_index_ranges_with_LINQ_to_Objects_results()
    {
        using var db = ZgDatabase.OpenInMemory<StampedDb>();
        var items = Enumerable.Range(1, 500).Select(i => new Stamped { At = new DateTime(2024, 1, 1).AddMinutes(i * 7 % 500), Price = i % 97 * 1.5m }).ToList();
        db.Items.InsertMany(items);
        var from = new DateTime(2024, 1, 1).AddMinutes(300);
        var byDate = db.Items.Where(s => s.At >= from).OrderBy(s => s.At).Take(10);
        Assert.StartsWith("INDEX RANGE Stamped.At [", byDate.Explain());
        Assert.Equal(items.Where(s => s.At >= from).OrderBy(s => s.At).Take(10).Select(s => s.Id), byDate.Select(s => s.Id).ToList());
        var byPrice = db.Items.Where(s => s.Price > 10m && s.Price <= 20m);
        Assert.StartsWith("INDEX RANGE Stamped.Price (10, 20]", byPrice.Explain());
        Assert.Equal(items.Where(s => s.Price > 10m && s.Price <= 20m).Select(s => s.Id), byPrice.Select(s => s.Id).ToList());
    }
}
