using System.Buffers.Binary;
using System.Text;

namespace ZgDb.Storage.Wal;

/// <summary>The kind of one operation in a WAL record.</summary>
internal enum WalOpKind : byte
{
    Put = 1,
    Delete = 2,
    /// <summary>A database metadata entry (collection ""; key = the entry's name, document = its value, both JSON strings).</summary>
    Meta = 3,
}

/// <summary>One operation: a document stored (put) or removed (delete) under a key, in a named collection.</summary>
internal readonly record struct WalOp(WalOpKind Kind, string Collection, byte[] KeyJson, byte[]? DocumentJson);

/// <summary>
/// The payload of a WAL record: every operation of one atomic write (a single Insert, an InsertMany, a
/// DeleteMany, a transaction). Applied all or nothing on recovery, because a record is checksummed as a whole.
/// <code>
/// [u32] operation count
/// per operation:
///   [u8]  kind (1 = put, 2 = delete, 3 = metadata entry, e.g. the schema version)
///   [u16 n][n bytes UTF-8] collection name
///   [u32 n][n bytes]       key as JSON
///   put and metadata only: [u32 n][n bytes] document (or metadata value) as JSON
/// </code>
/// </summary>
internal static class WalBatch
{
    /// <summary>
    /// A write whose payload is larger than this is split into parts of about this size (whole operations each),
    /// so no record nears <see cref="Format.WalLayout.MaxPayload"/> and no buffer nears the runtime's array limit.
    /// </summary>
    public const int PartBytes = 32 << 20;

    /// <summary>The bytes before a part's operations: the LSN of the write's first part.</summary>
    public const int PartPrefixLength = 8;

    public static byte[] Encode(IReadOnlyList<WalOp> ops) => Encode(ops, 0, ops.Count, prefixLsn: null);

    /// <summary>
    /// The records of one atomic write whose first record gets <paramref name="firstLsn"/>: one
    /// <see cref="Format.WalLayout.KindBatch"/> record when its payload fits in <paramref name="partBytes"/>, else
    /// parts (<see cref="Format.WalLayout.KindPart"/>, ..., <see cref="Format.WalLayout.KindLastPart"/>) with
    /// consecutive LSNs, each <c>[u64 firstLsn]</c> then a batch of whole operations. Recovery applies the parts only
    /// when the last one is there, all together.
    /// </summary>
    /// <exception cref="ZgDbValidationException">One operation alone is larger than a record can hold; nothing is written.</exception>
    public static List<(uint Kind, byte[] Payload)> EncodeRecords(IReadOnlyList<WalOp> ops, long firstLsn, int partBytes = PartBytes)
    {
        long total = 4;
        string? lastName = null;
        int nameLength = 0;
        foreach (var op in ops)
        {
            if (!ReferenceEquals(op.Collection, lastName)) (lastName, nameLength) = (op.Collection, Encoding.UTF8.GetByteCount(op.Collection));
            total += OpLength(op, nameLength);
        }
        if (total <= partBytes) return [(Format.WalLayout.KindBatch, Encode(ops))];
        var records = new List<(uint, byte[])>();
        int start = 0;
        while (start < ops.Count)
        {
            long length = PartPrefixLength + 4;
            int end = start;
            while (end < ops.Count)
            {
                long op = OpLength(ops[end], Encoding.UTF8.GetByteCount(ops[end].Collection));
                if (PartPrefixLength + 4 + op > Format.WalLayout.MaxPayload)
                    throw new ZgDbValidationException(ops[end].Collection, $"one operation is {op:N0} bytes, more than a write-ahead log record holds ({Format.WalLayout.MaxPayload:N0}). Nothing was written.");
                if (end > start && length + op > partBytes) break;
                length += op;
                end++;
            }
            records.Add((end == ops.Count ? Format.WalLayout.KindLastPart : Format.WalLayout.KindPart, Encode(ops, start, end - start, firstLsn)));
            start = end;
        }
        return records;
    }

    private static long OpLength(WalOp op, int nameLength) =>
        1 + 2 + nameLength + 4 + (long)op.KeyJson.Length + (op.Kind is WalOpKind.Put or WalOpKind.Meta ? 4 + op.DocumentJson!.Length : 0);

    private static byte[] Encode(IReadOnlyList<WalOp> ops, int start, int count, long? prefixLsn)
    {
        // Sized exactly and written once: a bulk insert's record can be tens of megabytes.
        long length = (prefixLsn is null ? 0 : PartPrefixLength) + 4;
        string? lastName = null;
        int nameLength = 0;
        for (int i = start; i < start + count; i++)
        {
            var op = ops[i];
            if (!ReferenceEquals(op.Collection, lastName)) (lastName, nameLength) = (op.Collection, Encoding.UTF8.GetByteCount(op.Collection));
            length += OpLength(op, nameLength);
        }
        if (length > Format.WalLayout.MaxPayload)
            throw new ZgDbValidationException(ops[start].Collection, $"the write is {length:N0} bytes, more than a write-ahead log record holds ({Format.WalLayout.MaxPayload:N0}). Nothing was written.");
        var payload = new byte[length];
        var span = payload.AsSpan();
        int position = 0;
        if (prefixLsn is { } first)
        {
            BinaryPrimitives.WriteInt64LittleEndian(span, first);
            position = PartPrefixLength;
        }
        BinaryPrimitives.WriteInt32LittleEndian(span[position..], count);
        position += 4;
        lastName = null;
        byte[] name = [];
        for (int i = start; i < start + count; i++)
        {
            var op = ops[i];
            span[position++] = (byte)op.Kind;
            if (!ReferenceEquals(op.Collection, lastName)) (lastName, name) = (op.Collection, Encoding.UTF8.GetBytes(op.Collection));
            BinaryPrimitives.WriteUInt16LittleEndian(span[position..], checked((ushort)name.Length));
            position += 2;
            name.CopyTo(span[position..]);
            position += name.Length;
            position = WriteBlob(span, position, op.KeyJson);
            if (op.Kind is WalOpKind.Put or WalOpKind.Meta) position = WriteBlob(span, position, op.DocumentJson!);
        }
        return payload;
    }

    private static int WriteBlob(Span<byte> span, int position, byte[] blob)
    {
        BinaryPrimitives.WriteInt32LittleEndian(span[position..], blob.Length);
        blob.CopyTo(span[(position + 4)..]);
        return position + 4 + blob.Length;
    }

    /// <summary>Decodes a payload whose record checksum already matched; a malformed one is still reported, never guessed.</summary>
    public static List<WalOp> Decode(ReadOnlySpan<byte> payload, string file, long offset)
    {
        try
        {
            int position = 0;
            int count = ReadInt(payload, ref position);
            if (count < 0 || count > payload.Length) throw new FormatException($"operation count {count}");
            var ops = new List<WalOp>(count);
            for (int i = 0; i < count; i++)
            {
                var kind = (WalOpKind)payload[position++];
                if (kind is not (WalOpKind.Put or WalOpKind.Delete or WalOpKind.Meta)) throw new FormatException($"operation kind {(byte)kind}");
                int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(payload[position..]);
                position += 2;
                var name = Encoding.UTF8.GetString(payload.Slice(position, nameLength));
                position += nameLength;
                var key = ReadBlob(payload, ref position);
                var document = kind is WalOpKind.Put or WalOpKind.Meta ? ReadBlob(payload, ref position) : null;
                ops.Add(new WalOp(kind, name, key, document));
            }
            if (position != payload.Length) throw new FormatException($"{payload.Length - position} bytes left over");
            return ops;
        }
        catch (Exception e) when (e is FormatException or ArgumentOutOfRangeException or IndexOutOfRangeException)
        {
            throw new ZgDbCorruptFileException(file, offset, ZgDbCorruptionReason.Malformed, "a WAL record's payload is malformed: " + e.Message, e);
        }
    }

    private static int ReadInt(ReadOnlySpan<byte> payload, ref int position)
    {
        int value = BinaryPrimitives.ReadInt32LittleEndian(payload[position..]);
        position += 4;
        return value;
    }

    private static byte[] ReadBlob(ReadOnlySpan<byte> payload, ref int position)
    {
        int length = ReadInt(payload, ref position);
        if (length < 0) throw new FormatException($"negative length {length}");
        var blob = payload.Slice(position, length).ToArray();
        position += length;
        return blob;
    }
}
