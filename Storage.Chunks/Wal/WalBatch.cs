using System.Buffers;
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
    public static byte[] Encode(IReadOnlyList<WalOp> ops)
    {
        var writer = new ArrayBufferWriter<byte>(256);
        WriteInt(writer, ops.Count);
        string? lastName = null;
        byte[] name = [];
        foreach (var op in ops)
        {
            writer.GetSpan(1)[0] = (byte)op.Kind;
            writer.Advance(1);
            if (!ReferenceEquals(op.Collection, lastName)) (lastName, name) = (op.Collection, Encoding.UTF8.GetBytes(op.Collection));
            BinaryPrimitives.WriteUInt16LittleEndian(writer.GetSpan(2), checked((ushort)name.Length));
            writer.Advance(2);
            writer.Write(name);
            WriteInt(writer, op.KeyJson.Length);
            writer.Write(op.KeyJson);
            if (op.Kind is WalOpKind.Put or WalOpKind.Meta)
            {
                WriteInt(writer, op.DocumentJson!.Length);
                writer.Write(op.DocumentJson);
            }
        }
        return writer.WrittenSpan.ToArray();
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
            throw new ZgDbCorruptFileException(file, offset, "a WAL record's payload is malformed: " + e.Message, e);
        }
    }

    private static void WriteInt(ArrayBufferWriter<byte> writer, int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(writer.GetSpan(4), value);
        writer.Advance(4);
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
