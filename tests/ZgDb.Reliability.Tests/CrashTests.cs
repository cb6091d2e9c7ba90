using System.Diagnostics;
using Xunit;
using Xunit.Abstractions;

namespace ZgDb.Reliability;

/// <summary>
/// Real crashes: a child process (tests/CrashChild) writes and acknowledges, and is killed with SIGKILL; the
/// parent reopens the database and checks that nothing acknowledged was lost and nothing was applied in part.
/// </summary>
[Collection(nameof(CrashTests))] // the crash loop wants the machine's cores for itself
public sealed class CrashTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ChildTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Issue 2: a child writes, calls FlushAsync, prints the count, is killed; every flushed document is there.</summary>
    [Fact]
    public void Kill_after_FlushAsync_loses_no_flushed_document()
    {
        using var dir = TempDir.Create("flush");
        var db = dir.Sub("db");
        const int count = 3_000;
        using var child = CrashChild.Start("flush", db, count.ToString());
        var line = CrashChild.ReadLine(child, ChildTimeout);
        CrashChild.KillHard(child);
        Assert.True(line == $"flushed {count}", $"the child printed '{line}' (stderr: {CrashChild.ErrorOutput(child)})");

        using var reopened = ZgDatabase.Open<CrashDb>(db);
        for (int id = 1; id <= count; id++)
        {
            var account = reopened.Accounts.Find(id);
            Assert.True(account is not null, $"flushed account {id} is missing after the kill");
            var expected = CrashShapes.FlushAccount(id);
            Assert.Equal((expected.Balance, expected.Owner, expected.Tags[0]), (account.Balance, account.Owner, account.Tags[0]));
        }
        // Unflushed writes after the acknowledgment may or may not have survived, but whatever did is whole and in order.
        int total = reopened.Accounts.Count();
        Assert.Equal(Enumerable.Range(1, total), reopened.Accounts.Select(a => a.Id));
        output.WriteLine($"{count} flushed documents survived the kill, plus {total - count} unflushed ones.");
    }

    /// <summary>
    /// Issue 8: the crash-restart loop. Each cycle starts the child on the same database with a random workload
    /// and random options, kills it at a random moment, reopens the database and checks its contents equal the
    /// state after the first k operations the child issued, for some k at or past the last acknowledged one: so
    /// every acknowledged operation is there, none is half applied, and nothing appears out of order.
    /// CI: 200 cycles, or as many as fit in 90 s (at least 50). Soak: ZGDB_SOAK_CYCLES=10000.
    /// </summary>
    [Fact]
    public void Crash_restart_loop_never_loses_an_acknowledged_write()
    {
        int soak = int.TryParse(Environment.GetEnvironmentVariable("ZGDB_SOAK_CYCLES"), out var s) ? s : 0;
        int target = soak > 0 ? soak : 200;
        const int minimum = 50;
        var budget = soak > 0 ? TimeSpan.MaxValue : TimeSpan.FromSeconds(90);
        int masterSeed = Seeds.Get("ZGDB_CRASH_SEED", output.WriteLine);
        var random = new Random(masterSeed);
        using var dir = TempDir.Create("crashloop");
        var db = dir.Sub("db");
        var sidePath = dir.Sub("side.log");
        var state = new WorkState();
        var clock = Stopwatch.StartNew();
        long acknowledged = 0, survivedUnacknowledged = 0, lostUnacknowledged = 0, killedBeforeOpen = 0;
        int cycle = 0;
        while (cycle < target)
        {
            if (cycle >= minimum && clock.Elapsed > budget) break;
            cycle++;
            int childSeed = random.Next();
            bool early = random.Next(10) == 0;
            int delayMs = early ? random.Next(0, 900) : random.Next(0, 250);
            // Half the cycles check a copy of the crashed files, so the next child recovers the raw crash state
            // itself (and may be killed in the middle of that recovery); the others recover in place.
            bool onCopy = random.Next(2) == 0;
            File.Delete(sidePath);
            string context = $"cycle {cycle} (master seed {masterSeed}, child seed {childSeed}, kill {(early ? "from start" : "once writing")} +{delayMs} ms, checked {(onCopy ? "on a copy" : "in place")})";

            using (var child = CrashChild.Start("work", db, sidePath, childSeed.ToString()))
            {
                if (early)
                {
                    child.WaitForExit(delayMs);
                }
                else
                {
                    var line = CrashChild.ReadLine(child, ChildTimeout);
                    if (line != "ready")
                    {
                        CrashChild.KillHard(child);
                        Fail($"{context}: the child did not open the database: '{line}', stderr: {CrashChild.ErrorOutput(child)}");
                    }
                    child.WaitForExit(delayMs);
                }
                if (child.HasExited)
                    Fail($"{context}: the child exited by itself with code {child.ExitCode}: {CrashChild.ErrorOutput(child)}");
                CrashChild.KillHard(child);
            }

            var side = SideFile.Parse(sidePath);
            if (side.ChildError is not null) Fail($"{context}: the child failed: {side.ChildError}");
            if (side.Intents.Count == 0) killedBeforeOpen++;

            var checkedDir = db;
            if (onCopy)
            {
                checkedDir = dir.Sub("copy");
                if (Directory.Exists(checkedDir)) Directory.Delete(checkedDir, recursive: true);
                CopyDirectory(db, checkedDir);
            }
            CrashDb reopened;
            try
            {
                reopened = ZgDatabase.Open<CrashDb>(checkedDir, new ZgDbOptions { Checkpoint = new CheckpointPolicy { OnDispose = random.Next(3) == 0 } });
            }
            catch (Exception e)
            {
                Fail($"{context}: the database did not open after the kill: {e}");
                return;
            }
            using (reopened)
            {
                var actual = WorkState.Read(reopened);
                var expected = state.Clone();
                for (int i = 0; i < side.Acknowledged; i++) expected.Apply(side.Intents[i]);
                int k = side.Acknowledged;
                string? diff;
                while ((diff = expected.Diff(actual)) is not null)
                {
                    if (k == side.Intents.Count)
                        Fail($"{context}: after the kill the database matches no prefix of the issued operations at or past the {side.Acknowledged} acknowledged of {side.Intents.Count}: {diff}");
                    expected.Apply(side.Intents[k++]);
                }
                acknowledged += side.Acknowledged;
                survivedUnacknowledged += k - side.Acknowledged;
                lostUnacknowledged += side.Intents.Count - k;
                state = expected;
            }
            if (soak > 0 && cycle % 250 == 0) // a soak runs for hours: leave figures behind as it goes
                Figures.Record(output, $"crash-loop soak progress: {cycle} of {target} cycles in {clock.Elapsed.TotalSeconds:F0} s; {acknowledged} acknowledged operations all present; master seed {masterSeed}");

            void Fail(string message)
            {
                var kept = dir.Keep();
                Assert.Fail($"{message}\nThe database and side file are kept in {kept}.");
            }
        }

        string mode = soak > 0 ? $"soak mode (ZGDB_SOAK_CYCLES={soak})"
            : cycle >= target ? $"CI mode: all {target} cycles"
            : $"CI mode: {cycle} cycles fitted in the {budget.TotalSeconds:F0} s budget (target {target}, minimum {minimum})";
        Figures.Record(output, $"crash-loop: {cycle} kill -9 cycles survived in {clock.Elapsed.TotalSeconds:F0} s, {mode}; " +
            $"{acknowledged} acknowledged operations all present; {survivedUnacknowledged} unacknowledged survived, {lostUnacknowledged} unacknowledged lost (allowed); " +
            $"{killedBeforeOpen} kills before the child wrote anything; final state {state}; master seed {masterSeed}");
    }

    /// <summary>Copies a crashed database's files; a child killed before it created the directory left no database, so neither is the copy one.</summary>
    internal static void CopyDirectory(string from, string to)
    {
        if (!Directory.Exists(from)) return;
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var sub in Directory.GetDirectories(from)) CopyDirectory(sub, Path.Combine(to, Path.GetFileName(sub)));
    }
}

/// <summary>
/// Regression (the crash loop, seed 778251326): the first cycle's child was killed before it created the database
/// directory, and checking "a copy of the crashed files" threw DirectoryNotFoundException instead of opening an empty
/// database.
/// </summary>
public sealed class CrashLoopCopyOfADatabaseNeverCreated
{
    [Fact]
    public void A_copy_of_a_database_directory_that_was_never_created_opens_empty()
    {
        using var dir = TempDir.Create("never-created");
        CrashTests.CopyDirectory(dir.Sub("db"), dir.Sub("copy"));
        Assert.False(Directory.Exists(dir.Sub("copy")));
        using var db = ZgDatabase.Open<CrashDb>(dir.Sub("copy"));
        Assert.Equal(0, db.Accounts.Count());
    }
}

[CollectionDefinition(nameof(CrashTests), DisableParallelization = true)]
public sealed class CrashTestsCollection;
