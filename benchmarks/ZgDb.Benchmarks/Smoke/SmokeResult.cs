namespace ZgDb.Benchmarks.Smoke;

/// <summary>One measured figure: a workload on a store.</summary>
/// <param name="Workload">W1, W2, W2-linq, ... as in issue 7.</param>
/// <param name="Store">The store's name.</param>
/// <param name="Value">The figure, in <paramref name="Unit"/>.</param>
/// <param name="Unit">docs/s, ops/s, ms, bytes/doc, MB.</param>
/// <param name="HigherIsBetter">Whether a larger value wins.</param>
/// <param name="Operations">How many operations were timed.</param>
/// <param name="Check">A result checksum (rows returned, ids summed) that must match across stores where they answer the same question.</param>
/// <param name="Note">How the store ran it (e.g. "no index yet"), or null.</param>
public sealed record SmokeResult(string Workload, string Store, double Value, string Unit, bool HigherIsBetter, long Operations, long? Check, string? Note);

/// <summary>The workloads' titles, in table order.</summary>
public static class Workloads
{
    public static readonly (string Id, string Title)[] Rows =
    [
        ("W1", "bulk insert + durable flush (docs/s)"),
        ("W2", "primary-key lookup, key API (lookups/s)"),
        ("W2-linq", "primary-key lookup, LINQ FirstOrDefault (lookups/s)"),
        ("W2-compiled", "primary-key lookup, compiled LINQ FirstOrDefault (lookups/s)"),
        ("W3", "indexed equality, ~2% of users materialized (queries/s)"),
        ("W4", "indexed range + order + take 10 (queries/s)"),
        ("W5", "full scan, string predicate, counted (queries/s)"),
        ("W6-durable", "single-document durable updates (updates/s)"),
        ("W6-flush", "fire-and-forget updates + one flush (updates/s)"),
        ("W7", "fresh process: open + first lookup (ms, in-process)"),
        ("W7-process", "fresh process: whole child process wall time (ms)"),
        ("W8-disk", "bytes per document on disk"),
        ("W8-memory", "peak working set of a process holding the data (MB)"),
        ("W9-read", "lookups/s of 2 reader threads during a writer"),
        ("W9-write", "updates/s of the writer during the 2 readers"),
    ];
}
