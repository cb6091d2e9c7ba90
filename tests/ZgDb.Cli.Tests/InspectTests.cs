using System.Text.Json;

namespace ZgDb.Cli.Tests;

public sealed class InspectTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _db;

    public InspectTests()
    {
        _db = _temp["db"];
        Data.Seed(_db);
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Info_counts_chunks_and_the_WAL_without_the_application_types()
    {
        var result = Tool.Run("info", _db, "--json");
        Assert.True(result.Code == 0, result.ToString());
        using var json = JsonDocument.Parse(result.Output);
        var root = json.RootElement;
        Assert.Equal(1, root.GetProperty("FormatVersion").GetInt32());
        Assert.True(root.GetProperty("CheckpointLsn").GetInt64() > 0);
        Assert.True(root.GetProperty("LastLsn").GetInt64() > root.GetProperty("CheckpointLsn").GetInt64());
        Assert.Equal(16, root.GetProperty("ModelFingerprint").GetString()!.Length);
        var collections = root.GetProperty("Collections").EnumerateArray().ToDictionary(c => c.GetProperty("Name").GetString()!);
        Dictionary<string, List<string>> expected = Data.Snapshot(_db);
        foreach (var (name, documents) in expected)
            Assert.Equal(documents.Count, collections[name].GetProperty("Documents").GetInt64());
        Assert.Equal(5, collections["Customers"].GetProperty("Chunks").GetInt32()); // 300 documents in chunks of 64
        Assert.True(collections["Customers"].GetProperty("PendingChanges").GetInt32() >= 3);
        Assert.Equal("City", collections["Customers"].GetProperty("Indexes")[0].GetProperty("Name").GetString());
        Assert.Contains("Orders.CustomerId -> Customers (", root.GetProperty("Relationships")[0].GetString());
        Assert.True(root.GetProperty("Wal").GetProperty("RecordsAfterCheckpoint").GetInt32() >= 5);

        var table = Tool.Run("info", _db);
        Assert.True(table.Code == 0, table.ToString());
        Assert.Contains("Customers", table.Output);
        Assert.Contains("Id (Guid)", table.Output);
    }

    [Fact]
    public void Verify_passes_a_healthy_database()
    {
        var result = Tool.Run("verify", _db);
        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains("OK:", result.Output);
        Assert.Contains("0 error(s)", result.Output);
    }

    [Fact]
    public void Verify_refuses_a_database_open_elsewhere()
    {
        using var db = ZgDatabase.Open<ShopDb>(_db, Data.Manual);
        var result = Tool.Run("verify", _db);
        Assert.Equal(2, result.Code);
        Assert.Contains("open in another process", result.Error);
        Assert.Contains("zgdb.lock", result.Error);
    }

    [Fact]
    public void Verify_finds_a_flipped_byte_in_a_chunk_body()
    {
        var chunk = Directory.GetFiles(Path.Combine(_db, "chunks"), "Customers-*.zgc").Order().First();
        var bytes = File.ReadAllBytes(chunk);
        bytes[^10] ^= 0x40;
        File.WriteAllBytes(chunk, bytes);
        var result = Tool.Run("verify", _db);
        Assert.True(result.Code == 1, result.ToString());
        Assert.Contains(Path.GetFileName(chunk), result.Output);
        Assert.Contains("body checksum mismatch", result.Output);
        Assert.Contains("Customers", result.Output);
        Assert.Contains("FAILED", result.Output);
    }

    [Fact]
    public void Verify_finds_a_flipped_byte_in_a_chunk_header()
    {
        var chunk = Directory.GetFiles(Path.Combine(_db, "chunks"), "Orders-*.zgc").Order().Last();
        var bytes = File.ReadAllBytes(chunk);
        bytes[9] ^= 0x01; // document count
        File.WriteAllBytes(chunk, bytes);
        var result = Tool.Run("verify", _db);
        Assert.True(result.Code == 1, result.ToString());
        Assert.Contains("header checksum mismatch", result.Output);
    }

    [Fact]
    public void Verify_finds_a_flipped_byte_in_an_index_file()
    {
        var index = Directory.GetFiles(Path.Combine(_db, "chunks"), "Customers-i*.zgi").Single();
        var bytes = File.ReadAllBytes(index);
        bytes[^5] ^= 0x02;
        File.WriteAllBytes(index, bytes);
        var result = Tool.Run("verify", _db);
        Assert.True(result.Code == 1, result.ToString());
        Assert.Contains(Path.GetFileName(index), result.Output);
        Assert.Contains("index 'City': body checksum mismatch", result.Output);
    }

    [Fact]
    public void Verify_checks_the_index_files_of_a_healthy_database()
    {
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(_db, "chunks"), "*.zgi"));
        var result = Tool.Run("verify", _db);
        Assert.Contains(" 3 index file(s)", result.Output); // Customers.City, Orders.CustomerId, Notes.Text
    }

    [Fact]
    public void Verify_finds_a_flipped_byte_in_the_WAL_and_names_file_and_offset()
    {
        var segment = Directory.GetFiles(Path.Combine(_db, "wal"), "*.zgw").Order().Last();
        var bytes = File.ReadAllBytes(segment);
        // The first record of the segment: flip a payload byte; valid records follow, so it is damage, not a torn tail.
        int first = 32;
        bytes[first + 24 + 5] ^= 0x20;
        File.WriteAllBytes(segment, bytes);
        var result = Tool.Run("verify", _db);
        Assert.True(result.Code == 1, result.ToString());
        Assert.Contains(Path.GetFileName(segment), result.Output);
        Assert.Contains("followed by valid ones", result.Output);
        Assert.Matches(@"\b32\b", result.Output);
    }

    [Fact]
    public void Verify_reports_a_torn_WAL_tail_as_a_warning_only()
    {
        var segment = Directory.GetFiles(Path.Combine(_db, "wal"), "*.zgw").Order().Last();
        using (var file = new FileStream(segment, FileMode.Append)) file.Write(new byte[] { 40, 0, 0, 0, 1, 0, 0 });
        var result = Tool.Run("verify", _db);
        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains("torn record", result.Output);
    }

    [Fact]
    public void Verify_finds_a_missing_chunk_and_a_damaged_manifest()
    {
        var chunk = Directory.GetFiles(Path.Combine(_db, "chunks"), "Notes-*.zgc").First();
        File.Delete(chunk);
        var result = Tool.Run("verify", _db);
        Assert.True(result.Code == 1, result.ToString());
        Assert.Contains("missing", result.Output);

        var manifest = Directory.GetFiles(_db, "manifest-*.zgm").Order().Last();
        var bytes = File.ReadAllBytes(manifest);
        bytes[40] ^= 0x08;
        File.WriteAllBytes(manifest, bytes);
        result = Tool.Run("verify", _db);
        Assert.True(result.Code == 1, result.ToString());
        Assert.Contains(Path.GetFileName(manifest), result.Output);
        Assert.Contains("checksum mismatch", result.Output);
    }

    [Fact]
    public void Verify_finds_dangling_foreign_keys_of_the_stored_relationships()
    {
        // Store an order whose customer does not exist under a model without the relationship, then checkpoint under
        // the model with it: the stored model now lists the relationship, and the data breaks it.
        using (var loose = ZgDatabase.Open<LooseShopDb>(_db, Data.Manual))
            loose.Orders.Insert(new LooseOrder { CustomerId = 4242, Total = 1 });
        using (var db = ZgDatabase.Open<ShopDb>(_db))
            db.Checkpoint();
        var result = Tool.Run("verify", _db);
        Assert.True(result.Code == 1, result.ToString());
        Assert.Contains("Orders.CustomerId -> Customers", result.Output);
        Assert.Contains("4242", result.Output);
        Assert.Contains("does not resolve", result.Output);
    }

    [Fact]
    public void Garbage_never_hangs_or_crashes_verify()
    {
        int seed = Environment.TickCount;
        Console.WriteLine($"Garbage_never_hangs_or_crashes_verify seed {seed}");
        var random = new Random(seed);
        var pristine = _temp["pristine"];
        CopyDirectory(_db, pristine);
        var files = Directory.GetFiles(pristine, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith("zgdb.lock")).Select(f => Path.GetRelativePath(pristine, f)).ToArray();
        for (int round = 0; round < 60; round++)
        {
            var target = _temp[$"garbage-{round}"];
            CopyDirectory(pristine, target);
            var file = Path.Combine(target, files[random.Next(files.Length)]);
            var bytes = File.ReadAllBytes(file);
            switch (round % 4)
            {
                case 0: // flip a few bytes anywhere
                    for (int i = 0; i < 1 + random.Next(4); i++) bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1: // truncate
                    bytes = bytes[..random.Next(bytes.Length)];
                    break;
                case 2: // random bytes of random length
                    bytes = new byte[random.Next(4096)];
                    random.NextBytes(bytes);
                    break;
                default: // zero a region
                    int start = random.Next(bytes.Length);
                    Array.Clear(bytes, start, Math.Min(bytes.Length - start, random.Next(1, 512)));
                    break;
            }
            File.WriteAllBytes(file, bytes);
            var run = Task.Run(() => Tool.Run("verify", target));
            Assert.True(run.Wait(TimeSpan.FromMinutes(2)), $"verify hung on round {round} (seed {seed}, file {file})");
            var result = run.Result;
            Assert.True(result.Code is 0 or 1, $"round {round} (seed {seed}, file {file}): {result}");
            Directory.Delete(target, recursive: true);
        }
        // A directory of nothing but garbage files.
        var junk = _temp["junk"];
        Directory.CreateDirectory(Path.Combine(junk, "wal"));
        Directory.CreateDirectory(Path.Combine(junk, "chunks"));
        foreach (var name in new[] { "manifest-0000000001.zgm", "wal/00000000000000000001.zgw", "chunks/X-00000001.zgc" })
        {
            var bytes = new byte[random.Next(10_000)];
            random.NextBytes(bytes);
            File.WriteAllBytes(Path.Combine(junk, name), bytes);
        }
        var garbage = Tool.Run("verify", junk);
        Assert.True(garbage.Code == 1, garbage.ToString());
        Assert.Equal(2, Tool.Run("verify", _temp["does-not-exist"]).Code);
    }

    internal static void CopyDirectory(string from, string to)
    {
        foreach (var dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
    }
}
