using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using ZgDb.Storage.Format;
using ZgDb.Storage.IO;
using ZstdSharp;

namespace ZgDb.Storage.Indexes;

/// <summary>
/// Writes and reads index files: an <see cref="IndexHeader"/> then a zstd frame holding the body below (all
/// integers little-endian). Entries are stored in index order, column by column.
/// <code>
/// [u8 x C]      the kind of each column (<see cref="IndexValueKind"/>)
/// [u8]          the kind of the primary key
/// for each column, N values:   [u8 0 = null | 1 = present] then, if present, the value
/// N primary keys:              the value (never null)
/// values:  Boolean, Byte [u8] | SByte [i8] | Int16 [i16] | UInt16, Char [u16] | Int32 [i32] | UInt32 [u32]
///          Int64 [i64] | UInt64 [u64] | Single [f32] | Double [f64] | Decimal [i32 x4, decimal.GetBits]
///          String [i32 byte length][UTF-8] | Guid [16 bytes, Guid.TryWriteBytes] | DateTime [i64 ticks][u8 kind]
///          DateTimeOffset [i64 ticks][i16 offset minutes] | TimeSpan, TimeOnly [i64 ticks] | DateOnly [i32 day number]
///          an enum is stored as its underlying integer.
/// </code>
/// </summary>
internal static class IndexFile
{
    public const int CompressionLevel = 3;

    /// <summary>Encodes a whole index file (header and body) for <paramref name="index"/>.</summary>
    /// <remarks>
    /// A composite primary key (<see cref="IndexValueKind.Composite"/>) is described after its kind byte by a byte
    /// holding its part count and one kind byte per part; each entry's key is then its parts' values in key order.
    /// </remarks>
    public static byte[] Encode<TKey>(IndexBase<TKey> index, IndexValueKind keyKind, ulong identity, IndexKeyParts? keyParts = null)
    {
        var columns = index.Comparer.Columns;
        var body = new ArrayBufferWriter<byte>(64 + index.Count * (columns.Length * 9 + 9));
        foreach (var column in columns) WriteByte(body, (byte)column.Kind);
        WriteByte(body, (byte)keyKind);
        if (keyKind == IndexValueKind.Composite)
        {
            WriteByte(body, (byte)keyParts!.Kinds.Length);
            foreach (var part in keyParts.Kinds) WriteByte(body, (byte)part);
        }
        for (int c = 0; c < columns.Length; c++)
        {
            var values = index.Columns[c];
            var kind = columns[c].Kind;
            for (int row = 0; row < values.Length; row++)
            {
                if (values[row] is not { } value)
                {
                    WriteByte(body, 0);
                    continue;
                }
                WriteByte(body, 1);
                WriteValue(body, kind, value);
            }
        }
        foreach (var key in index.Keys)
        {
            if (keyKind != IndexValueKind.Composite) WriteValue(body, keyKind, key!);
            else for (int p = 0; p < keyParts!.Kinds.Length; p++) WriteValue(body, keyParts.Kinds[p], ((CompositeKey)(object)key!).Parts[p]);
        }

        byte[] compressed;
        using (var compressor = new Compressor(CompressionLevel))
            compressed = compressor.Wrap(body.WrittenSpan).ToArray();
        var header = new IndexHeader(columns.Length, index.Count, body.WrittenCount, compressed.Length, XxHash64.HashToUInt64(compressed), identity);
        var file = new byte[IndexHeader.Length + compressed.Length];
        header.Write(file);
        compressed.CopyTo(file.AsSpan(IndexHeader.Length));
        return file;
    }

    /// <summary>Writes a new index file and flushes it to disk. The caller flushes the directory before a manifest names it.</summary>
    public static void Write(IStorageFileSystem fs, string path, byte[] content)
    {
        using var stream = fs.Open(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
        stream.Append(content);
        stream.FlushToDisk();
    }

    /// <summary>
    /// Reads an index file, checking the header and body checksums (before decompressing), the column and key
    /// kinds, every length, and that the entries are in strict index order. Any failure is a
    /// <see cref="ZgDbCorruptFileException"/> naming the file and offset (or <see cref="ZgDbUnsupportedVersionException"/>);
    /// a failed read is <see cref="ZgDbIOException"/>.
    /// </summary>
    public static IndexBase<TKey> Read<TKey>(IStorageFileSystem fs, string path, IndexEntryComparer<TKey> comparer, IndexValueKind keyKind, ulong identity, IndexKeyParts? keyParts = null)
    {
        var data = Chunks.DatabaseFiles.ReadListed(fs, path, "index file");
        var columns = comparer.Columns;
        var body = Decode(data, path, identity, columns.Length);
        for (int c = 0; c < columns.Length; c++)
            if (body.ColumnKinds[c] != columns[c].Kind)
                throw Corrupt(path, c + 1, $"column {c} ({columns[c].Path.Name}) is not stored as {columns[c].Kind}.");
        if (body.KeyKind != keyKind) throw Corrupt(path, columns.Length + 1, $"the primary keys are not stored as {keyKind}.");
        if (keyKind == IndexValueKind.Composite)
        {
            if (body.KeyPartKinds!.Length != keyParts!.Kinds.Length) throw Corrupt(path, columns.Length + 2, $"the composite primary keys are not stored with {keyParts.Kinds.Length} parts.");
            for (int p = 0; p < keyParts.Kinds.Length; p++)
                if (body.KeyPartKinds[p] != keyParts.Kinds[p]) throw Corrupt(path, columns.Length + 3 + p, $"part {p} of the composite primary keys is not stored as {keyParts.Kinds[p]}.");
        }
        for (int c = 0; c < columns.Length; c++)
            if (columns[c].ValueType.IsEnum)
            {
                var target = body.Values[c];
                for (int row = 0; row < target.Length; row++)
                    if (target[row] is { } value) target[row] = Enum.ToObject(columns[c].ValueType, value);
            }
        var keys = new TKey[body.Keys.Length];
        for (int row = 0; row < keys.Length; row++)
        {
            if (keyKind != IndexValueKind.Composite) keys[row] = (TKey)(typeof(TKey).IsEnum ? Enum.ToObject(typeof(TKey), body.Keys[row]) : body.Keys[row]);
            else
            {
                var parts = (object[])body.Keys[row];
                for (int p = 0; p < parts.Length; p++)
                    if (keyParts!.Types[p].IsEnum) parts[p] = Enum.ToObject(keyParts.Types[p], parts[p]);
                keys[row] = (TKey)(object)new CompositeKey(parts);
            }
        }
        var result = new IndexBase<TKey>(comparer, body.Values, keys);
        for (int row = 1; row < keys.Length; row++)
            if (result.CompareRows(row - 1, row) >= 0)
                throw OutOfOrder(path, row);
        return result;
    }

    /// <summary>
    /// Decodes an index file without the application's types: the header (<see cref="IndexHeader.Validate"/>), the
    /// body's checksum and decompressed length, the stored kinds, every value and that nothing follows the last
    /// entry. Values are as stored (an enum as its underlying integer; a composite key as its parts). The one
    /// decoder behind the engine's <see cref="Read{TKey}"/> and <c>zgdb verify</c>.
    /// </summary>
    public static IndexFileBody Decode(byte[] data, string path, ulong identity, int expectedColumns)
    {
        var header = IndexHeader.Validate(data, path, identity, expectedColumns);
        var raw = new byte[header.RawLength];
        try
        {
            using var decompressor = new Decompressor();
            int written = decompressor.Unwrap(data.AsSpan(IndexHeader.Length), raw);
            if (written != raw.Length)
                throw new ZgDbCorruptFileException(path, IndexHeader.Length, ZgDbCorruptionReason.Malformed, $"the body decompresses to {written} bytes, not the {raw.Length} the header says.");
        }
        catch (ZstdException e)
        {
            throw new ZgDbCorruptFileException(path, IndexHeader.Length, ZgDbCorruptionReason.Malformed, "the body is not a valid zstd frame: " + e.Message, e);
        }

        var reader = new Reader(raw, path);
        var kinds = new IndexValueKind[header.ColumnCount];
        for (int c = 0; c < kinds.Length; c++) kinds[c] = (IndexValueKind)reader.Byte();
        var keyKind = (IndexValueKind)reader.Byte();
        IndexValueKind[]? partKinds = null;
        if (keyKind == IndexValueKind.Composite)
        {
            partKinds = new IndexValueKind[reader.Byte()];
            for (int p = 0; p < partKinds.Length; p++) partKinds[p] = (IndexValueKind)reader.Byte();
        }
        int count = (int)header.EntryCount;
        var values = new object?[kinds.Length][];
        for (int c = 0; c < kinds.Length; c++)
        {
            var target = values[c] = new object?[count];
            for (int row = 0; row < count; row++)
            {
                byte present = reader.Byte();
                if (present > 1) throw reader.Corrupt($"bad presence flag {present}.");
                if (present == 1) target[row] = reader.Value(kinds[c]);
            }
        }
        var keys = new object[count];
        for (int row = 0; row < count; row++)
        {
            if (partKinds is null) keys[row] = reader.Value(keyKind);
            else
            {
                var parts = new object[partKinds.Length];
                for (int p = 0; p < parts.Length; p++) parts[p] = reader.Value(partKinds[p]);
                keys[row] = parts;
            }
        }
        if (reader.Remaining != 0) throw reader.Corrupt($"{reader.Remaining} bytes follow the last entry.");
        return new IndexFileBody(header, kinds, keyKind, partKinds, values, keys);
    }

    /// <summary>
    /// Checks, without the application's types, that the decoded entries are in index order by their values (null
    /// first, strings ordinal, everything else by its own order: <see cref="IndexColumn.Compare"/>'s rule); the
    /// typed <see cref="Read{TKey}"/> also orders equal values by primary key.
    /// </summary>
    public static void CheckValueOrder(IndexFileBody body, string path)
    {
        for (int row = 1; row < body.Keys.Length; row++)
            for (int c = 0; c < body.Values.Length; c++)
            {
                int order = IndexColumn.CompareStored(body.Values[c][row - 1], body.Values[c][row]);
                if (order < 0) break;
                if (order > 0) throw OutOfOrder(path, row);
            }
    }

    private static ZgDbCorruptFileException OutOfOrder(string path, int row) =>
        new(path, IndexHeader.Length, ZgDbCorruptionReason.Malformed, $"entry {row} is out of index order.");

    private static ZgDbCorruptFileException Corrupt(string path, int bodyOffset, string message) =>
        new(path, IndexHeader.Length, ZgDbCorruptionReason.Malformed, $"at byte {bodyOffset} of the decompressed body: {message}");

    private static void WriteByte(ArrayBufferWriter<byte> w, byte value)
    {
        w.GetSpan(1)[0] = value;
        w.Advance(1);
    }

    private static void WriteValue(ArrayBufferWriter<byte> w, IndexValueKind kind, object value)
    {
        if (value is Enum) value = Convert.ChangeType(value, Enum.GetUnderlyingType(value.GetType()), System.Globalization.CultureInfo.InvariantCulture);
        if (kind == IndexValueKind.Bytes)
        {
            var bytes = (byte[])value;
            var into = w.GetSpan(4 + bytes.Length);
            BinaryPrimitives.WriteInt32LittleEndian(into, bytes.Length);
            bytes.CopyTo(into[4..]);
            w.Advance(4 + bytes.Length);
            return;
        }
        if (kind == IndexValueKind.String)
        {
            var text = (string)value;
            int length = Encoding.UTF8.GetByteCount(text);
            var target = w.GetSpan(4 + length);
            BinaryPrimitives.WriteInt32LittleEndian(target, length);
            Encoding.UTF8.GetBytes(text, target[4..]);
            w.Advance(4 + length);
            return;
        }
        var s = w.GetSpan(16);
        int n;
        switch (kind)
        {
            case IndexValueKind.Boolean: s[0] = (bool)value ? (byte)1 : (byte)0; n = 1; break;
            case IndexValueKind.Byte: s[0] = (byte)value; n = 1; break;
            case IndexValueKind.SByte: s[0] = unchecked((byte)(sbyte)value); n = 1; break;
            case IndexValueKind.Int16: BinaryPrimitives.WriteInt16LittleEndian(s, (short)value); n = 2; break;
            case IndexValueKind.UInt16: BinaryPrimitives.WriteUInt16LittleEndian(s, (ushort)value); n = 2; break;
            case IndexValueKind.Char: BinaryPrimitives.WriteUInt16LittleEndian(s, (char)value); n = 2; break;
            case IndexValueKind.Int32: BinaryPrimitives.WriteInt32LittleEndian(s, (int)value); n = 4; break;
            case IndexValueKind.UInt32: BinaryPrimitives.WriteUInt32LittleEndian(s, (uint)value); n = 4; break;
            case IndexValueKind.Int64: BinaryPrimitives.WriteInt64LittleEndian(s, (long)value); n = 8; break;
            case IndexValueKind.UInt64: BinaryPrimitives.WriteUInt64LittleEndian(s, (ulong)value); n = 8; break;
            case IndexValueKind.Single: BinaryPrimitives.WriteSingleLittleEndian(s, (float)value); n = 4; break;
            case IndexValueKind.Double: BinaryPrimitives.WriteDoubleLittleEndian(s, (double)value); n = 8; break;
            case IndexValueKind.Decimal:
                Span<int> bits = stackalloc int[4];
                decimal.GetBits((decimal)value, bits);
                for (int i = 0; i < 4; i++) BinaryPrimitives.WriteInt32LittleEndian(s[(i * 4)..], bits[i]);
                n = 16;
                break;
            case IndexValueKind.Guid: ((Guid)value).TryWriteBytes(s); n = 16; break;
            case IndexValueKind.DateTime:
                var dt = (DateTime)value;
                BinaryPrimitives.WriteInt64LittleEndian(s, dt.Ticks);
                s[8] = (byte)dt.Kind;
                n = 9;
                break;
            case IndexValueKind.DateTimeOffset:
                var dto = (DateTimeOffset)value;
                BinaryPrimitives.WriteInt64LittleEndian(s, dto.Ticks);
                BinaryPrimitives.WriteInt16LittleEndian(s[8..], checked((short)dto.TotalOffsetMinutes));
                n = 10;
                break;
            case IndexValueKind.TimeSpan: BinaryPrimitives.WriteInt64LittleEndian(s, ((TimeSpan)value).Ticks); n = 8; break;
            case IndexValueKind.TimeOnly: BinaryPrimitives.WriteInt64LittleEndian(s, ((TimeOnly)value).Ticks); n = 8; break;
            case IndexValueKind.DateOnly: BinaryPrimitives.WriteInt32LittleEndian(s, ((DateOnly)value).DayNumber); n = 4; break;
            default: throw new InvalidOperationException($"index value kind {kind} has no encoding.");
        }
        w.Advance(n);
    }

    /// <summary>Reads the decompressed body; every read checks the remaining length.</summary>
    private ref struct Reader(ReadOnlySpan<byte> data, string file)
    {
        private readonly ReadOnlySpan<byte> _data = data;
        private int _offset;

        public readonly int Remaining => _data.Length - _offset;

        public readonly ZgDbCorruptFileException Corrupt(string message) => IndexFile.Corrupt(file, _offset, message);

        private ReadOnlySpan<byte> Take(int length)
        {
            if (length < 0 || length > Remaining) throw Corrupt($"a value of {length} bytes runs past the end of the body.");
            var span = _data.Slice(_offset, length);
            _offset += length;
            return span;
        }

        public byte Byte() => Take(1)[0];

        public object Value(IndexValueKind kind)
        {
            return kind switch
            {
                IndexValueKind.Boolean => Take(1)[0] switch { 0 => false, 1 => true, var b => throw Corrupt($"bad boolean {b}.") },
                IndexValueKind.Byte => Take(1)[0],
                IndexValueKind.SByte => unchecked((sbyte)Take(1)[0]),
                IndexValueKind.Int16 => BinaryPrimitives.ReadInt16LittleEndian(Take(2)),
                IndexValueKind.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(Take(2)),
                IndexValueKind.Char => (char)BinaryPrimitives.ReadUInt16LittleEndian(Take(2)),
                IndexValueKind.Int32 => BinaryPrimitives.ReadInt32LittleEndian(Take(4)),
                IndexValueKind.UInt32 => BinaryPrimitives.ReadUInt32LittleEndian(Take(4)),
                IndexValueKind.Int64 => BinaryPrimitives.ReadInt64LittleEndian(Take(8)),
                IndexValueKind.UInt64 => BinaryPrimitives.ReadUInt64LittleEndian(Take(8)),
                IndexValueKind.Single => BinaryPrimitives.ReadSingleLittleEndian(Take(4)),
                IndexValueKind.Double => BinaryPrimitives.ReadDoubleLittleEndian(Take(8)),
                IndexValueKind.Decimal => ReadDecimal(),
                IndexValueKind.String => ReadString(),
                IndexValueKind.Bytes => Take(BinaryPrimitives.ReadInt32LittleEndian(Take(4))).ToArray(),
                IndexValueKind.Guid => new Guid(Take(16)),
                IndexValueKind.DateTime => ReadDateTime(),
                IndexValueKind.DateTimeOffset => ReadDateTimeOffset(),
                IndexValueKind.TimeSpan => new TimeSpan(BinaryPrimitives.ReadInt64LittleEndian(Take(8))),
                IndexValueKind.TimeOnly => ReadTimeOnly(),
                IndexValueKind.DateOnly => ReadDateOnly(),
                _ => throw Corrupt($"unknown value kind {kind}."),
            };
        }

        private decimal ReadDecimal()
        {
            var s = Take(16);
            Span<int> bits = stackalloc int[4];
            for (int i = 0; i < 4; i++) bits[i] = BinaryPrimitives.ReadInt32LittleEndian(s[(i * 4)..]);
            try
            {
                return new decimal(bits);
            }
            catch (ArgumentException)
            {
                throw Corrupt("invalid decimal.");
            }
        }

        private string ReadString()
        {
            int length = BinaryPrimitives.ReadInt32LittleEndian(Take(4));
            return Encoding.UTF8.GetString(Take(length));
        }

        private DateTime ReadDateTime()
        {
            long ticks = BinaryPrimitives.ReadInt64LittleEndian(Take(8));
            byte kind = Take(1)[0];
            if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks || kind > 2) throw Corrupt("invalid DateTime.");
            return new DateTime(ticks, (DateTimeKind)kind);
        }

        private DateTimeOffset ReadDateTimeOffset()
        {
            long ticks = BinaryPrimitives.ReadInt64LittleEndian(Take(8));
            short minutes = BinaryPrimitives.ReadInt16LittleEndian(Take(2));
            try
            {
                return new DateTimeOffset(ticks, TimeSpan.FromMinutes(minutes));
            }
            catch (ArgumentException)
            {
                throw Corrupt("invalid DateTimeOffset.");
            }
        }

        private TimeOnly ReadTimeOnly()
        {
            long ticks = BinaryPrimitives.ReadInt64LittleEndian(Take(8));
            if (ticks < 0 || ticks > TimeOnly.MaxValue.Ticks) throw Corrupt("invalid TimeOnly.");
            return new TimeOnly(ticks);
        }

        private DateOnly ReadDateOnly()
        {
            int day = BinaryPrimitives.ReadInt32LittleEndian(Take(4));
            if (day < DateOnly.MinValue.DayNumber || day > DateOnly.MaxValue.DayNumber) throw Corrupt("invalid DateOnly.");
            return DateOnly.FromDayNumber(day);
        }
    }
}

/// <summary>The parts of a composite primary key as index files store them: each part's value kind and CLR type.</summary>
internal sealed record IndexKeyParts(IndexValueKind[] Kinds, Type[] Types)
{
    public static IndexKeyParts? Of(EntityType entity) => entity.HasCompositeKey
        ? new IndexKeyParts(entity.KeyParts.Select(p => IndexColumn.KindOf(p.ClrType)!.Value).ToArray(), entity.KeyParts.Select(p => p.ClrType).ToArray())
        : null;
}

/// <summary>
/// An index file decoded by <see cref="IndexFile.Decode"/>: its header, the stored kinds, each column's values
/// (<c>Values[column][row]</c>, null where absent) and each entry's primary key (a composite key as its parts).
/// </summary>
internal sealed record IndexFileBody(IndexHeader Header, IndexValueKind[] ColumnKinds, IndexValueKind KeyKind, IndexValueKind[]? KeyPartKinds, object?[][] Values, object[] Keys);
