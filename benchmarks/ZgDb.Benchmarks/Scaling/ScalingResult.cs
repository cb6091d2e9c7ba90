namespace ZgDb.Benchmarks.Scaling;

/// <summary>One figure of the scaling run: a measure of one store at one size.</summary>
/// <param name="Documents">Documents in the database.</param>
/// <param name="Store">The store's name (ZgDb, SQLite), or the cell that failed for an error.</param>
/// <param name="Measure">An id of <see cref="ScalingMeasure.All"/>, or "error" / "skipped".</param>
/// <param name="Value">The figure, in the measure's unit.</param>
/// <param name="Check">A checksum both stores must agree on at this size, or null.</param>
/// <param name="Note">How it was run, or what failed.</param>
/// <param name="Repetition">Which sweep of <c>--repeat</c> measured it (0 for the first).</param>
public sealed record ScalingResult(int Documents, string Store, string Measure, double Value, long? Check, string? Note, int Repetition = 0);

/// <summary>
/// A measure: how the table shows it (<see cref="Unit"/>) and how the plot shows it, as a cost per operation
/// (<see cref="Cost"/> in <see cref="CostUnit"/>), so that a flat line means the cost of one operation does not grow
/// with the data and a rising one means it does.
/// </summary>
public sealed record ScalingMeasure(string Id, string Title, string Unit, bool HigherIsBetter, string CostUnit, Func<double, int, double> Cost, bool Plotted = true)
{
    /// <summary>Whether repetitions are summarized by their best (timings) rather than their median (memory, disk).</summary>
    public bool Timed => Id is not ("memory" or "memory-data" or "disk");

    public static readonly ScalingMeasure[] All =
    [
        new("insert", "InsertMany + durable flush (SQLite: one transaction)", "docs/s", true, "µs per document", (v, _) => 1e6 / v),
        new("find-warm", "Find by key, cache warm", "lookups/s", true, "µs per lookup", (v, _) => 1e6 / v),
        new("find-cold", "Find by key, fresh process, cache empty (first lookups)", "lookups/s", true, "µs per lookup", (v, _) => 1e6 / v),
        new("range", "indexed range: CreatedAt >= t, OrderBy, Take(10)", "queries/s", true, "µs per query", (v, _) => 1e6 / v),
        new("open", "fresh process: open + first lookup (W7, JIT included)", "ms", false, "ms", (v, _) => v),
        new("scan", "full scan Count(Email contains \"@\"), cache warm", "ns/doc", false, "ns per document", (v, _) => v),
        new("memory", "peak working set, fresh process that read every document", "MB", false, "bytes per document", (v, n) => v * 1048576 / n, Plotted: false),
        new("memory-data", "peak working set above the process baseline", "MB", false, "bytes per document", (v, n) => v * 1048576 / n),
        new("disk", "bytes on disk per document, after close", "bytes/doc", false, "bytes per document", (v, _) => v),
    ];
}
