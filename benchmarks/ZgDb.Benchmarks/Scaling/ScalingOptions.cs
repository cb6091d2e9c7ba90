using System.Globalization;

namespace ZgDb.Benchmarks.Scaling;

/// <summary>The scaling run's settings, from the command line (see <see cref="Usage"/>).</summary>
public sealed class ScalingOptions
{
    public List<int> Sizes { get; set; } = [10_000, 100_000, 1_000_000];
    public List<string> Stores { get; set; } = ["zgdb", "sqlite"];
    public double Seconds { get; set; } = 1.0;
    public int ColdLookups { get; set; } = 2_000;
    public int OpenRuns { get; set; } = 3;
    public int Repeat { get; set; } = 1;
    public double CellTimeoutSeconds { get; set; } = 600;
    public string DataDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "zgdb-scaling");
    public string OutputDirectory { get; set; } = Path.Combine("BenchmarkDotNet.Artifacts", "scaling");
    public string? PlotPath { get; set; }
    public bool Keep { get; set; }
    public string CommandLine { get; set; } = "";

    /// <summary>The stores the scaling run compares: ZgDb and raw SQLite, as in the smoke run.</summary>
    public static readonly string[] Supported = ["zgdb", "sqlite"];

    public const string Usage = """
        ZgDb.Benchmarks --scaling [options]   how cost grows with the number of documents, ZgDb and SQLite side by side
          --sizes N,N,...         documents per database (default 10000,100000,1000000; 10000000 runs when asked
                                  and the disk and memory allow: the run checks free space first and says so)
          --stores a,b            of zgdb, sqlite (default: both)
          --seconds S             time per timed measure (default 1.0)
          --cold-lookups N        lookups timed in a fresh process with an empty cache (default 2,000)
          --open-runs N           fresh processes timed for open + first lookup, median (default 3)
          --repeat N              sweep every size N times, each time in new processes; a timed figure is the best of
                                  the N, memory and disk the median, and every answer must agree in all (default 1)
          --cell-timeout S        a child process (one store at one size) is killed after S seconds (default 600)
          --data DIR              where databases are built (default: $TMP/zgdb-scaling; deleted after each size)
          --keep                  keep the databases
          --out DIR               where the JSON and Markdown go (default: BenchmarkDotNet.Artifacts/scaling)
          --plot FILE             where the PNG goes (default: <out>/scaling-<time>.png)
        ZgDb.Benchmarks --render-scaling file.json [--plot FILE]   prints the Markdown of a stored run and redraws its plot
        """;

    public static ScalingOptions Parse(string[] args)
    {
        var options = new ScalingOptions { CommandLine = "ZgDb.Benchmarks " + string.Join(' ', args) };
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.\n{Usage}");
            switch (args[i])
            {
                case "--scaling": break;
                case "--sizes": options.Sizes = [.. Next().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(ParseSize).Order()]; break;
                case "--stores": options.Stores = [.. Next().Split(',', StringSplitOptions.RemoveEmptyEntries)]; break;
                case "--seconds": options.Seconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--cold-lookups": options.ColdLookups = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--open-runs": options.OpenRuns = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--repeat": options.Repeat = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--cell-timeout": options.CellTimeoutSeconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--data": options.DataDirectory = Path.GetFullPath(Next()); break;
                case "--keep": options.Keep = true; break;
                case "--out": options.OutputDirectory = Next(); break;
                case "--plot": options.PlotPath = Next(); break;
                default: throw new ArgumentException($"Unknown option {args[i]}.\n{Usage}");
            }
        }
        foreach (var store in options.Stores)
            if (!Supported.Contains(store, StringComparer.OrdinalIgnoreCase))
                throw new ArgumentException($"The scaling run compares {string.Join(" and ", Supported)}; {store} is not one of them.\n{Usage}");
        if (options.Sizes.Count == 0) throw new ArgumentException($"--sizes needs at least one size.\n{Usage}");
        if (options.ColdLookups < 1 || options.OpenRuns < 1 || options.Repeat < 1)
            throw new ArgumentException($"--cold-lookups, --open-runs and --repeat must be at least 1.\n{Usage}");
        return options;
    }

    private static int ParseSize(string text)
    {
        if (!int.TryParse(text.Replace("_", "", StringComparison.Ordinal), NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size < 100)
            throw new ArgumentException($"--sizes: '{text}' is not a number of documents (at least 100).\n{Usage}");
        return size;
    }
}
