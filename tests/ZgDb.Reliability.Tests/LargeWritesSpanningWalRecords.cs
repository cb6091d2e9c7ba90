using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using Xunit;
using Xunit.Abstractions;
using ZgDb.Storage.Format;
using ZgDb.Storage.Wal;

namespace ZgDb.Reliability;

/// <summary>
/// Regression (issue 13, finding 1): one InsertMany larger than the WAL's record limit (2^30 bytes of payload) was
/// acknowledged by FlushAsync, then cut by recovery as a torn tail; with one more write after it the database no
/// longer opened ("an invalid WAL record ... is followed by valid ones"). A write is now logged as several records
/// (parts of at most ~32 MiB) when it is large, and recovery applies a write's parts all together or not at all.
/// </summary>
[Collection(nameof(CrashTests))]
public sealed class LargeWritesSpanningWalRecords(ITestOutputHelper output)
{
    private sealed class WarningLog : ILogger
    {
        public List<string> Warnings { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel level, EventId id, TState state, Exception? e, Func<TState, Exception?, string> format)
        {
            if (level >= LogLevel.Warning) lock (Warnings) Warnings.Add(format(state, e));
        }
    }

    /// <summary>The real thing, bounded for CI: 80 MiB of JSON in one InsertMany (three WAL parts), kill -9 after FlushAsync and one more write.</summary>
    [Fact]
    public void An_acknowledged_write_larger_than_one_WAL_record_survives_kill_9()
    {
        const int documents = 40, kib = 4096 / 2; // 40 x 2 MiB of chars = 80 Mi chars: 80 MiB of JSON
        using var dir = TempDir.Create("bigwrite");
        var db = dir.Sub("db");
        using (var child = CrashChild.Start("bigwrite", db, documents.ToString(), kib.ToString()))
        {
            var first = CrashChild.ReadLine(child, TimeSpan.FromSeconds(120));
            var second = CrashChild.ReadLine(child, TimeSpan.FromSeconds(60));
            CrashChild.KillHard(child);
            Assert.True(first == "flushed" && second == "flushed 2", $"the child printed '{first}', '{second}' (stderr: {CrashChild.ErrorOutput(child)})");
        }
        var records = WalRecords(Path.Combine(db, "wal"));
        Assert.True(records.Count(r => r.Kind != WalLayout.KindBatch) >= 3, $"the write was logged as {records.Count} records: expected several parts");
        var log = new WarningLog();
        using var reopened = ZgDatabase.Open<CrashDb>(db, new ZgDbOptions { Logger = log });
        Assert.Equal(documents + 1, reopened.Events.Count());
        for (int i = 1; i <= documents; i++)
            Assert.True(reopened.Events.Find($"big-{i:D5}")?.Payload == BigWrite.Payload(i, kib), $"document {i} is missing or different");
        Assert.Equal("after", reopened.Events.Find("small")!.Payload);
        Assert.Empty(log.Warnings);
        output.WriteLine($"{documents} documents of {kib} Ki chars in one InsertMany: {records.Count} WAL records, all there after kill -9.");
    }

    private static ZgDbOptions Small(ILogger? logger = null) => new()
    {
        WalPartBytes = 4096,
        Checkpoint = new CheckpointPolicy { OnDispose = false, MaxChangedDocuments = int.MaxValue, MaxWalBytes = long.MaxValue },
        Logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance,
    };

    private static IEnumerable<Account> Accounts(int from, int count) =>
        Enumerable.Range(from, count).Select(i => new Account { Id = i, Owner = new string('o', 400) + i, Balance = i });

    [Fact]
    public void A_write_cut_between_its_WAL_parts_is_dropped_whole_and_later_writes_still_open()
    {
        using var dir = TempDir.Create("parts");
        var db = dir.Sub("db");
        using (var d = ZgDatabase.Open<CrashDb>(db, Small()))
        {
            d.Accounts.Insert(Accounts(1, 1).Single());
            d.Accounts.InsertMany(Accounts(2, 60)); // ~26 KB: several 4 KiB parts
        }
        var segment = Directory.GetFiles(Path.Combine(db, "wal"), "*.zgw").Single();
        var records = WalRecords(Path.Combine(db, "wal"));
        Assert.True(records.Count >= 5, $"{records.Count} records");
        Assert.Equal(WalLayout.KindBatch, records[0].Kind);
        Assert.Equal(WalLayout.KindLastPart, records[^1].Kind);
        // A crash after the first three parts reached the disk, at a record boundary: nothing looks torn.
        using (var file = new FileStream(segment, FileMode.Open)) file.SetLength(records[3].End);

        var log = new WarningLog();
        using (var d = ZgDatabase.Open<CrashDb>(db, Small(log)))
        {
            Assert.Equal([1], d.Accounts.Select(a => a.Id).ToList());
            Assert.Contains(log.Warnings, w => w.Contains("dropped an unfinished write of 3 WAL records"));
            d.Accounts.Insert(Accounts(100, 1).Single()); // logged after the unfinished parts
            d.Accounts.InsertMany(Accounts(200, 30));
        }
        using (var d = ZgDatabase.Open<CrashDb>(db, Small()))
        {
            Assert.Equal(new[] { 1, 100 }.Concat(Enumerable.Range(200, 30)), d.Accounts.Select(a => a.Id).ToList());
            d.Checkpoint();
        }
        using (var d = ZgDatabase.Open<CrashDb>(db))
            Assert.Equal(32, d.Accounts.Count());
    }

    [Fact]
    public void A_part_naming_another_write_is_corruption_naming_the_file_and_offset()
    {
        using var dir = TempDir.Create("badpart");
        var db = dir.Sub("db");
        using (var d = ZgDatabase.Open<CrashDb>(db, Small()))
            d.Accounts.InsertMany(Accounts(1, 40));
        var segment = Directory.GetFiles(Path.Combine(db, "wal"), "*.zgw").Single();
        var records = WalRecords(Path.Combine(db, "wal"));
        // Re-point the second part at a write that does not exist, fixing its checksum so only the meaning is wrong.
        var bytes = File.ReadAllBytes(segment);
        var second = records[1];
        var payload = bytes.AsSpan(second.Offset + WalLayout.RecordHeaderLength, second.End - second.Offset - WalLayout.RecordHeaderLength);
        BinaryPrimitives.WriteInt64LittleEndian(payload, second.Lsn - 5);
        WalLayout.WriteRecordHeader(bytes.AsSpan(second.Offset), second.Lsn, second.Kind, payload);
        File.WriteAllBytes(segment, bytes);
        var e = Assert.Throws<ZgDbCorruptFileException>(() => ZgDatabase.Open<CrashDb>(db, Small()).Dispose());
        Assert.Equal(segment, e.File);
        Assert.Equal(second.Offset, e.Offset);
    }

    [Fact]
    public void Small_writes_stay_one_record_and_parts_hold_whole_operations()
    {
        var ops = Enumerable.Range(0, 100).Select(i => new WalOp(WalOpKind.Put, "Accounts", [(byte)'1'], new byte[100])).ToList();
        var single = WalBatch.EncodeRecords(ops, 7, partBytes: 1 << 20);
        Assert.Equal(WalLayout.KindBatch, Assert.Single(single).Kind);
        Assert.Equal(WalBatch.Encode(ops), single[0].Payload);
        var parts = WalBatch.EncodeRecords(ops, 7, partBytes: 1024);
        Assert.True(parts.Count > 10);
        Assert.All(parts, p => Assert.InRange(p.Payload.Length, 1, 1024));
        Assert.All(parts, p => Assert.Equal(7, BinaryPrimitives.ReadInt64LittleEndian(p.Payload)));
        Assert.Equal(100, parts.Sum(p => WalBatch.Decode(p.Payload.AsSpan(WalBatch.PartPrefixLength), "x", 0).Count));
        Assert.Equal(WalLayout.KindLastPart, parts[^1].Kind);
        Assert.All(parts.SkipLast(1), p => Assert.Equal(WalLayout.KindPart, p.Kind));
    }

    private sealed record Record(long Lsn, uint Kind, int Offset, int End);

    private static List<Record> WalRecords(string walDirectory)
    {
        var result = new List<Record>();
        foreach (var file in Directory.GetFiles(walDirectory, "*.zgw").Order())
        {
            var data = File.ReadAllBytes(file);
            int offset = WalLayout.SegmentHeaderLength;
            while (WalLayout.TryReadRecord(data, offset, out var lsn, out var kind, out var payload))
            {
                int end = offset + WalLayout.RecordHeaderLength + payload.Length;
                result.Add(new Record(lsn, kind, offset, end));
                offset = end;
            }
        }
        return result;
    }
}
