using System.Text;
using ZgDb;
using ZgDb.Reliability;

// The child process of the crash tests. It is always ended by SIGKILL from the parent; it exits by itself only
// on an error (exit code 3, the error on stderr and in the side file).
//   flush <dir> <count>            inserts accounts 1..count, FlushAsync, prints "flushed <count>", then keeps
//                                  writing unflushed accounts until killed.
//   work <dir> <side file> <seed>  the mixed crash-loop workload (see Workload.cs and CrashTests).
//   transfers <dir> <seed>         transactions moving money between accounts (see Transfers.cs and TransactionCrashTests).
//   bigwrite <dir> <n> <KiB>       one InsertMany too large for one WAL record, FlushAsync, one more write (see BigWrite.cs).
//   hostile <dir> <case>           one insert that could crash the process (a cycle, 200,000 levels of nesting);
//                                  prints "stored" or "refused: ..." (see BadInputTests).
//   tryopen <dir>                  opens the database and prints "opened", or "locked: ..." (see LockTests).
//   hold <dir>                     opens the database, prints "holding", and keeps it open until stdin closes.
//   tz-write <dir>, tz-read <dir>  Local/Utc/Unspecified DateTime documents written and read under the TZ the parent
//                                  sets; tz-read prints one JSON line (see TimeZoneScenario and TimeZoneTests).
try
{
    return args[0] switch
    {
        "flush" => await Flush(args[1], int.Parse(args[2])),
        "work" => await Work(args[1], args[2], int.Parse(args[3])),
        "hostile" => Print(Hostile.Run(args[1], args[2])),
        "transfers" => await Transfers.Run(args[1], int.Parse(args[2])),
        "bigwrite" => await BigWrite.Run(args[1], int.Parse(args[2]), int.Parse(args[3])),
        "tryopen" => TryOpen(args[1]),
        "hold" => Hold(args[1]),
        "tz-write" => Print(Written(args[1])),
        "tz-read" => Print(TimeZoneScenario.Read(args[1])),
        _ => throw new ArgumentException("unknown mode " + args[0]),
    };
}
catch (Exception e)
{
    Console.Error.WriteLine("crash child failed: " + e);
    return 3;
}

static string Written(string dir)
{
    TimeZoneScenario.Write(dir);
    return "written under " + TimeZoneInfo.Local.Id;
}

static int TryOpen(string dir)
{
    try
    {
        using var db = ZgDatabase.Open<CrashDb>(dir);
        Console.WriteLine("opened");
    }
    catch (ZgDbLockedException e)
    {
        Console.WriteLine("locked: " + e.Message);
    }
    return 0;
}

static int Hold(string dir)
{
    using var db = ZgDatabase.Open<CrashDb>(dir);
    Console.WriteLine("holding");
    Console.Out.Flush();
    Console.In.ReadToEnd();
    return 0;
}

static int Print(string line)
{
    Console.WriteLine(line);
    return 0;
}

static async Task<int> Flush(string dir, int count)
{
    var db = ZgDatabase.Open<CrashDb>(dir);
    for (int id = 1; id <= count;)
    {
        if (id % 3 == 0)
        {
            var batch = Enumerable.Range(id, Math.Min(50, count - id + 1)).Select(FlushAccount).ToList();
            db.Accounts.InsertMany(batch);
            id += batch.Count;
        }
        else
        {
            db.Accounts.Insert(FlushAccount(id++));
        }
    }
    await db.FlushAsync();
    Console.WriteLine($"flushed {count}");
    Console.Out.Flush();
    for (int id = count + 1; ; id++) // never flushed: may or may not survive the kill
    {
        db.Accounts.Insert(FlushAccount(id));
        if (id % 1000 == 0) await Task.Yield();
    }
}

static Account FlushAccount(int id) => CrashShapes.FlushAccount(id);

static async Task<int> Work(string dir, string sideFile, int seed)
{
    var random = new Random(seed);
    var options = CrashShapes.WorkOptions(random);
    int flushEvery = random.Next(1, 40);
    int checkpointEvery = random.Next(0, 4) == 0 ? random.Next(20, 300) : 0;
    using var side = new FileStream(sideFile, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0);
    void Log(string line)
    {
        side.Write(Encoding.UTF8.GetBytes(line + "\n"));
        side.Flush();
    }

    var db = ZgDatabase.Open<CrashDb>(dir, options);
    var generator = new WorkloadGenerator(random, WorkState.Read(db));
    Console.WriteLine("ready");
    Console.Out.Flush();
    bool synchronous = options.Durability == Durability.Synchronous;
    for (int n = 1; ; n++)
    {
        var op = generator.Next();
        Log($"I {n} {op.ToLine()}");
        try
        {
            op.ApplyTo(db);
            if (synchronous)
            {
                Log($"A {n}");
            }
            else if (n % flushEvery == 0)
            {
                await db.FlushAsync();
                Log($"A {n}");
            }
            if (checkpointEvery > 0 && n % checkpointEvery == 0) db.Checkpoint();
        }
        catch (Exception e)
        {
            Log("E " + e.ToString().ReplaceLineEndings(" | "));
            throw;
        }
    }
}
