using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Hashing;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;
using Xunit.Abstractions;
using ZgDb.Storage.Chunks;
using ZgDb.Storage.Documents;
using ZgDb.Storage.Format;
using ZgDb.Storage.Manifests;
using ZgDb.Storage.Wal;
using ZstdSharp;

namespace ZgDb.Reliability;

/// <summary>
/// Bounded-time fuzzing of the chunk, WAL and manifest decoders: random bytes, mutated valid files, and mutated
/// files whose checksums are then fixed up so the mutation reaches the parsers behind them (zstd, JSON, the WAL
/// batch format, the key checks). Every input must decode or throw <see cref="ZgDbCorruptFileException"/> (or
/// <see cref="ZgDbUnsupportedVersionException"/> for a fixed-up header of another version) (at the
/// engine level: any <see cref="ZgDbException"/>); never another exception, a crash or a hang. Each target runs
/// ZGDB_FUZZ_SECONDS (default 2) seconds; the seed is logged (ZGDB_FUZZ_SEED replays it).
/// </summary>
public sealed class DecoderFuzzTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(
        double.TryParse(Environment.GetEnvironmentVariable("ZGDB_FUZZ_SECONDS"), out var s) ? s : 2);

    private static readonly DatabaseModel Model = ModelFactory.Build([("Accounts", typeof(Account)), ("Events", typeof(Event))], null);
    private static readonly DocumentSerializer Serializer = new(Model);
    private static readonly KeyCodec<int> Keys = new(KeyKind.Int32);

    private int Fuzz(string target, Func<Random, byte[]> input, Action<byte[]> decode, Func<Exception, bool> allowed)
    {
        int seed = Seeds.Get("ZGDB_FUZZ_SEED", output.WriteLine);
        var random = new Random(seed);
        var clock = Stopwatch.StartNew();
        int executions = 0, rejected = 0;
        while (clock.Elapsed < Budget)
        {
            var bytes = input(random);
            executions++;
            try
            {
                var run = Task.Run(() => decode(bytes));
                if (!run.Wait(TimeSpan.FromSeconds(30))) Fail("hangs");
            }
            catch (AggregateException e) when (e.InnerException is { } inner && allowed(inner))
            {
                if (rejected++ < 3) output.WriteLine($"rejected: {inner.GetType().Name}: {inner.Message}");
            }
            catch (AggregateException e)
            {
                Fail("threw " + e.InnerException);
            }

            void Fail(string what)
            {
                var saved = Path.Combine(Path.GetTempPath(), $"zgdb-fuzz-{target}-{seed}-{executions}.bin");
                File.WriteAllBytes(saved, bytes);
                Assert.Fail($"{target}: input {executions} (seed {seed}) {what}; the input is saved in {saved}");
            }
        }
        Figures.Record(output, $"fuzz {target}: {executions} executions in {clock.Elapsed.TotalSeconds:F1} s, {rejected} rejected as corrupt, {executions - rejected} decoded, no other outcome (seed {seed})");
        return executions;
    }

    // A mutated version field with its checksum fixed up is a sound file of another format version: refused as
    // unsupported, which the catalog keeps apart from corruption (issue 16, section 4).
    private static bool Corrupt(Exception e) => e is ZgDbCorruptFileException or ZgDbUnsupportedVersionException;

    // ---- mutations -----------------------------------------------------------------------------------------

    private static readonly int[] InterestingInts = [0, 1, -1, 2, 24, 31, 32, 255, 256, 65535, 65536, int.MaxValue, int.MinValue, 1 << 30];

    private static byte[] Mutate(Random random, byte[] input)
    {
        var bytes = (byte[])input.Clone();
        int edits = 1 + random.Next(4);
        for (int e = 0; e < edits; e++)
        {
            if (bytes.Length == 0) return [(byte)random.Next(256)];
            switch (random.Next(7))
            {
                case 0: bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8)); break;
                case 1: bytes[random.Next(bytes.Length)] = (byte)new[] { 0, 0xFF, 0x7F, 0x80, '"', '{', '[' }[random.Next(7)]; break;
                case 2: Array.Resize(ref bytes, random.Next(bytes.Length)); break;
                case 3:
                    var tail = new byte[random.Next(1, 64)];
                    random.NextBytes(tail);
                    bytes = [.. bytes, .. tail];
                    break;
                case 4 when bytes.Length >= 4:
                    BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(random.Next(bytes.Length - 3)), InterestingInts[random.Next(InterestingInts.Length)]);
                    break;
                case 5:
                    int at = random.Next(bytes.Length), n = random.Next(1, Math.Min(32, bytes.Length - at) + 1);
                    bytes = [.. bytes[..at], .. bytes[(at + n)..]];
                    break;
                default:
                    Array.Clear(bytes, random.Next(bytes.Length), 0);
                    var from = random.Next(bytes.Length);
                    Array.Clear(bytes, from, Math.Min(random.Next(1, 64), bytes.Length - from));
                    break;
            }
        }
        return bytes;
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 512)];
        random.NextBytes(bytes);
        return bytes;
    }

    private static Account[] RandomAccounts(Random random)
    {
        var generator = new WorkloadGenerator(random, new WorkState());
        return Enumerable.Range(0, random.Next(1, 20)).Select(_ => generator.Next())
            .Where(o => o.Accounts is not null).SelectMany(o => o.Accounts!).DistinctBy(a => a.Id).OrderBy(a => a.Id).ToArray() is { Length: > 0 } a
            ? a : [new Account { Id = 1 }];
    }

    /// <summary>JSON text mutations that keep it plausible: swapped values, other types, removed or duplicated parts.</summary>
    private static byte[] MutateJson(Random random, byte[] json)
    {
        var text = Encoding.UTF8.GetString(json);
        string[] values = ["null", "0", "-1", "1e400", "\"x\"", "[]", "{}", "true", "NaN", "\"\\ud800\"", "99999999999999999999", "\"2026-13-45\""];
        for (int e = 1 + random.Next(3); e > 0 && text.Length > 2; e--)
        {
            int at = random.Next(text.Length);
            switch (random.Next(4))
            {
                case 0: // replace the value after a colon
                    int colon = text.IndexOf(':', at);
                    if (colon < 0) break;
                    int end = text.IndexOfAny([',', '}', ']'], colon + 1);
                    if (end < 0) break;
                    text = text[..(colon + 1)] + values[random.Next(values.Length)] + text[end..];
                    break;
                case 1:
                    text = text.Remove(at, Math.Min(random.Next(1, 8), text.Length - at));
                    break;
                case 2:
                    int from = random.Next(text.Length);
                    text = text.Insert(at, text.Substring(from, Math.Min(random.Next(1, 40), text.Length - from)));
                    break;
                default:
                    var digits = text.Select((c, i) => (c, i)).Where(x => char.IsAsciiDigit(x.c)).ToList();
                    if (digits.Count > 0) { var d = digits[random.Next(digits.Count)]; text = text[..d.i] + (char)('0' + random.Next(10)) + text[(d.i + 1)..]; }
                    break;
            }
        }
        return Encoding.UTF8.GetBytes(text);
    }

    // ---- chunks --------------------------------------------------------------------------------------------

    private static byte[] ValidChunk(Random random)
    {
        var fs = new MemoryFileSystem();
        var docs = RandomAccounts(random);
        ChunkFile.Write(fs, "/c/x.zgc", "Accounts", Keys, docs.Select(d => d.Id).ToArray(), docs, Serializer);
        return fs["/c/x.zgc"];
    }

    /// <summary>A chunk whose body is mutated JSON, compressed and framed with correct lengths and checksums.</summary>
    private static byte[] FramedChunk(Random random)
    {
        var docs = RandomAccounts(random);
        var raw = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(docs, Serializer.Options);
        if (random.Next(4) != 0) raw = MutateJson(random, raw);
        using var compressor = new Compressor(1);
        var body = compressor.Wrap(raw).ToArray();
        if (random.Next(8) == 0) body = Mutate(random, body);
        int count = random.Next(4) == 0 ? random.Next(-1, 30) : docs.Length;
        int rawLength = random.Next(4) == 0 ? random.Next(0, raw.Length * 2 + 2) : raw.Length;
        var min = random.Next(4) == 0 ? MutateJson(random, Keys.ToJson(docs[0].Id)) : Keys.ToJson(docs[0].Id);
        var max = random.Next(4) == 0 ? MutateJson(random, Keys.ToJson(docs[^1].Id)) : Keys.ToJson(docs[^1].Id);
        var header = new ChunkHeader(random.Next(10) == 0 ? "Events" : "Accounts", count, rawLength, body.Length, XxHash64.HashToUInt64(body), min, max);
        var file = new byte[header.Length + body.Length];
        header.Write(file);
        body.CopyTo(file.AsSpan(header.Length));
        return file;
    }

    /// <summary>Recomputes the header and body checksums of a (mutated) chunk, so the mutation gets past them.</summary>
    private static byte[] FixChunk(byte[] bytes)
    {
        if (bytes.Length < 8) return bytes;
        int h = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(6));
        if (h < 42 || h > bytes.Length) return bytes;
        if (bytes.Length >= 28) BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(20), XxHash64.HashToUInt64(bytes.AsSpan(h)));
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(h - 8), XxHash64.HashToUInt64(bytes.AsSpan(0, h - 8)));
        return bytes;
    }

    [Fact]
    public void Chunk_decoder_survives_fuzzing()
    {
        Fuzz("chunk", random => random.Next(6) switch
        {
            0 => RandomBytes(random),
            1 or 2 => Mutate(random, ValidChunk(random)),
            3 => FixChunk(Mutate(random, ValidChunk(random))),
            _ => FramedChunk(random),
        }, bytes =>
        {
            var fs = new MemoryFileSystem { ["/c/x.zgc"] = bytes };
            ChunkFile.Read<int, Account>(fs, "/c/x.zgc", "Accounts", Keys, a => a.Id, Serializer);
        }, Corrupt);
    }

    // ---- WAL -----------------------------------------------------------------------------------------------

    private static byte[] Segment(long firstLsn, IEnumerable<byte[]> payloads, Random random, bool fixChecksums = true)
    {
        var bytes = new List<byte>();
        var header = new byte[WalLayout.SegmentHeaderLength];
        WalLayout.WriteSegmentHeader(header, firstLsn);
        bytes.AddRange(header);
        long lsn = firstLsn;
        foreach (var payload in payloads)
        {
            var record = new byte[WalLayout.RecordHeaderLength];
            WalLayout.WriteRecordHeader(record, random.Next(30) == 0 ? lsn + random.Next(-2, 3) : lsn, payload);
            bytes.AddRange(record);
            bytes.AddRange(payload);
            lsn++;
        }
        return [.. bytes];
    }

    private static byte[] RandomPayload(Random random, bool allClean = false)
    {
        var ops = new List<WalOp>();
        bool clean = allClean || random.Next(2) == 0; // half the records are valid, so replay goes on past them
        for (int i = random.Next(1, 6); i > 0; i--)
        {
            var account = RandomAccounts(random)[0];
            var key = !clean && random.Next(3) == 0 ? MutateJson(random, Keys.ToJson(account.Id)) : Keys.ToJson(account.Id);
            var collection = clean ? "Accounts" : random.Next(4) switch { 0 => "Events", 1 => "Nope", 2 => "", _ => "Accounts" };
            if (random.Next(3) == 0)
            {
                ops.Add(new WalOp(WalOpKind.Delete, collection, key, null));
            }
            else
            {
                var doc = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(account, Serializer.Options);
                ops.Add(new WalOp(WalOpKind.Put, collection, key, !clean && random.Next(2) == 0 ? MutateJson(random, doc) : doc));
            }
        }
        var payload = WalBatch.Encode(ops);
        return !clean && random.Next(3) == 0 ? Mutate(random, payload) : payload;
    }

    private static byte[] WalInput(Random random) => random.Next(6) switch
    {
        0 => RandomBytes(random),
        5 => Segment(1, Enumerable.Range(0, random.Next(1, 6)).Select(i => RandomPayload(random, allClean: i < 5)), random),
        1 => Mutate(random, Segment(1, Enumerable.Range(0, random.Next(1, 6)).Select(_ => RandomPayload(random)), random)),
        _ => Segment(1, Enumerable.Range(0, random.Next(1, 6)).Select(_ => RandomPayload(random)), random),
    };

    [Fact]
    public void Wal_decoder_survives_fuzzing()
    {
        Fuzz("wal", WalInput, bytes =>
        {
            var fs = new MemoryFileSystem { ["/w/00000000000000000001.zgw"] = bytes };
            WalRecovery.Replay(fs, "/w", 0, NullLogger.Instance, (lsn, parts) => { foreach (var part in parts) WalBatch.Decode(part.Ops.Span, part.File, part.Offset); });
        }, Corrupt);
    }

    /// <summary>Whole-engine: a WAL of well-framed records with fuzzed payloads, replayed by <c>Open</c>.</summary>
    [Fact]
    public void Opening_a_database_with_a_fuzzed_wal_survives()
    {
        using var dir = TempDir.Create("fuzz-wal", memory: true);
        int n = 0;
        Fuzz("wal-open", WalInput, bytes =>
        {
            var db = Path.Combine(dir.Path, (n++).ToString());
            Directory.CreateDirectory(Path.Combine(db, "wal"));
            File.WriteAllBytes(Path.Combine(db, "wal", "00000000000000000001.zgw"), bytes);
            using (var opened = ZgDatabase.Open<CrashDb>(db, new ZgDbOptions { Checkpoint = CheckpointPolicy.Manual }))
                WorkState.Read(opened);
            Directory.Delete(db, recursive: true);
        }, e => e is ZgDbException);
    }

    // ---- manifests -----------------------------------------------------------------------------------------

    private static readonly Lazy<(byte[] Manifest, string Directory)> ReferenceManifest = new(() =>
    {
        var temp = TempDir.Create("fuzz-manifest-ref", memory: true); // kept for the process, removed at its exit
        AppDomain.CurrentDomain.ProcessExit += (_, _) => temp.Dispose();
        var dir = temp.Path;
        var db = Path.Combine(dir, "db");
        using (var opened = ZgDatabase.Open<CrashDb>(db, new ZgDbOptions { ChunkDocuments = 16 }))
        {
            var generator = new WorkloadGenerator(new Random(5), new WorkState());
            for (int i = 0; i < 30; i++) generator.Next().ApplyTo(opened);
        }
        var manifest = Directory.GetFiles(db, "manifest-*.zgm").Order(StringComparer.Ordinal).Last();
        return (File.ReadAllBytes(manifest), db);
    });

    private static byte[] ManifestInput(Random random)
    {
        var valid = ReferenceManifest.Value.Manifest;
        return random.Next(5) switch
        {
            0 => RandomBytes(random),
            1 => Mutate(random, valid),
            _ => ManifestLayout.Encode(BinaryPrimitives.ReadInt64LittleEndian(valid.AsSpan(8)), MutateJson(random, valid[ManifestLayout.HeaderLength..])),
        };
    }

    [Fact]
    public void Manifest_decoder_survives_fuzzing()
    {
        _ = ReferenceManifest.Value; // built before the clock starts
        Fuzz("manifest", ManifestInput, bytes =>
        {
            var fs = new MemoryFileSystem { ["/m/manifest-0000000001.zgm"] = bytes };
            ManifestStore.Read(fs, "/m/manifest-0000000001.zgm");
        }, Corrupt);
    }

    /// <summary>Whole-engine: a checksum-valid manifest with mutated JSON, opened and read in full.</summary>
    [Fact]
    public void Opening_a_database_with_a_fuzzed_manifest_survives()
    {
        var reference = ReferenceManifest.Value.Directory;
        using var dir = TempDir.Create("fuzz-manifest", memory: true);
        int n = 0;
        Fuzz("manifest-open", ManifestInput, bytes =>
        {
            var db = Path.Combine(dir.Path, (n++).ToString());
            Directory.CreateDirectory(Path.Combine(db, "wal"));
            Directory.CreateDirectory(Path.Combine(db, "chunks"));
            foreach (var chunk in Directory.GetFiles(Path.Combine(reference, "chunks")))
                File.Copy(chunk, Path.Combine(db, "chunks", Path.GetFileName(chunk)));
            File.WriteAllBytes(Path.Combine(db, "manifest-0000000001.zgm"), bytes);
            using (var opened = ZgDatabase.Open<CrashDb>(db, new ZgDbOptions { Checkpoint = CheckpointPolicy.Manual }))
            {
                WorkState.Read(opened);
                _ = opened.Accounts.Find(17);
            }
            Directory.Delete(db, recursive: true);
        }, e => e is ZgDbException);
    }

    /// <summary>Regression: a chunk whose header key range is not JSON (checksums intact) threw a raw JsonException.</summary>
    [Fact]
    public void Regression_a_chunk_key_range_that_does_not_decode_is_corruption()
    {
        var docs = new[] { new Account { Id = 1 }, new Account { Id = 2 } };
        var raw = System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(docs, Serializer.Options);
        using var compressor = new Compressor(1);
        var body = compressor.Wrap(raw).ToArray();
        var header = new ChunkHeader("Accounts", 2, raw.Length, body.Length, XxHash64.HashToUInt64(body), "\"one\""u8.ToArray(), "2"u8.ToArray());
        var file = new byte[header.Length + body.Length];
        header.Write(file);
        body.CopyTo(file.AsSpan(header.Length));
        var fs = new MemoryFileSystem { ["/c/x.zgc"] = file };
        var error = Assert.Throws<ZgDbCorruptFileException>(() => ChunkFile.Read<int, Account>(fs, "/c/x.zgc", "Accounts", Keys, a => a.Id, Serializer));
        Assert.Equal("/c/x.zgc", error.File);
    }

    /// <summary>Regression: a manifest (checksum intact) listing a chunk key of the wrong type made Open throw a raw JsonException.</summary>
    [Fact]
    public void Regression_a_manifest_chunk_key_that_does_not_decode_is_corruption()
    {
        var valid = ReferenceManifest.Value.Manifest;
        var json = Encoding.UTF8.GetString(valid.AsSpan(ManifestLayout.HeaderLength));
        int at = json.IndexOf("\"MinKey\":", StringComparison.Ordinal) + "\"MinKey\":".Length;
        Assert.True(at > 20, "the reference manifest lists no chunk");
        json = json[..at] + "\"not a number\"" + json[json.IndexOf(',', at)..];
        using var dir = TempDir.Create("manifest-key", memory: true);
        var db = dir.Sub("db");
        Directory.CreateDirectory(db);
        var name = ManifestLayout.FileName(BinaryPrimitives.ReadInt64LittleEndian(valid.AsSpan(8)));
        File.WriteAllBytes(Path.Combine(db, name), ManifestLayout.Encode(BinaryPrimitives.ReadInt64LittleEndian(valid.AsSpan(8)), Encoding.UTF8.GetBytes(json)));
        var error = Assert.Throws<ZgDbCorruptFileException>(() => ZgDatabase.Open<CrashDb>(db).Dispose());
        Assert.Equal(name, Path.GetFileName(error.File));
    }
}
