using BenchmarkDotNet.Attributes;
using ZgDb.Benchmarks.Data;
using ZgDb.Benchmarks.Smoke;
using ZgDb.Benchmarks.Stores;

namespace ZgDb.Benchmarks.Suites;

/// <summary>
/// W2-W5 under BenchmarkDotNet, per store, with allocations (MemoryDiagnoser). Each store is loaded once with the
/// data set in <see cref="Setup"/>. Run: <c>dotnet run -c Release --project benchmarks/ZgDb.Benchmarks -- --filter '*ReadBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
public class ReadBenchmarks
{
    private BenchStore _store = null!;
    private string _directory = "";
    private int[] _ids = [];
    private int _next;

    [Params("zgdb", "dictionary", "sqlite", "litedb", "efcore-sqlite", "efcore-inmemory")]
    public string Store { get; set; } = "zgdb";

    [Params(100_000)]
    public int Users { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "zgdb-bdn", "read-" + Store);
        SmokeRunner.DeleteDirectory(_directory);
        _store = BenchStore.All[Store]();
        _store.Open(_directory);
        _store.InsertAll(Dataset.Generate(Users));
        if (_store is ZgDbStore zg) zg.Settle();
        _ids = SmokeRunner.RandomInts(1 << 16, 1, Users + 1, 1);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _store.Dispose();
        SmokeRunner.DeleteDirectory(_directory);
    }

    private int NextId() => _ids[_next++ & 0xFFFF];

    [Benchmark(Description = "W2 Find")]
    public User? Find() => _store.Find(NextId());

    [Benchmark(Description = "W3 City ==")]
    public int ByCity() => _store.ByCity(Dataset.Cities[_next++ % Dataset.Cities.Length]).Count;

    [Benchmark(Description = "W4 CreatedAt >= .. take 10")]
    public int CreatedFromTop10() => _store.CreatedFromTop10(Dataset.Epoch.AddMinutes(NextId() * 30)).Count;

    [Benchmark(Description = "W5 Email.Contains count")]
    public int CountEmail() => _store.CountEmailContaining("77");
}

/// <summary>W1 under BenchmarkDotNet: the data set bulk-inserted into a fresh store and flushed, per iteration.</summary>
[MemoryDiagnoser]
[SimpleJob(BenchmarkDotNet.Engines.RunStrategy.Monitoring, launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class InsertBenchmarks
{
    private BenchStore _store = null!;
    private string _directory = "";
    private List<User> _users = [];

    [Params("zgdb", "dictionary", "sqlite", "litedb", "efcore-sqlite", "efcore-inmemory")]
    public string Store { get; set; } = "zgdb";

    [Params(100_000)]
    public int Users { get; set; }

    [IterationSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "zgdb-bdn", "insert-" + Store);
        SmokeRunner.DeleteDirectory(_directory);
        _store = BenchStore.All[Store]();
        _store.Open(_directory);
        _users = Dataset.Generate(Users);
    }

    [IterationCleanup]
    public void Cleanup()
    {
        _store.Dispose();
        SmokeRunner.DeleteDirectory(_directory);
    }

    [Benchmark(Description = "W1 bulk insert + flush")]
    public void InsertAll() => _store.InsertAll(_users);
}
