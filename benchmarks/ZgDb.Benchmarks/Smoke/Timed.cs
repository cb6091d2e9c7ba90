using System.Diagnostics;

namespace ZgDb.Benchmarks.Smoke;

/// <summary>A timed loop: runs an operation for a fixed time and reports operations per second.</summary>
public static class Timed
{
    /// <summary>The outcome: operations done, seconds taken, the sum of the operation's results (a checksum), bytes allocated by this thread.</summary>
    public readonly record struct Outcome(long Operations, double Seconds, long Check, long AllocatedBytes)
    {
        public double PerSecond => Operations / Seconds;
    }

    /// <summary>
    /// Runs <paramref name="operation"/>(i) for i = 0, 1, ... for about <paramref name="seconds"/> (at least
    /// <paramref name="minOperations"/> times), after up to <paramref name="warmup"/> untimed calls (stopping early
    /// once they took a fifth of <paramref name="seconds"/>, for slow stores). The clock is read
    /// once per group of calls, the group growing while it takes under a millisecond, so fast operations are not
    /// dominated by reading the clock.
    /// </summary>
    public static Outcome Run(Func<int, long> operation, double seconds, int warmup = 3, int minOperations = 3)
    {
        long warmupEnd = Stopwatch.GetTimestamp() + (long)(seconds / 5 * Stopwatch.Frequency);
        for (int i = 0; i < warmup && (i % 16 != 0 || Stopwatch.GetTimestamp() < warmupEnd); i++) operation(i);
        long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        long check = 0;
        int done = 0;
        int group = 1;
        long budget = (long)(seconds * Stopwatch.Frequency);
        long start = Stopwatch.GetTimestamp();
        long now = start;
        while (now - start < budget || done < minOperations)
        {
            long groupStart = now;
            for (int g = 0; g < group; g++) check += operation(done++);
            now = Stopwatch.GetTimestamp();
            if (now - groupStart < Stopwatch.Frequency / 1000 && group < 1 << 20) group *= 2;
        }
        return new Outcome(done, (double)(now - start) / Stopwatch.Frequency, check, GC.GetAllocatedBytesForCurrentThread() - allocatedBefore);
    }

    /// <summary>Times one call.</summary>
    public static double Seconds(Action action)
    {
        long start = Stopwatch.GetTimestamp();
        action();
        return Stopwatch.GetElapsedTime(start).TotalSeconds;
    }
}
