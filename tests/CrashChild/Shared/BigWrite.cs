namespace ZgDb.Reliability;

/// <summary>
/// <c>bigwrite &lt;dir&gt; &lt;documents&gt; &lt;KiB each&gt;</c>: one InsertMany of large events (a write logged as several
/// WAL records), FlushAsync, prints "flushed"; then one small insert, FlushAsync, prints "flushed 2"; then waits to be
/// killed. Issue 13, finding 1: such a write was acknowledged, then cut as a torn tail by recovery.
/// </summary>
public static class BigWrite
{
    public static string Payload(int i, int kib) => string.Create(kib << 10, i, (span, seed) =>
    {
        for (int k = 0; k < span.Length; k++) span[k] = (char)('a' + (seed * 7 + k / 1024) % 26);
    });

    public static async Task<int> Run(string dir, int documents, int kib)
    {
        var db = ZgDatabase.Open<CrashDb>(dir, new ZgDbOptions { Checkpoint = CheckpointPolicy.Manual });
        db.Events.InsertMany(Enumerable.Range(1, documents).Select(i => new Event { Id = $"big-{i:D5}", Group = i, Payload = Payload(i, kib) }));
        await db.FlushAsync();
        Console.WriteLine("flushed");
        db.Events.Insert(new Event { Id = "small", Group = -1, Payload = "after" });
        await db.FlushAsync();
        Console.WriteLine("flushed 2");
        Console.Out.Flush();
        await Task.Delay(Timeout.Infinite);
        return 0;
    }
}
