using ZgDb;
using ZgDb.Reliability;

/// <summary>
/// The transactions crash workload (issue 4): money moves between accounts, each move one transaction that
/// updates two accounts and records an event named after the move's number. Every 8th move is followed by
/// FlushAsync and the line "durable N" (moves 1..N are acknowledged durable). The parent kills the process
/// at a random moment and checks that the total never changed and the moves present are exactly 1..M, M >= N.
/// </summary>
internal static class Transfers
{
    public const int Accounts = 40;
    public const long Initial = 1_000;

    public static async Task<int> Run(string dir, int seed)
    {
        var random = new Random(seed);
        var db = ZgDatabase.Open<CrashDb>(dir, new ZgDbOptions { Durability = seed % 2 == 0 ? Durability.Synchronous : Durability.Background });
        if (db.Accounts.Count() == 0)
        {
            using (var tx = db.BeginTransaction())
            {
                db.Accounts.InsertMany(Enumerable.Range(1, Accounts).Select(i => new Account { Id = i, Balance = Initial, Owner = "owner " + i }));
                tx.Commit();
            }
            await db.FlushAsync();
        }
        int move = db.Events.Count(); // the moves already made by earlier children
        Console.WriteLine($"ready {move}");
        Console.Out.Flush();
        while (true)
        {
            move++;
            using (var tx = db.BeginTransaction())
            {
                var from = db.Accounts.Find(random.Next(1, Accounts + 1))!;
                var to = db.Accounts.Find(random.Next(1, Accounts + 1))!;
                long amount = random.Next(1, 100);
                from.Balance -= amount;
                db.Accounts.Update(from);
                to = db.Accounts.Find(to.Id)!; // may be the same account, re-read inside the transaction
                to.Balance += amount;
                to.Version++;
                db.Accounts.Update(to);
                db.Events.Insert(new Event { Id = $"move-{move:D8}", Group = move, Payload = $"{from.Id}->{to.Id}:{amount}", At = DateTime.UtcNow });
                tx.Commit();
            }
            if (move % 8 == 0)
            {
                await db.FlushAsync();
                Console.WriteLine($"durable {move}");
                Console.Out.Flush();
            }
        }
    }
}
