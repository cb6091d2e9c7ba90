// The plan-cache hit path with and without the EF Core translation check (a measurement, not a test). Run from the
// repository root:  dotnet run -c Release --project benchmarks/QueryCheckFigures [rounds]
// Each round times 200,000 executions of one query shape (a plan-cache hit after the first) on a database without the
// check, then on one with CheckEfCoreTranslation; rounds alternate so the machine's load falls on both alike.
// Built with -p:DefineConstants=BASE against a tree without the observer, it times the first column only.
using System.Diagnostics;
using ZgDb;
#if !BASE
using ZgDb.Migrations;
#endif

int rounds = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 7;
const int Executions = 200_000;
var plain = Fill(ZgDatabase.OpenInMemory<FigureDb>());
#if !BASE
var checkedDb = Fill(ZgDatabase.OpenInMemory<FigureDb>(new ZgDbOptions().CheckEfCoreTranslation(EfCoreTarget.All, EfCheckAction.Warn)));
EfCoreCheck.Report(checkedDb);
#endif
var off = new List<double>();
var on = new List<double>();
for (int round = 0; round < rounds; round++)
{
    off.Add(Time(plain));
#if !BASE
    on.Add(Time(checkedDb));
#endif
}
double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
Console.WriteLine($"{Environment.ProcessorCount} cores, {rounds} rounds of {Executions:N0} executions of FirstOrDefault(i => i.Id == id) (plan-cache hits)");
Console.WriteLine($"check off: median {Median(off):F0} ns per query (rounds: {string.Join(", ", off.Select(v => v.ToString("F0")))})");
#if !BASE
Console.WriteLine($"check on:  median {Median(on):F0} ns per query (rounds: {string.Join(", ", on.Select(v => v.ToString("F0")))})");
Console.WriteLine($"ratio on/off: {Median(on) / Median(off):F3}");
#endif

static FigureDb Fill(FigureDb db)
{
    db.Items.InsertMany(Enumerable.Range(1, 10_000).Select(i => new Item { Id = i, Name = "item " + i }));
    return db;
}

static double Time(FigureDb db)
{
    int id = 0;
    for (int i = 0; i < 10_000; i++) { id = id % 10_000 + 1; _ = db.Items.FirstOrDefault(x => x.Id == id); }
    var clock = Stopwatch.StartNew();
    for (int i = 0; i < Executions; i++)
    {
        id = id % 10_000 + 1;
        if (db.Items.FirstOrDefault(x => x.Id == id) is null) throw new InvalidOperationException("missing item");
    }
    return clock.Elapsed.TotalNanoseconds / Executions;
}

public sealed class Item
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
}

public sealed class FigureDb : ZgDatabase
{
    public ZgCollection<Item> Items => Collection<Item>();
}
