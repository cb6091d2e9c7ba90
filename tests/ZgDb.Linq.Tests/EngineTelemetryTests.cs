using System.Diagnostics;
using System.Diagnostics.Metrics;
using Xunit;

namespace ZgDb.Linq.Tests;

/// <summary>The test classes that attach listeners to the "ZgDb" source and meter: one at a time, since one of them checks that nothing listens.</summary>
[CollectionDefinition(Name)]
public sealed class TelemetryListeners
{
    public const string Name = "ZgDb telemetry listeners";
}

/// <summary>The spans of the "ZgDb" source stopped while alive, of one database class (db.namespace): the listener of the telemetry tests.</summary>
internal class StoppedSpans : IDisposable
{
    private readonly ActivityListener _listener;
    private readonly List<Activity> _stopped = [];

    public StoppedSpans(string dbNamespace)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == ZgDbTelemetry.ActivitySourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.GetTagItem("db.namespace") as string != dbNamespace) return;
                lock (_stopped) _stopped.Add(activity);
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>The spans stopped so far, forgotten here.</summary>
    public List<Activity> Take()
    {
        lock (_stopped)
        {
            var taken = _stopped.ToList();
            _stopped.Clear();
            return taken;
        }
    }

    /// <summary>The spans stopped so far with this display name (kept).</summary>
    public List<Activity> Named(string name)
    {
        lock (_stopped) return _stopped.Where(a => a.DisplayName == name).ToList();
    }

    public void Dispose() => _listener.Dispose();
}

/// <summary>A database class of its own: the engine's measurements of these tests are told apart by db.namespace.</summary>
public sealed class EngineTelemetryDb : ZgDatabase
{
    public ZgCollection<TelemetryItem> Items => Collection<TelemetryItem>();
}

/// <summary>
/// The engine's spans and instruments (Storage.Chunks' EngineInstruments, on the same "ZgDb" source and meter): the
/// recovery and checkpoint spans, checkpoint duration, WAL group commits (duration, records, bytes), the write gate's
/// wait, chunk cache hits and evictions, each with db.system.name and db.namespace; and the per-database opt-in for
/// db.query.text.
/// </summary>
[Collection(TelemetryListeners.Name)]
public sealed class EngineTelemetryTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "zgdb-engine-telemetry-" + Guid.NewGuid().ToString("N"));
    private static readonly List<TelemetryItem> Items = Enumerable.Range(1, 300).Select(i => new TelemetryItem { Id = i, Group = i % 7, Name = "item " + i }).ToList();

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    private static List<TelemetryItem> Copies() => Items.Select(i => new TelemetryItem { Id = i.Id, Group = i.Group, Name = i.Name }).ToList();

    /// <summary>Stopped spans of <see cref="EngineTelemetryDb"/>.</summary>
    private sealed class Spans() : StoppedSpans(nameof(EngineTelemetryDb));

    /// <summary>Every measurement of the meter's instruments for <see cref="EngineTelemetryDb"/>, by instrument name.</summary>
    private sealed class Measurements : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly Dictionary<string, List<double>> _values = new();

        public Measurements()
        {
            _listener.InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == ZgDbTelemetry.MeterName) l.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
            _listener.Start();
        }

        private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? ns = null, system = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "db.namespace") ns = tag.Value as string;
                if (tag.Key == "db.system.name") system = tag.Value as string;
            }
            if (ns != nameof(EngineTelemetryDb)) return;
            Assert.Equal("zgdb", system);
            lock (_values)
            {
                if (!_values.TryGetValue(instrument.Name, out var list)) _values[instrument.Name] = list = [];
                list.Add(value);
            }
        }

        public List<double> Of(string instrument)
        {
            lock (_values) return _values.TryGetValue(instrument, out var list) ? list.ToList() : [];
        }

        public void Dispose() => _listener.Dispose();
    }

    [Fact]
    public void A_checkpoint_is_a_span_with_its_lsn_and_collections_and_its_duration_is_measured()
    {
        using var spans = new Spans();
        using var measured = new Measurements();
        using var db = ZgDatabase.Open<EngineTelemetryDb>(_directory, new ZgDbOptions { Checkpoint = CheckpointPolicy.Manual });
        db.Items.InsertMany(Copies());
        db.Checkpoint();

        var checkpoint = Assert.Single(spans.Named("checkpoint"));
        Assert.Equal(db.GetStatistics().CheckpointLsn, Assert.IsType<long>(checkpoint.GetTagItem("zgdb.checkpoint.lsn")));
        Assert.Equal(1, checkpoint.GetTagItem("zgdb.checkpoint.collections"));
        Assert.Equal("zgdb", checkpoint.GetTagItem("db.system.name"));
        Assert.Equal(ActivityStatusCode.Unset, checkpoint.Status);
        var duration = Assert.Single(measured.Of("zgdb.checkpoint.duration"));
        Assert.True(duration > 0 && duration >= checkpoint.Duration.TotalSeconds * 0.5, $"checkpoint {duration} s, span {checkpoint.Duration.TotalSeconds} s");

        // nothing changed since: a second checkpoint writes nothing and makes no span
        db.Checkpoint();
        Assert.Single(spans.Named("checkpoint"));
    }

    [Fact]
    public void Reopening_is_a_recovery_span_that_counts_the_replayed_records()
    {
        using (var db = ZgDatabase.Open<EngineTelemetryDb>(_directory, new ZgDbOptions { Checkpoint = new CheckpointPolicy { MaxChangedDocuments = int.MaxValue, MaxWalBytes = long.MaxValue, OnDispose = false } }))
        {
            db.Items.InsertMany(Copies().Take(100));
            foreach (var item in Copies().Skip(100).Take(5)) db.Items.Insert(item);
        }
        using var spans = new Spans();
        using (var reopened = ZgDatabase.Open<EngineTelemetryDb>(_directory))
            Assert.Equal(105, reopened.Items.Count());

        var recovery = Assert.Single(spans.Named("recovery"));
        Assert.Equal(6, recovery.GetTagItem("zgdb.recovery.replayed_records")); // one InsertMany, five Inserts
        Assert.Equal(0L, recovery.GetTagItem("zgdb.recovery.checkpoint_lsn"));
        Assert.True((long)recovery.GetTagItem("zgdb.recovery.last_lsn")! >= 6);
        Assert.Equal(0L, recovery.GetTagItem("zgdb.recovery.torn_bytes_cut"));
    }

    [Fact]
    public void A_failed_open_ends_its_recovery_span_as_an_error()
    {
        using (var db = ZgDatabase.Open<EngineTelemetryDb>(_directory))
            db.Items.Insert(new TelemetryItem { Id = 1 });
        foreach (var manifest in Directory.GetFiles(_directory, "*", SearchOption.AllDirectories).Where(f => Path.GetFileName(f).StartsWith("MANIFEST", StringComparison.OrdinalIgnoreCase)))
            File.WriteAllBytes(manifest, [1, 2, 3]);
        using var spans = new Spans();
        Assert.ThrowsAny<ZgDbException>(() => ZgDatabase.Open<EngineTelemetryDb>(_directory).Dispose());
        var recovery = Assert.Single(spans.Named("recovery"));
        Assert.Equal(ActivityStatusCode.Error, recovery.Status);
        Assert.StartsWith("ZgDb.", Assert.IsType<string>(recovery.GetTagItem("error.type")));
    }

    [Fact]
    public async Task Wal_group_commits_are_measured_by_duration_records_and_bytes()
    {
        using var measured = new Measurements();
        using var db = ZgDatabase.Open<EngineTelemetryDb>(_directory);
        db.Items.InsertMany(Copies().Take(50));
        await db.FlushAsync();
        for (int i = 0; i < 20; i++) db.Items.Insert(new TelemetryItem { Id = 1000 + i });
        await db.FlushAsync();

        var records = measured.Of("zgdb.wal.flush.records");
        var durations = measured.Of("zgdb.wal.flush.duration");
        var bytes = measured.Of("zgdb.wal.flush.bytes");
        Assert.NotEmpty(records);
        Assert.Equal(records.Count, durations.Count);
        Assert.Equal(records.Count, bytes.Count);
        Assert.Equal(21, records.Sum()); // one record for the InsertMany, one per Insert, in however many group commits
        Assert.All(durations, d => Assert.True(d > 0));
        Assert.Equal(db.GetStatistics().WalBytesWritten, (long)bytes.Sum());
    }

    [Fact]
    public async Task The_write_gate_wait_is_measured_and_shows_a_writer_held_up_by_a_transaction()
    {
        using var measured = new Measurements();
        using var db = ZgDatabase.OpenInMemory<EngineTelemetryDb>();
        db.Items.Insert(new TelemetryItem { Id = 1 });
        Assert.NotEmpty(measured.Of("zgdb.write_gate.wait"));

        using var begun = new ManualResetEventSlim();
        var holder = Task.Run(() =>
        {
            using var tx = db.BeginTransaction();
            db.Items.Insert(new TelemetryItem { Id = 2 });
            begun.Set();
            Thread.Sleep(200);
            tx.Commit();
        });
        begun.Wait(TimeSpan.FromSeconds(10));
        db.Items.Insert(new TelemetryItem { Id = 3 }); // waits for the transaction's commit
        await holder;
        var longest = measured.Of("zgdb.write_gate.wait").Max();
        Assert.True(longest >= 0.1, $"the longest gate wait was {longest} s; the transaction held the gate for 200 ms");
    }

    [Fact]
    public void Chunk_cache_hits_and_evictions_are_counted()
    {
        var options = new ZgDbOptions { ChunkDocuments = 32 };
        using (var db = ZgDatabase.Open<EngineTelemetryDb>(_directory, options))
            db.Items.InsertMany(Copies()); // checkpointed at close: ten chunk files

        using (var measured = new Measurements())
        using (var roomy = ZgDatabase.Open<EngineTelemetryDb>(_directory, new ZgDbOptions { ChunkDocuments = 32 }))
        {
            Assert.Equal(Items.Count, roomy.Items.ToList().Count); // loads every chunk
            Assert.Equal(Items.Count, roomy.Items.ToList().Count); // finds every chunk cached
            Assert.True(measured.Of("zgdb.chunk_cache.hits").Sum() >= 10, $"hits: {measured.Of("zgdb.chunk_cache.hits").Sum()}");
            Assert.Empty(measured.Of("zgdb.chunk_cache.evictions"));
        }

        using (var measured = new Measurements())
        using (var tight = ZgDatabase.Open<EngineTelemetryDb>(_directory, new ZgDbOptions { ChunkDocuments = 32, ChunkCacheBytes = 1 }))
        {
            Assert.Equal(Items.Count, tight.Items.ToList().Count); // a budget of one byte keeps one chunk at a time
            var evictions = measured.Of("zgdb.chunk_cache.evictions").Sum();
            Assert.True(evictions >= 8, $"evictions: {evictions}");
            Assert.All(measured.Of("zgdb.chunk_cache.evictions"), v => Assert.Equal(1, v));
        }
    }

    [Fact]
    public void Query_text_can_be_opted_in_for_one_database()
    {
        using var spans = new Spans();
        Assert.False(ZgDbTelemetry.RecordQueryText);
        using var recorded = ZgDatabase.OpenInMemory<EngineTelemetryDb>(new ZgDbOptions { RecordQueryText = true });
        using var plain = ZgDatabase.OpenInMemory<EngineTelemetryDb>();
        recorded.Items.Insert(new TelemetryItem { Id = 7, Name = "secret" });
        plain.Items.Insert(new TelemetryItem { Id = 7, Name = "secret" });
        var name = "secret";
        Assert.Single(recorded.Items.Where(i => i.Name == name).ToList());
        Assert.Single(plain.Items.Where(i => i.Name == name).ToList());
        var queries = spans.Named("query Items");
        Assert.Equal(2, queries.Count);
        var texts = queries.Select(q => q.GetTagItem("db.query.text") as string).ToList();
        var text = Assert.Single(texts, t => t is not null);
        Assert.Contains("@p0", text);
        Assert.DoesNotContain("secret", text);
        Assert.Single(texts, t => t is null);
    }
}
