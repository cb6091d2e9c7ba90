using System.Linq.Expressions;
using ZgDb.Tests.Support;

namespace ZgDb.Tests.Keys;

/// <summary>
/// Issue 15: every key type EF Core maps, in memory and on disk: auto keys for every integer type, Find (with a
/// widened integer too), Delete, key order and key ranges equal to LINQ-to-Objects, and the same after a checkpoint
/// and a reopen. Before, only int, long, Guid and string keys opened ("a key of type UInt32 is not supported").
/// </summary>
public abstract class KeyTypeSuite<TBackend> : IDisposable where TBackend : Backend, new()
{
    private readonly TBackend _backend = new();
    private KeyTypesDb _db;

    protected KeyTypeSuite() => _db = _backend.Open<KeyTypesDb>();

    public void Dispose()
    {
        _db.Dispose();
        _backend.Dispose();
    }

    /// <summary>
    /// Inserts rows with <paramref name="keys"/> (and, for integer keys, three with key 0 first), then checks Find,
    /// order, <paramref name="range"/> against LINQ-to-Objects, Delete, and all of it again after checkpoint + reopen.
    /// </summary>
    private void Check<TRow, TKey>(Func<KeyTypesDb, ZgCollection<TRow>> collection, Func<TKey, TRow> make, Func<TRow, TKey> keyOf,
        TKey[] keys, Expression<Func<TRow, bool>> range, IComparer<TKey>? order = null, TKey[]? assigned = null, object? widened = null, bool linqOrders = true)
        where TRow : class where TKey : notnull
    {
        order ??= Comparer<TKey>.Default;
        var expected = new List<TRow>();
        if (assigned is not null)
        {
            foreach (var key in assigned)
            {
                var row = make(default!);
                collection(_db).Insert(row);
                Assert.Equal(key, keyOf(row)); // written back to the caller's object
                expected.Add(row);
            }
        }
        foreach (var key in keys.Reverse())
        {
            var row = make(key);
            collection(_db).Insert(row);
            expected.Add(row);
        }
        expected = expected.OrderBy(keyOf, order).ToList();
        var name = (Func<TRow, string>)(r => (string)typeof(TRow).GetProperty("Name")!.GetValue(r)!);

        void Verify()
        {
            var c = collection(_db);
            Assert.Equal(expected.Select(keyOf), c.Select(keyOf).ToList());
            foreach (var row in expected)
                Assert.Equal(name(row), name(c.Find(keyOf(row))!));
            if (widened is not null) Assert.NotNull(c.Find(widened));
            var inRange = c.Where(range).ToList();
            Assert.Equal(expected.Where(range.Compile()).Select(keyOf), inRange.Select(keyOf));
            if (linqOrders) // LINQ-to-Objects cannot order byte arrays (not IComparable)
                Assert.Equal(expected.Where(range.Compile()).Select(keyOf).Reverse(), c.Where(range).OrderByDescending(keyOf).ToList().Select(keyOf));
            Assert.Throws<ZgDbDuplicateKeyException>(() => c.Insert(make(keyOf(expected[0]))));
        }

        Verify();
        _db.Checkpoint();
        _db = _backend.Reopen(_db);
        Verify();
        var gone = keyOf(expected[^1]);
        Assert.True(collection(_db).Delete(gone));
        Assert.False(collection(_db).Delete(gone));
        Assert.Null(collection(_db).Find(gone));
        expected.RemoveAt(expected.Count - 1);
        _db = _backend.Reopen(_db);
        Verify();
        if (assigned is not null)
        {
            // Never reused: the next assigned key is past every key assigned, and none ever stored, the deleted one included.
            var next = make(default!);
            collection(_db).Insert(next);
            Assert.True(order.Compare(keyOf(next), assigned[^1]) > 0);
            Assert.DoesNotContain(keyOf(next), keys);
        }
    }

    [Fact]
    public void Byte_keys() => Check<ByteRow, byte>(d => d.Bytes8, k => new ByteRow { Id = k, Name = $"n{k}" }, r => r.Id,
        [7, 200, 254], r => r.Id >= 3 && r.Id < 201, assigned: [1, 2, 3], widened: 200);

    [Fact]
    public void SByte_keys() => Check<SByteRow, sbyte>(d => d.SBytes, k => new SByteRow { Id = k, Name = $"n{k}" }, r => r.Id,
        [-128, -5, 100, 126], r => r.Id > -6 && r.Id <= 100, assigned: [1, 2, 3], widened: -5L);

    [Fact]
    public void Int16_keys() => Check<ShortRow, short>(d => d.Shorts, k => new ShortRow { Id = k, Name = $"n{k}" }, r => r.Id,
        [-300, 1000, short.MaxValue - 1], r => r.Id < 1000, assigned: [1, 2, 3], widened: 1000);

    [Fact]
    public void UInt16_keys() => Check<UShortRow, ushort>(d => d.UShorts, k => new UShortRow { Id = k, Name = $"n{k}" }, r => r.Id,
        [500, 40_000, ushort.MaxValue - 1], r => r.Id >= 2 && r.Id <= 40_000, assigned: [1, 2, 3], widened: 40_000);

    [Fact]
    public void Int32_keys() => Check<IntRow, int>(d => d.Ints, k => new IntRow { Id = k, Name = $"n{k}" }, r => r.Id,
        [-9, 50, int.MaxValue - 1], r => r.Id > 2, assigned: [1, 2, 3], widened: 50L);

    [Fact]
    public void UInt32_keys() => Check<UIntRow, uint>(d => d.UInts, k => new UIntRow { Id = k, Name = $"n{k}" }, r => r.Id,
        [10, 3_000_000_000, uint.MaxValue - 1], r => r.Id >= 3u && r.Id < 4_000_000_000u, assigned: [1, 2, 3], widened: 10);

    [Fact]
    public void Int64_keys() => Check<LongRow, long>(d => d.Longs, k => new LongRow { Id = k, Name = $"n{k}" }, r => r.Id,
        [-1L << 40, 1L << 40], r => r.Id <= 1L << 40 && r.Id > 0, assigned: [1, 2, 3], widened: 2);

    [Fact]
    public void UInt64_keys_explicit_above_long_MaxValue_and_assigned_below() => Check<ULongRow, ulong>(d => d.ULongs, k => new ULongRow { Id = k, Name = $"n{k}" }, r => r.Id,
        [50, (ulong)long.MaxValue + 10, ulong.MaxValue], r => r.Id > 2ul && r.Id < ulong.MaxValue, assigned: [1, 2, 3], widened: 50);

    [Fact]
    public void Char_keys() => Check<CharRow, char>(d => d.Chars, k => new CharRow { Id = k, Name = $"n{k}" }, r => r.Id,
        ['A', 'z', 'é', '\uffff'], r => r.Id >= 'B' && r.Id < '\uffff');

    [Fact]
    public void String_keys() => Check<StringRow, string>(d => d.Strings, k => new StringRow { Id = k, Name = $"n{k}" }, r => r.Id,
        ["b", "B", "a", "é", "aa"], r => r.Id == "a" || r.Id == "é", StringComparer.Ordinal);

    [Fact]
    public void Guid_keys() => Check<GuidRow, Guid>(d => d.Guids, k => new GuidRow { Id = k, Name = $"n{k}" }, r => r.Id,
        [Guid.Parse("00000000-0000-0000-0000-000000000001"), Guid.Parse("ffffffff-0000-0000-0000-000000000000"), Guid.Parse("12345678-9abc-def0-1234-56789abcdef0")],
        r => r.Id.CompareTo(Guid.Parse("10000000-0000-0000-0000-000000000000")) > 0);

    [Fact]
    public void DateTime_keys() => Check<DateTimeRow, DateTime>(d => d.DateTimes, k => new DateTimeRow { Id = k, Name = $"n{k:O}" }, r => r.Id,
        [new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(1999, 12, 31, 23, 59, 59, DateTimeKind.Unspecified), new DateTime(2030, 6, 1, 12, 0, 0, DateTimeKind.Local), DateTime.MaxValue],
        r => r.Id >= new DateTime(2000, 1, 1) && r.Id < DateTime.MaxValue);

    [Fact]
    public void DateTimeOffset_keys() => Check<DateTimeOffsetRow, DateTimeOffset>(d => d.DateTimeOffsets, k => new DateTimeOffsetRow { Id = k, Name = $"n{k:O}" }, r => r.Id,
        [new DateTimeOffset(2024, 1, 1, 10, 0, 0, TimeSpan.FromHours(2)), new DateTimeOffset(2024, 1, 1, 9, 0, 0, TimeSpan.Zero), new DateTimeOffset(1990, 5, 5, 0, 0, 0, TimeSpan.FromHours(-7))],
        r => r.Id > new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public void DateOnly_keys() => Check<DateOnlyRow, DateOnly>(d => d.DateOnlys, k => new DateOnlyRow { Id = k, Name = $"n{k}" }, r => r.Id,
        [new DateOnly(2024, 2, 29), new DateOnly(1, 1, 1), new DateOnly(9999, 12, 31)], r => r.Id <= new DateOnly(2024, 2, 29));

    [Fact]
    public void Decimal_keys() => Check<DecimalRow, decimal>(d => d.Decimals, k => new DecimalRow { Id = k, Name = $"n{k}" }, r => r.Id,
        [0m, -1.5m, 2.25m, 79228162514264337593543950335m], r => r.Id >= -1.5m && r.Id < 100m);

    [Fact]
    public void Enum_keys_by_underlying_value() => Check<EnumRow, Shade>(d => d.Enums, k => new EnumRow { Id = k, Name = $"n{k}" }, r => r.Id,
        [Shade.Bright, Shade.None, Shade.Dark, Shade.Light], r => r.Id > Shade.None, widened: (short)2);

    [Fact]
    public void Byte_array_keys_by_content_in_SQL_order() => Check<BytesRow, byte[]>(d => d.ByteArrays, k => new BytesRow { Id = k, Name = Convert.ToHexString(k) }, r => r.Id,
        [[0x01, 0x02], [0x01], [0xff], [0x01, 0x02, 0x00], [0x80, 0x00]], r => r.Id.Length > 1,
        Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b)), linqOrders: false);

    [Fact]
    public void Assigned_byte_keys_end_at_255_with_a_clear_error()
    {
        _db.Bytes8.Insert(new ByteRow { Id = 254, Name = "near" });
        var last = new ByteRow { Name = "last" };
        _db.Bytes8.Insert(last);
        Assert.Equal(255, last.Id);
        var e = Assert.Throws<ZgDbValidationException>(() => _db.Bytes8.Insert(new ByteRow { Name = "none" }));
        Assert.Contains("Byte", e.Message);
        Assert.Contains("ByteRow.Id", e.Message);
        _db = _backend.Reopen(_db);
        Assert.Throws<ZgDbValidationException>(() => _db.Bytes8.Insert(new ByteRow { Name = "none" }));
        Assert.Equal(2, _db.Bytes8.Count());
    }

    [Fact]
    public void Assigned_ulong_keys_stop_at_long_MaxValue_and_larger_explicit_keys_do_not_move_the_counter()
    {
        _db.ULongs.Insert(new ULongRow { Id = ulong.MaxValue, Name = "explicit" });
        var auto = new ULongRow { Name = "auto" };
        _db.ULongs.Insert(auto);
        Assert.Equal(1ul, auto.Id);
        _db.ULongs.Insert(new ULongRow { Id = long.MaxValue, Name = "top" });
        var e = Assert.Throws<ZgDbValidationException>(() => _db.ULongs.Insert(new ULongRow { Name = "none" }));
        Assert.Contains("Int64.MaxValue", e.Message);
        _db.Checkpoint();
        _db = _backend.Reopen(_db);
        Assert.Throws<ZgDbValidationException>(() => _db.ULongs.Insert(new ULongRow { Name = "none" }));
        _db.ULongs.Insert(new ULongRow { Id = (ulong)long.MaxValue + 1, Name = "explicit too" });
        Assert.Equal([1ul, (ulong)long.MaxValue, (ulong)long.MaxValue + 1, ulong.MaxValue], _db.ULongs.Select(r => r.Id).ToList());
    }

    [Fact]
    public void Assigned_sbyte_and_short_keys_end_at_their_MaxValue()
    {
        _db.SBytes.Insert(new SByteRow { Id = sbyte.MaxValue, Name = "top" });
        Assert.Throws<ZgDbValidationException>(() => _db.SBytes.Insert(new SByteRow { Name = "none" }));
        _db.Shorts.Insert(new ShortRow { Id = short.MaxValue, Name = "top" });
        Assert.Throws<ZgDbValidationException>(() => _db.Shorts.Insert(new ShortRow { Name = "none" }));
        _db.UInts.Insert(new UIntRow { Id = uint.MaxValue, Name = "top" });
        Assert.Throws<ZgDbValidationException>(() => _db.UInts.Insert(new UIntRow { Name = "none" }));
        _db = _backend.Reopen(_db);
        Assert.Equal(1, _db.SBytes.Count() + _db.Shorts.Count() - _db.UInts.Count());
    }

    [Fact]
    public void A_lone_surrogate_char_key_is_refused_and_nothing_is_written()
    {
        var e = Assert.Throws<ZgDbValidationException>(() => _db.Chars.Insert(new CharRow { Id = '\ud800', Name = "half" }));
        Assert.Contains("CharRow.Id", e.Message);
        Assert.Contains("U+D800", e.Message);
        Assert.Equal(0, _db.Chars.Count());
    }

    [Fact]
    public void A_byte_array_key_is_found_by_content_and_compared_by_reference_in_LINQ_as_in_LINQ_to_Objects()
    {
        var stored = new BytesRow { Id = [1, 2, 3], Name = "a" };
        _db.ByteArrays.Insert(stored);
        Assert.Equal("a", _db.ByteArrays.Find(new byte[] { 1, 2, 3 })!.Name); // Find and Delete: by content, as EF Core
        Assert.Throws<ZgDbDuplicateKeyException>(() => _db.ByteArrays.Insert(new BytesRow { Id = [1, 2, 3], Name = "b" }));
        // In a predicate, == and Contains on byte[] are C#'s reference comparisons: the key seek finds the document,
        // the recheck drops it, as LINQ-to-Objects over the same (copied) documents would.
        var probe = new byte[] { 1, 2, 3 };
        var keys = new List<byte[]> { probe, new byte[] { 9 } };
        var list = new List<BytesRow> { new() { Id = [1, 2, 3], Name = "a" } };
        Assert.Equal(list.Where(r => r.Id == probe).Select(r => r.Name), _db.ByteArrays.Where(r => r.Id == probe).Select(r => r.Name).ToList());
        Assert.Equal(list.Where(r => keys.Contains(r.Id)).Select(r => r.Name), _db.ByteArrays.Where(r => keys.Contains(r.Id)).Select(r => r.Name).ToList());
        Assert.True(_db.ByteArrays.Delete(new byte[] { 1, 2, 3 }));
        Assert.Equal(0, _db.ByteArrays.Count());
    }

    [Fact]
    public void Unsigned_and_small_integer_indexes_give_LINQ_to_Objects_results()
    {
        var rows = Enumerable.Range(1, 300).Select(i => new Measure
        {
            Count = (uint)(i * 2_654_435_761L % 4_294_967_296L),
            Port = (ushort)(i * 997 % 65_536),
            Level = (byte)(i * 7 % 256),
            Big = (ulong)i * 61_489_134_137_845_441ul,
            Delta = (sbyte)(i * 13 % 256 - 128),
        }).ToList();
        _db.Measures.InsertMany(rows);

        void Verify()
        {
            var m = _db.Measures;
            Assert.Equal(rows.Where(r => r.Count >= 3_000_000_000u).Select(r => r.Id), m.Where(r => r.Count >= 3_000_000_000u).Select(r => r.Id).ToList());
            Assert.Equal(rows.Where(r => r.Count > 10u && r.Count < 2_000_000_000u).OrderBy(r => r.Count).Select(r => r.Id),
                m.Where(r => r.Count > 10u && r.Count < 2_000_000_000u).OrderBy(r => r.Count).Select(r => r.Id).ToList());
            Assert.StartsWith("INDEX RANGE Measure.Count", m.Where(r => r.Count >= 3_000_000_000u).Explain());
            Assert.Equal(rows.Where(r => r.Port >= 40_000 && r.Port < 60_000).Select(r => r.Id), m.Where(r => r.Port >= 40_000 && r.Port < 60_000).Select(r => r.Id).ToList());
            Assert.Equal(rows.Where(r => r.Level < 20).OrderByDescending(r => r.Level).ThenBy(r => r.Id).Select(r => r.Id),
                m.Where(r => r.Level < 20).OrderByDescending(r => r.Level).ThenBy(r => r.Id).Select(r => r.Id).ToList());
            Assert.Equal(rows.Where(r => r.Level == 7).Select(r => r.Id), m.Where(r => r.Level == 7).Select(r => r.Id).ToList());
            Assert.Equal(rows.Where(r => r.Big > 9_000_000_000_000_000_000ul).Select(r => r.Id), m.Where(r => r.Big > 9_000_000_000_000_000_000ul).Select(r => r.Id).ToList());
            Assert.Equal(rows.Where(r => r.Delta < -100).Select(r => r.Id), m.Where(r => r.Delta < -100).Select(r => r.Id).ToList());
            Assert.Equal(rows.OrderBy(r => r.Port).Take(5).Select(r => r.Id), m.OrderBy(r => r.Port).Take(5).Select(r => r.Id).ToList());
            Assert.Equal(rows.Sum(r => r.Level), m.Sum(r => r.Level));
            Assert.Equal(rows.Sum(r => (long)r.Count), m.Sum(r => (long)r.Count));
            Assert.Equal(rows.Max(r => r.Big), m.Max(r => r.Big));
            Assert.Equal(rows.Min(r => r.Delta), m.Min(r => r.Delta));
        }

        Verify();
        _db.Checkpoint();
        _db = _backend.Reopen(_db);
        Verify();
    }
}

public sealed class KeyTypeSuiteInMemory : KeyTypeSuite<InMemoryBackend>;
public sealed class KeyTypeSuiteOnDisk : KeyTypeSuite<OnDiskBackend>;

/// <summary>
/// Comparisons on byte, sbyte, short, ushort and char reach the planner widened to int (<c>(int)r.Id == 5</c>, C# has
/// no operators for them), so every such predicate read the whole collection. Now they seek or range over the key
/// or an index, with bounds clamped to the type's range, and equal LINQ-to-Objects for bounds inside and outside it.
/// </summary>
public sealed class SmallIntegerComparisonsUseKeysAndIndexes
{
    [Fact]
    public void Widened_comparisons_on_small_integer_keys_and_indexes_seek_and_equal_LINQ_to_Objects()
    {
        using var db = ZgDatabase.OpenInMemory<KeyTypesDb>();
        var bytes = Enumerable.Range(0, 256).Where(i => i % 3 != 1).Select(i => new ByteRow { Id = (byte)i, Name = $"b{i}" }).ToList();
        db.Bytes8.InsertMany(bytes);
        var shorts = Enumerable.Range(-200, 400).Select(i => new ShortRow { Id = (short)(i * 80), Name = $"s{i}" }).ToList();
        db.Shorts.InsertMany(shorts);
        var chars = "azAZ09éß€".Select(c => new CharRow { Id = c, Name = c.ToString() }).OrderBy(c => c.Id).ToList();
        db.Chars.InsertMany(chars);
        var measures = Enumerable.Range(1, 300).Select(i => new Measure { Level = (byte)(i * 7 % 256), Delta = (sbyte)(i % 256 - 128), Port = (ushort)(i * 211) }).ToList();
        db.Measures.InsertMany(measures);

        Assert.StartsWith("PRIMARY KEY SEEK ByteRow.Id", db.Bytes8.Where(r => r.Id == 9).Explain());
        Assert.StartsWith("PRIMARY KEY RANGE ByteRow.Id", db.Bytes8.Where(r => r.Id > 9 && r.Id <= 30).Explain());
        Assert.StartsWith("PRIMARY KEY RANGE ShortRow.Id", db.Shorts.Where(r => r.Id < -1000).Explain());
        Assert.StartsWith("PRIMARY KEY RANGE CharRow.Id", db.Chars.Where(r => r.Id >= 'a').Explain());
        Assert.StartsWith("INDEX SEEK Measure.Level", db.Measures.Where(m => m.Level == 7).Explain());
        Assert.StartsWith("INDEX RANGE Measure.Port", db.Measures.Where(m => m.Port >= 40_000).Explain());

        void Same<T, TKey>(ZgCollection<T> collection, List<T> list, Func<T, TKey> key, params System.Linq.Expressions.Expression<Func<T, bool>>[] predicates) where T : class
        {
            foreach (var predicate in predicates)
                Assert.Equal(list.Where(predicate.Compile()).Select(key), collection.Where(predicate).AsEnumerable().Select(key));
        }

        int big = 1000, negative = -1, over = 40_000, under = -40_000, seventy = 70_000; // variables: C# refuses out-of-range constants
        long huge = long.MaxValue;
        Same(db.Bytes8, bytes, r => r.Id,
            r => r.Id == 9, r => r.Id == 10, r => r.Id == big, r => r.Id == negative, r => 9 == r.Id,
            r => r.Id > 9 && r.Id <= 30, r => r.Id >= 255, r => r.Id > 255, r => r.Id > 254, r => r.Id < 0, r => r.Id <= 0, r => r.Id < 1,
            r => r.Id > negative, r => r.Id >= negative, r => r.Id < big, r => r.Id > big, r => r.Id < huge, r => r.Id > -huge,
            r => 30 > r.Id, r => r.Id > 5L && r.Id < 7u);
        Same(db.Shorts, shorts, r => r.Id,
            r => r.Id < -1000, r => r.Id >= 32767, r => r.Id > over, r => r.Id < under, r => r.Id > under && r.Id < 0, r => r.Id == 160, r => r.Id == seventy);
        Same(db.Chars, chars, r => r.Id, r => r.Id >= 'a', r => r.Id > 'z', r => r.Id < 'A', r => r.Id == 'é', r => r.Id > seventy, r => r.Id >= negative);
        Same(db.Measures, measures, m => m.Id,
            m => m.Level == 7, m => m.Level == big, m => m.Level > 200, m => m.Level < 3 || m.Level > 250, m => m.Port >= 40_000, m => m.Port > seventy,
            m => m.Delta < -100, m => m.Delta >= 127, m => m.Delta > 127, m => m.Delta < -128, m => m.Delta <= -128);
    }
}
