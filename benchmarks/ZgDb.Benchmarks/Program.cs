// ZgDb.Benchmarks: BenchmarkDotNet suites (default), the --smoke table, the --scaling table and plot, the --profile
// breakdown, and the child sub-commands the smoke and scaling runs spawn. See docs/BENCHMARKS.md.
using BenchmarkDotNet.Running;
using ZgDb.Benchmarks.Profiling;
using ZgDb.Benchmarks.Scaling;
using ZgDb.Benchmarks.Smoke;

var command = args.Length > 0 ? args[0] : "";
switch (command)
{
    case "--child-w7":
        return ChildRuns.ChildW7(args);
    case "--child-w8":
        return ChildRuns.ChildW8(args);
    case "--child-scale-load":
        return ScalingChild.Load(args);
    case "--child-scale-cold":
        return ScalingChild.Cold(args);
    case "--render":
        return SmokeReport.Render(args[1]);
    case "--render-scaling":
        return ScalingReport.Render(args);
    case "--scaling":
    {
        var options = ScalingOptions.Parse(args);
        var started = DateTime.UtcNow;
        var load = SmokeReport.LoadAverage();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var runner = new ScalingRunner(options);
        runner.Run();
        var samples = runner.LoadSamples.DefaultIfEmpty(0).ToList();
        new ScalingReport
        {
            CommandLine = options.CommandLine, StartedUtc = started, Duration = clock.Elapsed, Machine = SmokeReport.Machine(),
            LoadAtStart = load, LoadAtEnd = SmokeReport.LoadAverage(), Results = runner.Results,
            LoadDuring = $"{samples.Min():F1}-{samples.Max():F1} (sampled at the start of each store and size)",
        }.Write(options.OutputDirectory, options.PlotPath);
        // Failing answers or crashed cells fail the run; timings never do.
        return runner.Results.Any(r => r.Measure == "error") || ScalingRunner.Mismatches(runner.Results).Any() ? 1 : 0;
    }
    case "--profile":
        return HotPaths.Run(args);
    case "--help" or "-h":
        Console.WriteLine(SmokeOptions.Usage);
        Console.WriteLine(ScalingOptions.Usage);
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
    var report = new SmokeReport(options, runner.Results, started, clock.Elapsed) { LoadAtStart = load };
    report.Write();
    // A crashed workload or answers that differ between stores fail the run (CI runs --smoke --quick); timings never do.
    return runner.Results.Any(r => r.Workload == "error") || report.Mismatches().Any() ? 1 : 0;
}
BenchmarkSwitcher.FromAssembly(typeof(ChildRuns).Assembly).Run(args);
return 0;
