using System.Linq.Expressions;
using ZgDb.Tests.Support;

namespace ZgDb.Tests.Keys;

/// <summary>
/// Issue 15: composite primary keys (EF Core's <c>HasKey(x =&gt; new { x.A, x.B })</c> and <c>[PrimaryKey]</c>) in
/// memory and on disk: Find(params object[]) and Delete by key, key order, key lookups and prefix ranges planned
/// from the predicate and equal to LINQ-to-Objects, secondary indexes over composite-keyed documents, and all of it
/// after a WAL replay, a checkpoint and a reopen. Before, HasKey refused more than one property.
/// </summary>
public abstract class CompositeKeySuite<TBackend> : IDisposable where TBackend : Backend, new()
{
    private readonly TBackend _backend = new();
    private CompositeKeysDb _db;
    private readonly List<OrderLine> _lines = [];

    /// <summary>No checkpoint but the test's own: a reopen replays the WAL.</summary>
    private static ZgDbOptions Manual => new() { Checkpoint = new CheckpointPolicy { MaxChangedDocuments = int.MaxValue, MaxWalBytes = long.MaxValue, OnDispose = false } };

    protected CompositeKeySuite() => _db = _backend.Open<CompositeKeysDb>(Manual);

    public void Dispose()
    {
        _db.Dispose();
        _backend.Dispose();
    }

    private void InsertLines()
    {
        var random = new Random(15);
        foreach (int order in new[] { 10250, 10248, 10249, -3, 0, int.MaxValue })
            foreach (int product in new[] { 11, 42, 0, 72, -1, 5 }.Take(random.Next(1, 7)))
            {
                var line = new OrderLine { OrderId = order, ProductId = product, Quantity = (short)random.Next(1, 50), Price = random.Next(100, 9999) / 100m, Note = $"{order}/{product}" };
                _db.Lines.Insert(line);
                _lines.Add(line);
            }
    }

    private List<OrderLine> Expected => _lines.OrderBy(l => l.OrderId).ThenBy(l => l.ProductId).ToList();

    private void Same(Expression<Func<OrderLine, bool>> predicate)
    {
        var expected = Expected.Where(predicate.Compile()).Select(l => l.Note).ToList();
        Assert.Equal(expected, _db.Lines.Where(predicate).Select(l => l.Note).ToList());
    }

    private void VerifyLines()
    {
        Assert.Equal(Expected.Select(l => l.Note), _db.Lines.Select(l => l.Note).ToList());
        foreach (var line in _lines)
        {
            Assert.Equal(line.Note, _db.Lines.Find(line.OrderId, line.ProductId)!.Note);
            Assert.Equal(line.Note, _db.Lines.Find(new CompositeKey(line.OrderId, line.ProductId))!.Note);
        }
        Assert.Null(_db.Lines.Find(10248, 12345));
        Assert.Equal(_lines.Count, _db.Lines.Count());
        int order = 10248, product = 42, low = 0;
        Same(l => l.OrderId == 10248 && l.ProductId == 11);
        Same(l => l.OrderId == order && l.ProductId == product);
        Same(l => l.ProductId == 11 && l.OrderId == 10248);
        Same(l => l.OrderId == 10248);
        Same(l => l.OrderId == order);
        Same(l => l.OrderId > 10248);
        Same(l => l.OrderId >= 10248 && l.OrderId < 10250);
        Same(l => l.OrderId <= 0);
        Same(l => l.OrderId == 10249 && l.ProductId > 5);
        Same(l => l.OrderId == 10249 && l.ProductId >= low && l.ProductId < 72);
        Same(l => l.OrderId == 10250 && l.ProductId <= 11);
        Same(l => l.ProductId == 42);
        Same(l => l.ProductId > 5);
        Same(l => l.OrderId == 10248 || l.ProductId == 0);
        Same(l => l.OrderId == 10248 && l.Quantity > 10);
        Same(l => l.OrderId == int.MaxValue);
        Assert.Equal(Expected.OrderByDescending(l => l.OrderId).Select(l => l.Note), _db.Lines.OrderByDescending(l => l.OrderId).Select(l => l.Note).ToList());
        Assert.Equal(Expected.OrderBy(l => l.ProductId).ThenByDescending(l => l.OrderId).Select(l => l.Note),
            _db.Lines.OrderBy(l => l.ProductId).ThenByDescending(l => l.OrderId).Select(l => l.Note).ToList());
        Assert.Equal(Expected.Where(l => l.OrderId == 10249).Sum(l => l.Price), _db.Lines.Where(l => l.OrderId == 10249).Sum(l => l.Price));
        Assert.Throws<ZgDbDuplicateKeyException>(() => _db.Lines.Insert(new OrderLine { OrderId = _lines[0].OrderId, ProductId = _lines[0].ProductId }));
    }

    [Fact]
    public void Composite_keys_find_order_and_range_like_linq_to_objects_after_replay_checkpoint_and_reopen()
    {
        InsertLines();
        VerifyLines();
        _db = _backend.Reopen(_db, Manual); // WAL replay
        VerifyLines();
        _db.Checkpoint();
        _db = _backend.Reopen(_db, Manual); // from chunks and index files
        VerifyLines();

        var gone = _lines[^1];
        Assert.True(_db.Lines.Delete(gone.OrderId, gone.ProductId));
        Assert.False(_db.Lines.Delete(gone.OrderId, gone.ProductId));
        _lines.Remove(gone);
        var changed = _lines[0];
        changed.Note += "!";
        _db.Lines.Update(changed);
        _db = _backend.Reopen(_db, Manual);
        VerifyLines();
        _db.Checkpoint();
        VerifyLines();
    }

    [Fact]
    public void Prefix_ranges_across_many_chunks_and_a_delta_equal_linq_to_objects()
    {
        _db.Dispose();
        var options = new ZgDbOptions { ChunkDocuments = 16, Checkpoint = Manual.Checkpoint };
        _db = _backend.Open<CompositeKeysDb>(options);
        var random = new Random(1548);
        var all = Enumerable.Range(0, 60).SelectMany(o => Enumerable.Range(0, 7).Select(p => (Order: o * 3, Product: p * 2))).OrderBy(_ => random.Next()).ToList();
        foreach (var (order, product) in all.Take(300))
            _lines.Add(Insert(order, product));
        _db.Checkpoint();
        foreach (var (order, product) in all.Skip(300))
            _lines.Add(Insert(order, product));
        foreach (var line in _lines.Where((_, i) => i % 7 == 3).ToList())
        {
            _db.Lines.Delete(line.OrderId, line.ProductId);
            _lines.Remove(line);
        }
        for (int round = 0; round < 2; round++)
        {
            for (int order = -1; order <= 181; order += 4)
            {
                int product = order % 14;
                Same(l => l.OrderId == order);
                Same(l => l.OrderId == order && l.ProductId > product);
                Same(l => l.OrderId == order && l.ProductId <= product);
                Same(l => l.OrderId == order && l.ProductId >= product && l.ProductId < product + 5);
                Same(l => l.OrderId > order && l.OrderId <= order + 20);
                Same(l => l.OrderId < order);
                Same(l => l.OrderId == order && l.ProductId == product);
            }
            _db = _backend.Reopen(_db, options);
            _db.Checkpoint();
        }

        OrderLine Insert(int order, int product)
        {
            var line = new OrderLine { OrderId = order, ProductId = product, Note = $"{order}/{product}" };
            _db.Lines.Insert(line);
            return line;
        }
    }

    [Fact]
    public void A_composite_key_part_of_zero_is_stored_as_given_never_assigned()
    {
        var line = new OrderLine { OrderId = 0, ProductId = 0, Note = "zero" };
        _db.Lines.Insert(line);
        Assert.Equal((0, 0), (line.OrderId, line.ProductId));
        _db = _backend.Reopen(_db, Manual);
        Assert.Equal("zero", _db.Lines.Find(0, 0)!.Note);
        Assert.Throws<ZgDbDuplicateKeyException>(() => _db.Lines.Insert(new OrderLine()));
    }

    [Fact]
    public void Find_with_the_wrong_number_or_type_of_key_values_names_the_key_parts()
    {
        _db.Lines.Insert(new OrderLine { OrderId = 1, ProductId = 2 });
        var few = Assert.Throws<ArgumentException>(() => _db.Lines.Find(1));
        Assert.Contains("OrderLine", few.Message);
        Assert.Contains("OrderId: Int32, ProductId: Int32", few.Message);
        Assert.Contains("got 1 value", few.Message);
        var many = Assert.Throws<ArgumentException>(() => _db.Lines.Find(1, 2, 3));
        Assert.Contains("got 3 value", many.Message);
        var type = Assert.Throws<ArgumentException>(() => _db.Lines.Find(1, "2"));
        Assert.Contains("'2': String", type.Message);
        Assert.Throws<ArgumentException>(() => _db.Lines.Delete(1));
        Assert.Equal(1, _db.Lines.Count());
        // any integer of the part's value, as for single integer keys
        Assert.NotNull(_db.Lines.Find(1L, (byte)2));
        Assert.Throws<ArgumentException>(() => _db.Lines.Find(1L, long.MaxValue));
    }

    [Fact]
    public void A_null_or_empty_string_key_part_is_refused_and_nothing_is_written()
    {
        var error = Assert.Throws<ZgDbValidationException>(() => _db.Shifts.Insert(new Shift { Code = "", Day = new DateOnly(2026, 1, 1) }));
        Assert.Contains("Shift.Code", error.Message);
        Assert.Throws<ZgDbValidationException>(() => _db.Shifts.Insert(new Shift { Code = null!, Day = new DateOnly(2026, 1, 1) }));
        Assert.Throws<ZgDbValidationException>(() => _db.Readings.Insert(new Reading { Tag = null! }));
        Assert.Equal(0, _db.Shifts.Count());
        Assert.Equal(0, _db.Readings.Count());
    }

    [Fact]
    public void Composite_keys_of_string_date_enum_guid_ulong_and_byte_array_parts_order_part_by_part()
    {
        var shifts = new List<Shift>();
        foreach (var code in new[] { "b", "a", "B", "ab" })
            foreach (var day in new[] { new DateOnly(2026, 3, 1), new DateOnly(2025, 12, 31) })
                foreach (var shade in new[] { Shade.Bright, Shade.Dark, Shade.None })
                {
                    var shift = new Shift { Code = code, Day = day, Shade = shade, Hours = shifts.Count };
                    _db.Shifts.Insert(shift);
                    shifts.Add(shift);
                }
        var readings = new List<Reading>();
        var sensors = new[] { Guid.Parse("00000000-0000-0000-0000-000000000002"), Guid.Parse("ffffffff-0000-0000-0000-000000000001") };
        foreach (var sensor in sensors)
            foreach (var tick in new[] { ulong.MaxValue, 0UL, 7UL })
                foreach (var tag in new[] { new byte[] { 2 }, [], [1, 255], [1] })
                {
                    var reading = new Reading { Sensor = sensor, Tick = tick, Tag = tag, Value = readings.Count };
                    _db.Readings.Insert(reading);
                    readings.Add(reading);
                }

        void Verify()
        {
            var expectedShifts = shifts.OrderBy(s => s.Code, StringComparer.Ordinal).ThenBy(s => s.Day).ThenBy(s => s.Shade).Select(s => s.Hours).ToList();
            Assert.Equal(expectedShifts, _db.Shifts.Select(s => s.Hours).ToList());
            var expectedReadings = readings.OrderBy(r => r.Sensor).ThenBy(r => r.Tick).ThenBy(r => r.Tag, ByteKeyComparer.Instance).Select(r => r.Value).ToList();
            Assert.Equal(expectedReadings, _db.Readings.Select(r => r.Value).ToList());
            foreach (var s in shifts) Assert.Equal(s.Hours, _db.Shifts.Find(s.Code, s.Day, s.Shade)!.Hours);
            foreach (var r in readings) Assert.Equal(r.Value, _db.Readings.Find(r.Sensor, r.Tick, r.Tag.ToArray())!.Value);
            Assert.NotNull(_db.Shifts.Find("a", new DateOnly(2026, 3, 1), (short)9)); // an enum part by its underlying value
            var day = new DateOnly(2026, 3, 1);
            Assert.Equal(shifts.Where(s => s.Code == "a" && s.Day == day).OrderBy(s => s.Shade).Select(s => s.Hours),
                _db.Shifts.Where(s => s.Code == "a" && s.Day == day).Select(s => s.Hours).ToList());
            Assert.Equal(shifts.Where(s => s.Code == "B" && s.Day < day).OrderBy(s => s.Shade).Select(s => s.Hours),
                _db.Shifts.Where(s => s.Code == "B" && s.Day < day).Select(s => s.Hours).ToList());
            Assert.Equal(readings.Where(r => r.Sensor == sensors[1] && r.Tick > 0).OrderBy(r => r.Tick).ThenBy(r => r.Tag, ByteKeyComparer.Instance).Select(r => r.Value),
                _db.Readings.Where(r => r.Sensor == sensors[1] && r.Tick > 0).Select(r => r.Value).ToList());
            Assert.Equal(readings.Where(r => r.Value > 10).OrderBy(r => r.Sensor).ThenBy(r => r.Tick).ThenBy(r => r.Tag, ByteKeyComparer.Instance).Select(r => r.Value),
                _db.Readings.Where(r => r.Value > 10).Select(r => r.Value).ToList());
        }

        Verify();
        _db = _backend.Reopen(_db, Manual);
        Verify();
        _db.Checkpoint();
        _db = _backend.Reopen(_db, Manual);
        Verify();
        Assert.True(_db.Readings.Delete(readings[3].Sensor, readings[3].Tick, readings[3].Tag));
        readings.RemoveAt(3);
        _db = _backend.Reopen(_db, Manual);
        Verify();
    }

    [Fact]
    public void Composite_keys_of_date_offset_decimal_char_and_short_parts_survive_checkpoint_reopen_and_verify()
    {
        var stamps = new List<Stamp>();
        var times = new[] { new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2025, 6, 1, 12, 30, 0, DateTimeKind.Local), new DateTime(2025, 6, 1, 12, 30, 0, 123, DateTimeKind.Unspecified).AddTicks(7) };
        var offsets = new[] { new DateTimeOffset(2026, 1, 1, 10, 0, 0, TimeSpan.FromHours(3)), new DateTimeOffset(2026, 1, 1, 6, 0, 0, TimeSpan.FromHours(-2)) };
        foreach (var at in times)
            foreach (var offset in offsets)
                foreach (var (amount, grade, step) in new[] { (1.50m, 'b', (short)-1), (-0.001m, 'é', (short)300), (79228162514264337593543950335m, 'a', (short)0) })
                {
                    var stamp = new Stamp { At = at, Offset = offset, Amount = amount, Grade = grade, Step = step, Order = stamps.Count };
                    _db.Stamps.Insert(stamp);
                    stamps.Add(stamp);
                }
        var expected = stamps.OrderBy(s => s.At).ThenBy(s => s.Offset).ThenBy(s => s.Amount).ThenBy(s => s.Grade).ThenBy(s => s.Step).Select(s => s.Order).ToList();

        void Verify()
        {
            Assert.Equal(expected, _db.Stamps.Select(s => s.Order).ToList());
            foreach (var s in stamps)
                Assert.Equal(s.Order, _db.Stamps.Find(s.At, s.Offset, s.Amount, s.Grade, s.Step)!.Order);
            Assert.Equal(1.50m, stamps[3].Amount);
            Assert.Equal(stamps[3].Order, _db.Stamps.Find(stamps[3].At, stamps[3].Offset.ToOffset(TimeSpan.Zero), 1.5000m, stamps[3].Grade, stamps[3].Step)!.Order); // an offset and a scale that compare equal
            var at = times[1];
            Assert.Equal(stamps.Where(s => s.At == at).OrderBy(s => s.Offset).ThenBy(s => s.Amount).ThenBy(s => s.Grade).ThenBy(s => s.Step).Select(s => s.Order),
                _db.Stamps.Where(s => s.At == at).Select(s => s.Order).ToList());
            Assert.Equal(stamps.Where(s => s.At > at).Count(), _db.Stamps.Count(s => s.At > at));
            Assert.Equal(stamps[7].Order, _db.Stamps.Single(s => s.Order == stamps[7].Order).Order);
            Assert.Throws<ZgDbDuplicateKeyException>(() => _db.Stamps.Insert(new Stamp { At = stamps[0].At, Offset = stamps[0].Offset, Amount = stamps[0].Amount, Grade = stamps[0].Grade, Step = stamps[0].Step, Order = 999 }));
        }

        Verify();
        _db = _backend.Reopen(_db, Manual);
        Verify();
        _db.Checkpoint();
        _db = _backend.Reopen(_db, Manual);
        Verify();
        if (_backend is OnDiskBackend disk)
        {
            _db.Dispose();
            var report = Storage.Inspection.DatabaseVerifier.Verify(disk.Directory);
            Assert.Empty(report.Errors);
            Assert.True(report.IndexFiles > 0);
            _db = _backend.Open<CompositeKeysDb>(Manual);
            Verify();
        }
    }

    [Fact]
    public void Explain_shows_composite_key_seeks_and_prefix_ranges()
    {
        Assert.Equal("PRIMARY KEY SEEK OrderLine.(OrderId, ProductId) = (10248, 11)", _db.Lines.Where(l => l.OrderId == 10248 && l.ProductId == 11).Explain());
        Assert.Equal("PRIMARY KEY RANGE OrderLine.(OrderId, ProductId) PREFIX OrderId = 10248", _db.Lines.Where(l => l.OrderId == 10248).Explain());
        Assert.Equal("PRIMARY KEY RANGE OrderLine.(OrderId, ProductId) PREFIX OrderId (10248, +inf)", _db.Lines.Where(l => l.OrderId > 10248).Explain());
        Assert.Equal("PRIMARY KEY RANGE OrderLine.(OrderId, ProductId) PREFIX OrderId = 10248, ProductId [5, 72)",
            _db.Lines.Where(l => l.OrderId == 10248 && l.ProductId >= 5 && l.ProductId < 72).Explain());
        Assert.StartsWith("INDEX SEEK OrderLine.ProductId", _db.Lines.Where(l => l.ProductId == 11).Explain());
        Assert.StartsWith("FULL SCAN OrderLine", _db.Lines.Where(l => l.Quantity == 11).Explain());
    }
}

public sealed class CompositeKeySuiteInMemory : CompositeKeySuite<InMemoryBackend>;
public sealed class CompositeKeySuiteOnDisk : CompositeKeySuite<OnDiskBackend>;
