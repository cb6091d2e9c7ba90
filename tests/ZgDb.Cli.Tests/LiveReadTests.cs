namespace ZgDb.Cli.Tests;

/// <summary>
/// Found by the studio's live-read test: <c>zgdb info</c>, <c>query</c> and <c>export json</c> read without the lock,
/// and an application's checkpoint between the manifest and the WAL (or a chunk) deleted files under the read, which
/// then reported a healthy database as corrupt ("records N..M are missing", a missing segment). They now read again
/// from the new manifest while the application holds the lock (Cli/LiveRead.cs).
/// </summary>
public sealed class LiveReadTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_database_an_application_is_checkpointing_was_reported_corrupt_by_info_query_and_export()
    {
        var dir = _temp["db"];
        Data.Seed(dir, customers: 120);
        using var db = ZgDatabase.Open<ShopDb>(dir, new ZgDbOptions { ChunkDocuments = 16, Checkpoint = new CheckpointPolicy { MaxChangedDocuments = int.MaxValue, MaxWalBytes = long.MaxValue } });
        int expected = db.Customers.Count();
        var ids = db.Customers.Select(c => c.Id).ToList();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        int checkpoints = 0;
        var writer = Task.Run(() =>
        {
            for (int round = 0; !stop.IsCancellationRequested; round++)
            {
                db.Customers.Update(new Customer { Id = ids[round % ids.Count], Name = $"round {round}", Age = 20 + round % 50, City = "Oslo" });
                db.Checkpoint();
                Interlocked.Increment(ref checkpoints);
            }
        });
        try
        {
            // At least 150 reads, and until 20 checkpoints have run under them (an idle machine reads faster than the
            // writer checkpoints): bounded by the 60 s token.
            for (int i = 0; (i < 150 || Volatile.Read(ref checkpoints) < 20) && !stop.IsCancellationRequested; i++)
            {
                var info = Tool.Run("info", dir, "--json");
                Assert.True(info.Code == 0, $"info, read {i}: {info}");
                var count = Tool.Run("query", dir, "Customers", "--count");
                Assert.True(count.Code == 0, $"query, read {i}: {count}");
                Assert.Equal(expected.ToString(), count.Output.Trim());
                if (i % 10 == 0)
                {
                    var export = Tool.Run("export", "json", dir, _temp[$"export-{i}"]);
                    Assert.True(export.Code == 0, $"export, read {i}: {export}");
                    Assert.Equal(expected, File.ReadLines(Path.Combine(_temp[$"export-{i}"], "Customers.jsonl")).Count());
                }
            }
        }
        finally
        {
            stop.Cancel();
            await writer;
        }
        Assert.True(checkpoints > 10, $"only {checkpoints} checkpoints ran during the reads");
    }
}
