using System.Globalization;

namespace ZgDb.Benchmarks.Smoke;

/// <summary>The smoke run's settings, from the command line (see <see cref="Usage"/>).</summary>
public sealed class SmokeOptions
{
    public int Users { get; set; } = 100_000;
    public int W7Documents { get; set; } = 1_000_000;
    public double Seconds { get; set; } = 1.5;
    public int W7Runs { get; set; } = 5;
    public List<string> Stores { get; set; } = ["zgdb", "dictionary", "sqlite", "litedb", "efcore-sqlite", "efcore-inmemory"];
    public HashSet<string>? Workloads { get; set; }
    public string DataDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "zgdb-bench");
    public string OutputDirectory { get; set; } = Path.Combine("BenchmarkDotNet.Artifacts", "smoke");
    public bool RebuildW7 { get; set; }
    public string CommandLine { get; set; } = "";

    public bool Runs(string workload) => Workloads is null || Workloads.Contains(workload) || Workloads.Contains(workload.Split('-')[0]);

    public const string Usage = """
        ZgDb.Benchmarks --smoke [options]     quick Stopwatch run of W1..W9 on every store; prints a table, writes JSON + Markdown
          --quick                 20,000 users, W7 on 200,000 documents, 0.5 s per workload (CI)
          --users N               users in the data set (default 100,000)
          --w7-docs N             documents in W7's database (default 1,000,000)
          --seconds S             time per timed workload (default 1.5)
          --stores a,b            of zgdb, dictionary, sqlite, litedb, efcore-sqlite, efcore-inmemory (default: all)
          --workloads W1,W2,...   W1 W2 W3 W4 W5 W6 W7 W8 W9 (default: all)
          --data DIR              where databases are built (default: $TMP/zgdb-bench; W7's are kept and reused)
          --rebuild-w7            rebuild W7's databases even if a complete one is there
          --out DIR               where the JSON and Markdown go (default: BenchmarkDotNet.Artifacts/smoke)
        ZgDb.Benchmarks --profile [w1|w2|w7] [--users N] [--w7-docs N]   Stopwatch + allocation breakdown of ZgDb's hot paths
        ZgDb.Benchmarks [BenchmarkDotNet arguments]   the BenchmarkDotNet suites, e.g. --filter '*Lookup*'
        """;

    public static SmokeOptions Parse(string[] args)
    {
        var options = new SmokeOptions { CommandLine = "ZgDb.Benchmarks " + string.Join(' ', args) };
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.\n{Usage}");
            switch (args[i])
            {
                case "--smoke": break;
                case "--quick":
                    options.Users = 20_000;
                    options.W7Documents = 200_000;
                    options.Seconds = 0.5;
                    options.W7Runs = 3;
                    break;
                case "--users": options.Users = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--w7-docs": options.W7Documents = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--seconds": options.Seconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--stores": options.Stores = [.. Next().Split(',', StringSplitOptions.RemoveEmptyEntries)]; break;
                case "--workloads": options.Workloads = new HashSet<string>(Next().Split(',', StringSplitOptions.RemoveEmptyEntries), StringComparer.OrdinalIgnoreCase); break;
                case "--data": options.DataDirectory = Path.GetFullPath(Next()); break;
                case "--rebuild-w7": options.RebuildW7 = true; break;
                case "--out": options.OutputDirectory = Next(); break;
                default: throw new ArgumentException($"Unknown option {args[i]}.\n{Usage}");
            }
        }
        foreach (var store in options.Stores)
            if (!ZgDb.Benchmarks.Stores.BenchStore.All.ContainsKey(store)) throw new ArgumentException($"Unknown store {store}.\n{Usage}");
        return options;
    }
}
