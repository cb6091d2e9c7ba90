using System.Text.Json;

namespace ZgDb.Storage.Documents;

/// <summary>
/// How one key type is compared, printed as JSON (in WAL records, chunk headers and the manifest) and assigned.
/// Keys are values, never paths: no key ever becomes part of a file name.
/// </summary>
internal sealed class KeyCodec<TKey> where TKey : notnull
{
    public KeyCodec(KeyKind kind)
    {
        Kind = kind;
        Comparer = kind == KeyKind.String ? (IComparer<TKey>)(object)StringComparer.Ordinal : Comparer<TKey>.Default;
    }

    public KeyKind Kind { get; }
    public IComparer<TKey> Comparer { get; }

    public byte[] ToJson(TKey key)
    {
        // Numbers are their own JSON: format them directly (this runs once per written document).
        Span<byte> digits = stackalloc byte[20];
        if (Kind == KeyKind.Int32 && System.Buffers.Text.Utf8Formatter.TryFormat((int)(object)key, digits, out int written))
            return digits[..written].ToArray();
        if (Kind == KeyKind.Int64 && System.Buffers.Text.Utf8Formatter.TryFormat((long)(object)key, digits, out written))
            return digits[..written].ToArray();
        return JsonSerializer.SerializeToUtf8Bytes(key);
    }

    public TKey FromJson(ReadOnlySpan<byte> json) => JsonSerializer.Deserialize<TKey>(json)!;

    public TKey FromJson(JsonElement json) => json.Deserialize<TKey>()!;

    /// <summary>Whether the key is the "assign me one" value: 0 for numbers, an empty Guid.</summary>
    public bool IsUnassigned(TKey key) => Kind switch
    {
        KeyKind.Int32 => (int)(object)key == 0,
        KeyKind.Int64 => (long)(object)key == 0,
        KeyKind.Guid => (Guid)(object)key == Guid.Empty,
        _ => false,
    };

    /// <summary>The numeric value of an int/long key (for the next-key counter), else null.</summary>
    public long? Numeric(TKey key) => Kind switch
    {
        KeyKind.Int32 => (int)(object)key,
        KeyKind.Int64 => (long)(object)key,
        _ => null,
    };

    public TKey FromNumber(long value) => Kind == KeyKind.Int32 ? (TKey)(object)checked((int)value) : (TKey)(object)value;

    /// <summary>Converts a caller's key (<c>Find(object)</c>) to <typeparamref name="TKey"/>, accepting widening numeric conversions.</summary>
    public bool TryConvert(object? key, out TKey result)
    {
        switch (key)
        {
            case TKey k:
                result = k;
                return true;
            case int i when Kind == KeyKind.Int64:
                result = (TKey)(object)(long)i;
                return true;
            case long l when Kind == KeyKind.Int32 && l is >= int.MinValue and <= int.MaxValue:
                result = (TKey)(object)(int)l;
                return true;
            case short or byte or ushort or sbyte when Kind is KeyKind.Int32 or KeyKind.Int64:
                result = FromNumber(Convert.ToInt64(key));
                return true;
            default:
                result = default!;
                return false;
        }
    }
}
