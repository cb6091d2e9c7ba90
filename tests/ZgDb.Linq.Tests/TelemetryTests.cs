using System.Diagnostics;
using System.Diagnostics.Metrics;
using Xunit;
using ZgDb.Telemetry;

namespace ZgDb.Linq.Tests;

public sealed class TelemetryItem
{
    public int Id { get; set; }
    public int Group { get; set; }
    public string Name { get; set; } = "";
}

/// <summary>A database class of its own, so the spans and measurements of these tests are told apart (db.namespace) from other tests running at the same time.</summary>
public sealed class TelemetryDb : ZgDatabase
{
    public ZgCollection<TelemetryItem> Items => Collection<TelemetryItem>();

    protected override void OnModelCreating(ModelBuilder model) => model.Entity<TelemetryItem>().HasIndex(i => i.Group);
}

/// <summary>
/// The ActivitySource and Meter named "ZgDb": spans for queries, writes and transactions with OpenTelemetry's database
/// attributes, the duration and rows histograms, the observable figures, and nothing made while nothing listens.
/// The tests of this class run one at a time (one xunit collection); no other class attaches a ZgDb listener.
/// </summary>
[Collection(TelemetryListeners.Name)]
public sealed class TelemetryTests : IDisposable
{
    private readonly List<TelemetryItem> _items = Enumerable.Range(1, 200).Select(i => new TelemetryItem { Id = i, Group = i % 10, Name = "item " + i }).ToList();
    private readonly TelemetryDb _db = ZgDatabase.OpenInMemory<TelemetryDb>();

    public TelemetryTests() => _db.Items.InsertMany(_items.Select(i => new TelemetryItem { Id = i.Id, Group = i.Group, Name = i.Name }));

    public void Dispose()
    {
        ZgDbTelemetry.RecordQueryText = false;
        _db.Dispose();
    }

    /// <summary>Collects the stopped spans of <see cref="TelemetryDb"/> while alive.</summary>
    private sealed class Spans() : StoppedSpans(nameof(TelemetryDb));

    private static object? Tag(Activity activity, string name) => activity.GetTagItem(name);

    [Fact]
    public void Query_spans_carry_the_collection_the_access_path_and_the_rows_returned()
    {
        using var spans = new Spans();
        Assert.Equal("ZgDb", ZgDbTelemetry.ActivitySourceName);
        Assert.Equal("ZgDb", ZgDbTelemetry.MeterName);

        var group = 3;
        var rows = _db.Items.Where(i => i.Group == group).ToList();
        Assert.Equal(_items.Count(i => i.Group == group), rows.Count);
        var query = Assert.Single(spans.Take());
        Assert.Equal("query Items", query.DisplayName);
        Assert.Equal(ActivityKind.Client, query.Kind);
        Assert.Equal("zgdb", Tag(query, "db.system.name"));
        Assert.Equal("Items", Tag(query, "db.collection.name"));
        Assert.Equal("query", Tag(query, "db.operation.name"));
        Assert.Equal("INDEX SEEK TelemetryItem.Group", Tag(query, "zgdb.query.access_path"));
        Assert.Equal((long)rows.Count, Tag(query, "db.response.returned_rows"));
        Assert.Null(Tag(query, "db.query.text")); // not opted in

        Assert.Equal(_items.Count(i => i.Group > 7), _db.Items.Count(i => i.Group > 7));
        var count = Assert.Single(spans.Take());
        Assert.Equal("count", Tag(count, "db.operation.name"));
        Assert.Equal("Items", Tag(count, "db.collection.name"));

        // enumerating the collection itself is a query too
        Assert.Equal(_items.Count, _db.Items.ToList().Count);
        var scan = Assert.Single(spans.Take());
        Assert.Equal("FULL SCAN TelemetryItem", Tag(scan, "zgdb.query.access_path"));
        Assert.Equal((long)_items.Count, Tag(scan, "db.response.returned_rows"));

        // a query left after two rows ends its span with the rows it gave
        using (var enumerator = _db.Items.Where(i => i.Id > 10).GetEnumerator())
        {
            enumerator.MoveNext();
            enumerator.MoveNext();
        }
        Assert.Equal(2L, Tag(Assert.Single(spans.Take()), "db.response.returned_rows"));
    }

    [Fact]
    public void Query_text_is_recorded_only_when_opted_in_and_never_with_values()
    {
        using var spans = new Spans();
        var secret = "item 42";
        ZgDbTelemetry.RecordQueryText = true;
        Assert.Single(_db.Items.Where(i => i.Name == secret).ToList());
        var text = Assert.IsType<string>(Tag(Assert.Single(spans.Take()), "db.query.text"));
        Assert.Contains("@p0", text);
        Assert.DoesNotContain(secret, text);
        ZgDbTelemetry.RecordQueryText = false;
        _db.Items.Where(i => i.Name == secret).ToList();
        Assert.Null(Tag(Assert.Single(spans.Take()), "db.query.text"));
    }

    [Fact]
    public void Write_spans_name_the_operation_and_the_documents_and_a_refused_write_is_an_error()
    {
        using var spans = new Spans();
        _db.Items.Insert(new TelemetryItem { Id = 1000, Group = 1 });
        _db.Items.InsertMany([new TelemetryItem { Id = 1001 }, new TelemetryItem { Id = 1002 }]);
        _db.Items.Update(new TelemetryItem { Id = 1000, Group = 2 });
        _db.Items.Upsert(new TelemetryItem { Id = 1003 });
        Assert.True(_db.Items.Delete(1003));
        Assert.Equal(_items.Count(i => i.Group == 9), _db.Items.DeleteMany(i => i.Group == 9));
        Assert.Equal(_items.Count(i => i.Group == 8), _db.Items.UpdateMany(i => i.Group == 8, i => i.Name = "eight"));
        Assert.Throws<ZgDbDuplicateKeyException>(() => _db.Items.Insert(new TelemetryItem { Id = 1 }));

        var taken = spans.Take();
        Assert.Equal(["insert", "insert_many", "update", "upsert", "delete", "delete_many", "update_many", "insert"],
            taken.Select(a => (string)Tag(a, "db.operation.name")!));
        Assert.All(taken, a => Assert.Equal("Items", Tag(a, "db.collection.name")));
        Assert.Equal([1L, 2L, 1L, 1L, 1L, _items.Count(i => i.Group == 9), _items.Count(i => i.Group == 8)],
            taken.Take(7).Select(a => Convert.ToInt64(Tag(a, "zgdb.write.documents"))));
        var refused = taken[^1];
        Assert.Equal(ActivityStatusCode.Error, refused.Status);
        Assert.Equal(typeof(ZgDbDuplicateKeyException).FullName, Tag(refused, "error.type"));
        Assert.All(taken.Take(7), a => Assert.Equal(ActivityStatusCode.Unset, a.Status));
    }

    [Fact]
    public void A_transaction_span_holds_its_writes_and_its_commit()
    {
        using var spans = new Spans();
        using (var transaction = _db.BeginTransaction())
        {
            _db.Items.Insert(new TelemetryItem { Id = 2000 });
            transaction.Commit();
        }
        var taken = spans.Take();
        var tx = Assert.Single(taken, a => a.DisplayName == "transaction");
        Assert.Equal("committed", Tag(tx, "zgdb.transaction.outcome"));
        var insert = Assert.Single(taken, a => a.DisplayName == "insert Items");
        var commit = Assert.Single(taken, a => Equals(Tag(a, "db.operation.name"), "commit"));
        Assert.Equal(tx.SpanId, insert.ParentSpanId);
        Assert.Equal(tx.SpanId, commit.ParentSpanId);
        Assert.Null(Activity.Current);

        using (var rolledBack = _db.BeginTransaction())
            _db.Items.Insert(new TelemetryItem { Id = 2001 });
        Assert.Null(_db.Items.Find(2001));
        Assert.Equal("rolled_back", Tag(Assert.Single(spans.Take(), a => a.DisplayName == "transaction"), "zgdb.transaction.outcome"));
    }

    [Fact]
    public void Histograms_and_observable_figures_are_measured_with_the_database_attributes()
    {
        var durations = new List<(string Operation, string? Collection, double Seconds)>();
        var rows = new List<long>();
        var observed = new Dictionary<string, long>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == ZgDbTelemetry.MeterName) l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
        {
            var t = Tags(tags);
            if (instrument.Name == "db.client.operation.duration" && t.GetValueOrDefault("db.namespace") as string == nameof(TelemetryDb))
                lock (durations) durations.Add(((string)t["db.operation.name"]!, t.GetValueOrDefault("db.collection.name") as string, value));
        });
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var t = Tags(tags);
            if (t.GetValueOrDefault("db.namespace") as string != nameof(TelemetryDb)) return;
            Assert.Equal("zgdb", t["db.system.name"]);
            lock (observed)
            {
                if (instrument.Name == "db.client.response.returned_rows") rows.Add(value);
                else observed[instrument.Name + (t.GetValueOrDefault("db.collection.name") is string c ? ":" + c : "")] = value;
            }
        });
        listener.Start();

        Assert.Equal(_items.Count(i => i.Group == 4), _db.Items.Where(i => i.Group == 4).ToList().Count);
        _db.Items.Insert(new TelemetryItem { Id = 3000 });
        listener.RecordObservableInstruments();

        Assert.Contains(durations, d => d is { Operation: "query", Collection: "Items" } && d.Seconds > 0);
        Assert.Contains(durations, d => d is { Operation: "insert", Collection: "Items" });
        Assert.Equal([(long)_items.Count(i => i.Group == 4)], rows);
        Assert.Equal(_items.Count + 1, observed["zgdb.collection.documents:Items"]);
        Assert.True(observed.ContainsKey("zgdb.chunk_cache.loads"));
        Assert.True(observed.ContainsKey("zgdb.wal.unflushed"));

        // a disposed database is no longer observed
        _db.Dispose();
        observed.Clear();
        listener.RecordObservableInstruments();
        Assert.DoesNotContain("zgdb.collection.documents:Items", observed.Keys);
    }

    [Fact]
    public void On_disk_the_chunk_loads_of_a_cold_read_are_observed()
    {
        var directory = Path.Combine(Path.GetTempPath(), "zgdb-telemetry-" + Guid.NewGuid().ToString("N"));
        try
        {
            using (var db = ZgDatabase.Open<TelemetryDb>(directory, new ZgDbOptions { ChunkDocuments = 32 }))
                db.Items.InsertMany(_items.Select(i => new TelemetryItem { Id = i.Id, Group = i.Group, Name = i.Name }));
            using var reopened = ZgDatabase.Open<TelemetryDb>(directory, new ZgDbOptions { ChunkDocuments = 32 });
            long loads = -1;
            using var listener = new MeterListener
            {
                InstrumentPublished = (instrument, l) =>
                {
                    if (instrument.Meter.Name == ZgDbTelemetry.MeterName && instrument.Name == "zgdb.chunk_cache.loads") l.EnableMeasurementEvents(instrument);
                },
            };
            listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                if (Tags(tags).GetValueOrDefault("db.namespace") as string == nameof(TelemetryDb)) loads = value;
            });
            listener.Start();
            listener.RecordObservableInstruments();
            long before = loads;
            Assert.Equal(_items.Count, reopened.Items.ToList().Count);
            listener.RecordObservableInstruments();
            Assert.Equal(reopened.GetStatistics().ChunkLoads, loads);
            Assert.True(loads > before, $"chunk loads {before} -> {loads}");
        }
        finally
        {
            try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public void Nothing_is_made_while_nothing_listens()
    {
        Assert.False(ZgDbTelemetry.Source.HasListeners());
        Assert.Null(OperationTelemetry.Start(_db, "query", "Items"));
        Assert.Null(TransactionTelemetry.Begin(_db));
        // a write and a scan go straight to the engine: no span is started even for a listener attached later
        _db.Items.Insert(new TelemetryItem { Id = 4000 });
        using var enumerator = _db.Items.Where(i => i.Id > 0).GetEnumerator();
        using var spans = new Spans();
        while (enumerator.MoveNext()) { }
        Assert.Empty(spans.Take());
    }

    [Fact]
    public void Writes_and_queries_allocate_nothing_more_than_the_engine_while_nothing_listens()
    {
        // Deleting a missing key through the collection (measured) and through the engine's store directly: the same
        // bytes. A closure or a tag list made before checking for listeners would show up here.
        Assert.False(ZgDbTelemetry.Source.HasListeners());
        var engineStore = _db.Engine.Store<TelemetryItem>();
        long Allocated(Action action)
        {
            action(); // warm up
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 1000; i++) action();
            return GC.GetAllocatedBytesForCurrentThread() - before;
        }
        object missing = -1;
        long direct = Allocated(() => engineStore.Delete(missing));
        long measured = Allocated(() => _db.Items.Delete(missing));
        Assert.True(measured <= direct + 1000, $"1,000 deletes allocated {measured} bytes through the collection, {direct} through the engine");
    }

    private static Dictionary<string, object?> Tags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, object?>();
        foreach (var tag in tags) result[tag.Key] = tag.Value;
        return result;
    }
}
