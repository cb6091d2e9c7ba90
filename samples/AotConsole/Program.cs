// ZgDb under Native AOT (issue 23 §3, docs/AOT.md): CRUD, reopen, and a LINQ differential check (each query against
// LINQ-to-Objects over the same list, in memory and after a reopen from disk). Exits 1 when any check fails.
//   dotnet publish samples/AotConsole -c Release -r linux-x64 && samples/AotConsole/bin/Release/net10.0/linux-x64/publish/AotConsole
// An argument other than --startup is the database directory to use (kept afterwards).
using System.Runtime.CompilerServices;
using ZgDb;
using ZgDb.AotSample;

// No dynamic code under Native AOT, and also under `dotnet run` of this PublishAot project (the SDK sets the switch).
Console.WriteLine($"ZgDb AOT sample: dynamic code {(RuntimeFeature.IsDynamicCodeSupported ? "supported: expression trees compiled" : "not supported: expression trees interpreted")}");
// --startup: the process starts, prints the line above and exits; docs/BENCHMARKS.md times it (AOT against JIT).
if (args is ["--startup"]) return 0;
var directory = args.Length > 0 ? args[0] : Path.Combine(Path.GetTempPath(), "zgdb-aot-" + Guid.NewGuid().ToString("N"));
var checks = new Checks();
try
{
    var items = SampleData.Items();
    Differential.Probe(items);
    using (var db = ZgDatabase.Open<ShopDb>(directory))
    {
        db.Items.Insert(items[0]);
        db.Items.InsertMany(items.Skip(1));
        checks.Equal("count after insert", items.Count, db.Items.Count());
        checks.Equal("Find(7)", SampleData.Show(items[6]), SampleData.Show(db.Items.Find(7)));
        checks.Equal("Find(missing)", "null", SampleData.Show(db.Items.Find(100_000)));

        var item = db.Items.Find(3)!;
        item.Price = 1234.5m;
        item.City = "Quito";
        db.Items.Update(item);
        items[2].Price = 1234.5m;
        items[2].City = "Quito";
        checks.Equal("update", SampleData.Show(items[2]), SampleData.Show(db.Items.Find(3)));

        checks.Equal("delete", true, db.Items.Delete(5));
        items.RemoveAt(4);
        checks.Equal("deleted is gone", "null", SampleData.Show(db.Items.Find(5)));

        Differential.Run(checks, "in memory", db.Items, items);
        db.FlushAsync().GetAwaiter().GetResult();
    }
    using (var db = ZgDatabase.Open<ShopDb>(directory))
    {
        checks.Equal("count after reopen", items.Count, db.Items.Count());
        checks.Equal("Find(3) after reopen", SampleData.Show(items[2]), SampleData.Show(db.Items.Find(3)));
        Differential.Run(checks, "after reopen", db.Items, items);
    }
}
catch (Exception e)
{
    checks.Fail("unexpected exception", e.ToString());
}
finally
{
    if (args.Length == 0 && Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
}
Console.WriteLine(checks.Failed == 0 ? $"OK: {checks.Passed} checks passed" : $"FAILED: {checks.Failed} of {checks.Passed + checks.Failed} checks");
return checks.Failed == 0 ? 0 : 1;
