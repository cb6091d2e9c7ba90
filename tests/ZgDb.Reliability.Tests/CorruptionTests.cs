using Microsoft.Extensions.Logging;
using Xunit;
using Xunit.Abstractions;

namespace ZgDb.Reliability;

/// <summary>
/// Damaged files. A reference database is built (two checkpoints, so two manifest generations and chunks of both
/// collections, then WAL records past the last checkpoint over two segments, and the lock file); each file kind
/// then gets every header byte flipped, bytes flipped at random body offsets, and truncations at many lengths.
/// Opening and reading everything must either throw <see cref="ZgDbCorruptFileException"/> naming the damaged
/// file and an offset inside it, or return exactly the data written, or (a damaged last WAL record, which is what
/// a torn write looks like) cut the WAL tail with a logged warning and return an earlier state that still holds
/// the last checkpoint. Never other data, another exception, a crash or a hang.
/// </summary>
public sealed class CorruptionTests : IClassFixture<CorruptionTests.Reference>
{
    /// <summary>The reference database and the operations that made it.</summary>
    public sealed class Reference : IDisposable
    {
        internal TempDir Dir { get; } = TempDir.Create("corrupt-ref", memory: true);
        public string Db => Dir.Sub("db");
        public List<WorkOp> Ops { get; } = [];

        /// <summary>Operations folded into chunks by the last checkpoint: no recovery may go below this.</summary>
        public int CheckpointedOps { get; }

        public Reference()
        {
            var generator = new WorkloadGenerator(new Random(11), new WorkState());
            var options = new ZgDbOptions
            {
                Durability = Durability.Synchronous,
                Checkpoint = new CheckpointPolicy { MaxChangedDocuments = int.MaxValue, MaxWalBytes = long.MaxValue, OnDispose = false },
                ChunkDocuments = 16,
                WalSegmentBytes = 6 << 10,
            };
            using var db = ZgDatabase.Open<CrashDb>(Db, options);
            void Do(int count)
            {
                for (int i = 0; i < count; i++)
                {
                    var op = generator.Next();
                    op.ApplyTo(db);
                    Ops.Add(op);
                }
            }
            Do(25);
            db.Checkpoint();
            Do(15);
            db.Checkpoint();
            CheckpointedOps = Ops.Count;
            Do(12);
        }

        public void Dispose() => Dir.Dispose();
    }

    private readonly ITestOutputHelper _output;
    private readonly Reference _ref;
    private readonly WorkState _full;

    public CorruptionTests(ITestOutputHelper output, Reference reference)
    {
        _output = output;
        _ref = reference;
        _full = State(reference.Ops.Count);
    }

    private WorkState State(int ops)
    {
        var state = new WorkState();
        for (int i = 0; i < ops; i++) state.Apply(_ref.Ops[i]);
        return state;
    }

    private sealed class WarningLog : ILogger
    {
        public List<string> Warnings { get; } = [];
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Warning) lock (Warnings) Warnings.Add(formatter(state, exception));
        }
    }

    private enum Outcome { Detected, Intact, TailCut, FellBack, CleanCut }

    /// <summary>Copies the reference, damages one file, opens and reads everything; checks the outcome is allowed.</summary>
    private Outcome Damage(string relative, Action<string> damage, string what, bool cleanCut = false)
    {
        using var dir = TempDir.Create("corrupt", memory: true);
        var db = dir.Sub("db");
        Copy(_ref.Db, db);
        var file = Path.Combine(db, relative);
        damage(file);
        long length = new FileInfo(file).Length;
        var log = new WarningLog();
        var task = Task.Run(() =>
        {
            using var opened = ZgDatabase.Open<CrashDb>(db, new ZgDbOptions { Logger = log, Checkpoint = CheckpointPolicy.Manual, ChunkCacheBytes = 1 });
            var state = WorkState.Read(opened);
            // The secondary index (loaded from its file) must agree with the documents.
            var index = opened.Events.Store.Snapshot().GetIndex(opened.GroupIndex)!;
            var entries = index.RangeEntries([], null, null, false).Select(h => $"{h.Values[0]}/{h.Key}");
            var truth = state.Events.OrderBy(e => e.Value.Group).ThenBy(e => e.Key, StringComparer.Ordinal).Select(e => $"{e.Value.Group}/{e.Key}");
            if (!entries.SequenceEqual(truth)) throw new Xunit.Sdk.XunitException($"{relative} {what}: the index on Event.Group disagrees with the documents");
            return state;
        });
        string context = $"{relative} {what}";
        bool finished;
        try { finished = task.Wait(TimeSpan.FromSeconds(60)); }
        catch (AggregateException) { finished = true; }
        if (!finished) Assert.Fail($"{context}: opening and reading hangs");
        if (task.Exception?.InnerException is Xunit.Sdk.XunitException wrongIndex) throw wrongIndex;
        if (task.Exception?.InnerException is { } error)
        {
            if (error is not ZgDbCorruptFileException corrupt)
                throw new Xunit.Sdk.XunitException($"{context}: expected ZgDbCorruptFileException, got {error}");
            Assert.True(Path.GetFileName(corrupt.File) == Path.GetFileName(file), $"{context}: the error names '{corrupt.File}', not the damaged file: {corrupt.Message}");
            Assert.True(corrupt.Offset >= 0 && corrupt.Offset <= Math.Max(length, 32), $"{context}: offset {corrupt.Offset} is outside the file of {length} bytes");
            return Outcome.Detected;
        }
        var state = task.Result;
        if (_full.Diff(state) is null)
            return log.Warnings.Count > 0 ? Outcome.FellBack : Outcome.Intact;
        // Only the WAL may lose its tail, only past the last checkpoint, and only with a warning.
        Assert.True(relative.StartsWith("wal", StringComparison.Ordinal), $"{context}: wrong data returned: {_full.Diff(state)}");
        for (int k = _ref.CheckpointedOps; k < _ref.Ops.Count; k++)
        {
            if (State(k).Diff(state) is null)
            {
                // A last segment cut exactly at a record boundary holds only whole, valid records: it looks like a
                // crash before the next append, and no file records how far the log went. Undetectable by design.
                if (cleanCut && log.Warnings.Count == 0) return Outcome.CleanCut;
                Assert.True(log.Warnings.Any(w => w.Contains("torn", StringComparison.OrdinalIgnoreCase) || w.Contains("removed WAL segment", StringComparison.Ordinal)),
                    $"{context}: the WAL tail was cut without a warning");
                return Outcome.TailCut;
            }
        }
        throw new Xunit.Sdk.XunitException($"{context}: wrong data returned (no prefix past the checkpoint matches): {_full.Diff(state)}");
    }

    private static void Copy(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        foreach (var sub in Directory.GetDirectories(from)) Copy(sub, Path.Combine(to, Path.GetFileName(sub)));
    }

    private static void Flip(string file, long offset, byte mask)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = offset;
        int b = stream.ReadByte();
        stream.Position = offset;
        stream.WriteByte((byte)(b ^ mask));
    }

    private static void Truncate(string file, long length)
    {
        using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite);
        stream.SetLength(length);
    }

    public static TheoryData<string> FileKinds => new() { "manifest-newest", "manifest-previous", "chunk-Accounts", "chunk-Events", "index-Events", "wal-old", "wal-last", "lock" };

    private string Pick(string kind)
    {
        string Rel(string path) => Path.GetRelativePath(_ref.Db, path);
        var manifests = Directory.GetFiles(_ref.Db, "manifest-*.zgm").Order(StringComparer.Ordinal).ToArray();
        var wal = Directory.GetFiles(Path.Combine(_ref.Db, "wal"), "*.zgw").Order(StringComparer.Ordinal).ToArray();
        Assert.True(manifests.Length == 2, $"the reference should keep two manifest generations, has {manifests.Length}");
        Assert.True(wal.Length >= 2, $"the reference should have two WAL segments, has {wal.Length}");
        return kind switch
        {
            "manifest-newest" => Rel(manifests[^1]),
            "manifest-previous" => Rel(manifests[0]),
            "index-Events" => Rel(Directory.GetFiles(Path.Combine(_ref.Db, "chunks"), "Events-i*.zgi").Order(StringComparer.Ordinal).Last()),
            "chunk-Accounts" or "chunk-Events" => Rel(Directory.GetFiles(Path.Combine(_ref.Db, "chunks"), kind[6..] + "-*.zgc").Order(StringComparer.Ordinal).Last()),
            "wal-old" => Rel(wal[0]),
            "wal-last" => Rel(wal[^1]),
            "lock" => "zgdb.lock",
            _ => throw new ArgumentException(kind),
        };
    }

    /// <summary>The header bytes of each file kind (all of them are flipped), then the body is sampled.</summary>
    private static int HeaderLength(string relative, byte[] bytes) => relative switch
    {
        _ when relative.StartsWith("manifest", StringComparison.Ordinal) => 32,
        _ when relative.EndsWith(".zgi", StringComparison.Ordinal) => 48, // IndexHeader.Length
        _ when relative.StartsWith("chunks", StringComparison.Ordinal) => BitConverter.ToUInt16(bytes, 6),
        _ when relative.StartsWith("wal", StringComparison.Ordinal) => 32 + 24, // segment header and the first record's header
        _ => bytes.Length,
    };

    [Theory]
    [MemberData(nameof(FileKinds))]
    public void Flipped_bytes_are_detected_never_returned(string kind)
    {
        var relative = Pick(kind);
        var bytes = File.ReadAllBytes(Path.Combine(_ref.Db, relative));
        int header = Math.Min(HeaderLength(relative, bytes), bytes.Length);
        int seed = Seeds.Get("ZGDB_CORRUPT_SEED", _output.WriteLine);
        var random = new Random(seed);
        // Every header byte; the lock file's content is never read (the engine rewrites it), so a sample does.
        var offsets = kind == "lock" ? Enumerable.Range(0, 8).Select(_ => random.Next(bytes.Length)).ToList() : Enumerable.Range(0, header).ToList();
        for (int i = 0; i < 24 && bytes.Length > header; i++) offsets.Add(random.Next(header, bytes.Length));
        if (relative.StartsWith("wal", StringComparison.Ordinal)) offsets.AddRange(RecordHeaderOffsets(bytes).Take(8).SelectMany(o => new[] { o, o + 3, o + 8, o + 16 }));
        offsets.Add(bytes.Length - 1);
        var outcomes = new Dictionary<Outcome, int>();
        foreach (var offset in offsets.Distinct())
        {
            byte mask = (byte)(1 << random.Next(8));
            var outcome = Damage(relative, f => Flip(f, offset, mask), $"byte {offset} flipped (mask 0x{mask:X2}, seed {seed})");
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }
        // The lock file's content is never read; the previous manifest and the oldest WAL segment (wholly below the
        // checkpoint, kept for a fallback to the previous manifest) are read only when the newest manifest is damaged.
        if (kind is not ("lock" or "manifest-previous" or "wal-old"))
            Assert.True(outcomes.GetValueOrDefault(Outcome.Intact) == 0 || kind.StartsWith("manifest", StringComparison.Ordinal),
                $"{kind}: some flips went unnoticed: {Describe(outcomes)}");
        Figures.Record(_output, $"corruption {kind} ({relative}, {bytes.Length} bytes): {offsets.Distinct().Count()} byte flips ({(kind == "lock" ? "sampled" : $"all {header} header bytes")}) -> {Describe(outcomes)}");
    }

    [Theory]
    [MemberData(nameof(FileKinds))]
    public void Truncated_files_are_detected_never_returned(string kind)
    {
        var relative = Pick(kind);
        var bytes = File.ReadAllBytes(Path.Combine(_ref.Db, relative));
        var lengths = new SortedSet<long> { 0, 1, 4, 8, 16, 24, 31, 32, 33, bytes.Length / 2, bytes.Length - 1 };
        var random = new Random(bytes.Length);
        for (int i = 0; i < 16; i++) lengths.Add(random.Next(0, bytes.Length));
        if (relative.StartsWith("wal", StringComparison.Ordinal))
            foreach (var o in RecordHeaderOffsets(bytes).Take(6)) { lengths.Add(o); lengths.Add(o + 10); lengths.Add(o + 24); lengths.Add(o + 30); }
        lengths.RemoveWhere(l => l >= bytes.Length);
        var outcomes = new Dictionary<Outcome, int>();
        foreach (var length in lengths)
        {
            bool boundary = kind == "wal-last" && (length == 32 || RecordHeaderOffsets(bytes).Contains((int)length));
            var outcome = Damage(relative, f => Truncate(f, length), $"truncated to {length} of {bytes.Length} bytes", boundary);
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }
        Figures.Record(_output, $"corruption {kind} ({relative}): {lengths.Count} truncations -> {Describe(outcomes)}");
    }

    /// <summary>A WAL segment's record offsets (walking the length fields).</summary>
    private static IEnumerable<int> RecordHeaderOffsets(byte[] segment)
    {
        for (int offset = 32; offset + 24 <= segment.Length; offset += 24 + BitConverter.ToInt32(segment, offset))
            yield return offset;
    }

    private static string Describe(Dictionary<Outcome, int> outcomes) =>
        string.Join(", ", outcomes.OrderBy(o => o.Key).Select(o => o.Key switch
        {
            Outcome.Detected => $"{o.Value} detected (ZgDbCorruptFileException naming the file)",
            Outcome.Intact => $"{o.Value} read back intact (the damaged bytes are not read)",
            Outcome.TailCut => $"{o.Value} cut as a torn WAL tail with a warning",
            Outcome.CleanCut => $"{o.Value} cut exactly at a record boundary of the last WAL segment: an earlier state, undetectable by design",
            _ => $"{o.Value} fell back to the previous manifest with a warning, data intact",
        }));

    /// <summary>
    /// Regression: a WAL segment truncated to its header (or missing records at its end) was reported against the
    /// next segment ("the segment starts at LSN n"), not the damaged one. Now the error names the segment that
    /// ends too early, at its end, and mentions the next one.
    /// </summary>
    [Fact]
    public void Regression_a_truncated_wal_segment_is_named_in_the_error()
    {
        using var dir = TempDir.Create("wal-gap", memory: true);
        var db = dir.Sub("db");
        var generator = new WorkloadGenerator(new Random(3), new WorkState());
        using (var opened = ZgDatabase.Open<CrashDb>(db, new ZgDbOptions { Durability = Durability.Synchronous, Checkpoint = new CheckpointPolicy { OnDispose = false, MaxChangedDocuments = int.MaxValue, MaxWalBytes = long.MaxValue }, WalSegmentBytes = 1 << 10 }))
            for (int i = 0; i < 12; i++) generator.Next().ApplyTo(opened);
        var segments = Directory.GetFiles(Path.Combine(db, "wal"), "*.zgw").Order(StringComparer.Ordinal).ToArray();
        Assert.True(segments.Length >= 3, $"expected several WAL segments, got {segments.Length}");
        Truncate(segments[0], 32);
        var error = Assert.Throws<ZgDbCorruptFileException>(() => ZgDatabase.Open<CrashDb>(db).Dispose());
        Assert.Equal(Path.GetFileName(segments[0]), Path.GetFileName(error.File));
        Assert.Contains("missing", error.Message);
    }

    /// <summary>The oldest WAL segment is read only by a fallback to the previous manifest: then its damage is detected.</summary>
    [Fact]
    public void A_damaged_wal_segment_below_the_checkpoint_is_detected_when_a_fallback_reads_it()
    {
        var relative = Pick("wal-old");
        var newestManifest = Pick("manifest-newest");
        // Damage the newest manifest too, so the open falls back to the previous checkpoint and must read this segment.
        var outcome = Damage(relative, f =>
        {
            Truncate(f, 32);
            var db = Path.GetDirectoryName(Path.GetDirectoryName(f))!;
            Flip(Path.Combine(db, newestManifest), 40, 0x01);
        }, "truncated to its header, newest manifest damaged");
        Assert.Equal(Outcome.Detected, outcome);
    }

    /// <summary>A damaged newest manifest: the previous generation and the WAL kept back to it give all the data.</summary>
    [Fact]
    public void A_damaged_newest_manifest_falls_back_to_the_previous_checkpoint_and_the_wal()
    {
        var relative = Pick("manifest-newest");
        var outcome = Damage(relative, f => Flip(f, 40, 0x01), "body byte 40 flipped");
        Assert.Equal(Outcome.FellBack, outcome);
    }
}
