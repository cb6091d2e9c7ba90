using Xunit;
using Xunit.Abstractions;

namespace ZgDb.Reliability;

/// <summary>
/// Issue 4: a child process commits transactions in a loop (two account updates and an event each) and is
/// killed with SIGKILL at a random moment. On reopen, every transaction acknowledged durable is wholly there, the
/// ones after it are wholly there or wholly absent (never partial: the total balance never changes and the moves
/// present are exactly 1..M), over many kill cycles on the same database.
/// </summary>
[Collection(nameof(CrashTests))]
public sealed class TransactionCrashTests(ITestOutputHelper output)
{
    [Fact]
    public void Killed_transactions_are_all_or_nothing_and_acknowledged_ones_survive()
    {
        int masterSeed = Seeds.Get("ZGDB_TX_CRASH_SEED", output.WriteLine);
        var random = new Random(masterSeed);
        using var dir = TempDir.Create("txcrash");
        var db = dir.Sub("db");
        int cycles = int.TryParse(Environment.GetEnvironmentVariable("ZGDB_SOAK_CYCLES"), out var soak) && soak > 0 ? soak : 25;
        long durableSeen = 0, committedSeen = 0;
        for (int cycle = 1; cycle <= cycles; cycle++)
        {
            int childSeed = random.Next();
            string context = $"cycle {cycle} (master seed {masterSeed}, child seed {childSeed})";
            long durable = 0;
            using (var child = CrashChild.Start("transfers", db, childSeed.ToString()))
            {
                var ready = CrashChild.ReadLine(child, TimeSpan.FromSeconds(60));
                Assert.True(ready?.StartsWith("ready ") == true, $"{context}: the child printed '{ready}' ({CrashChild.ErrorOutput(child)})");
                int lines = random.Next(1, 12);
                for (int i = 0; i < lines; i++)
                {
                    var line = CrashChild.ReadLine(child, TimeSpan.FromSeconds(60));
                    Assert.True(line?.StartsWith("durable ") == true, $"{context}: the child printed '{line}' ({CrashChild.ErrorOutput(child)})");
                    durable = long.Parse(line!["durable ".Length..]);
                }
                Thread.Sleep(random.Next(0, 30)); // kill somewhere in the middle of later transactions
                CrashChild.KillHard(child);
            }

            using var reopened = ZgDatabase.Open<CrashDb>(db);
            var total = reopened.Accounts.AsEnumerable().Sum(a => a.Balance);
            Assert.True(total == 40 * 1_000L /* Transfers.Accounts * Transfers.Initial in the child */, $"{context}: the total is {total}: a transaction was applied in part");
            var moves = reopened.Events.AsEnumerable().Select(e => e.Group).ToList();
            Assert.True(moves.SequenceEqual(Enumerable.Range(1, moves.Count)), $"{context}: the moves present are not 1..{moves.Count}");
            Assert.True(moves.Count >= durable, $"{context}: move {durable} was acknowledged durable but only {moves.Count} moves survived");
            durableSeen += durable;
            committedSeen = moves.Count;
        }
        Figures.Record(output, $"transaction crash loop: {cycles} kill cycles, {committedSeen} transactions committed in all, every acknowledged one present, none partial");
    }
}
