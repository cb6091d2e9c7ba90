// ZgDb.Benchmarks: BenchmarkDotNet suites (default), the --smoke table, the --profile breakdown, and the child
// sub-commands the smoke run spawns for W7 and W8. See docs/BENCHMARKS.md.
using BenchmarkDotNet.Running;
using ZgDb.Benchmarks.Profiling;
using ZgDb.Benchmarks.Smoke;

var command = args.Length > 0 ? args[0] : "";
switch (command)
{
    case "--child-w7":
        return ChildRuns.ChildW7(args);
    case "--child-w8":
        return ChildRuns.ChildW8(args);
    case "--render":
        return SmokeReport.Render(args[1]);
    case "--profile":
        return HotPaths.Run(args);
    case "--help" or "-h":
        Console.WriteLine(SmokeOptions.Usage);
        return 0;
}
if (args.Contains("--smoke") || args.Contains("--quick"))
{
    var options = SmokeOptions.Parse(args);
    var started = DateTime.UtcNow;
    var load = SmokeReport.LoadAverage();
    var clock = System.Diagnostics.Stopwatch.StartNew();
    var runner = new SmokeRunner(options);
    runner.Run();
    new SmokeReport(options, runner.Results, started, clock.Elapsed) { LoadAtStart = load }.Write();
    return runner.Results.Any(r => r.Workload == "error") ? 1 : 0;
}
BenchmarkSwitcher.FromAssembly(typeof(ChildRuns).Assembly).Run(args);
return 0;
