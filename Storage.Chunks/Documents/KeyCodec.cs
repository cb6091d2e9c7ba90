using System.Text.Json;

namespace ZgDb.Storage.Documents;

/// <summary>
/// How one key type is compared, printed as JSON (in WAL records, chunk headers and the manifest) and assigned.
/// Keys are values, never paths: no key ever becomes part of a file name. Keys compare by <see cref="KeyOrder"/>
/// (strings ordinally, byte arrays by content, enums by underlying value, everything else by its own comparer).
/// </summary>
/// <remarks>
/// A composite key (<see cref="KeyKind.Composite"/>, <typeparamref name="TKey"/> = <see cref="CompositeKey"/>) is
/// handled part by part, each part by the codec of its own type: its JSON is the array of the parts' JSON, a caller's
/// key is converted part by part (<c>Find(10248, 11)</c>), and it is never assigned.
/// </remarks>
internal sealed class KeyCodec<TKey> : IKeyPartCodec where TKey : notnull
{
    /// <summary>The JSON form of keys: System.Text.Json's defaults (enums as numbers, byte arrays as base64), DateTime as documents hold it.</summary>
    internal static readonly JsonSerializerOptions JsonOptions = CreateJsonOptions();

    private readonly IKeyPartCodec[] _parts = [];

    /// <summary>The codec of a key of <paramref name="kind"/>; for a composite key, <paramref name="partTypes"/> are its parts' CLR types in key order.</summary>
    public KeyCodec(KeyKind kind, IReadOnlyList<Type>? partTypes = null)
    {
        Kind = kind;
        if (kind == KeyKind.Composite)
            _parts = (partTypes ?? throw new ArgumentException("a composite key codec needs its part types.", nameof(partTypes)))
                .Select(t => (IKeyPartCodec)Activator.CreateInstance(typeof(KeyCodec<>).MakeGenericType(t), KeyKinds.Of(t)!.Value, null)!).ToArray();
        Comparer = KeyOrder.For<TKey>(kind);
    }

    public KeyKind Kind { get; }
    public IComparer<TKey> Comparer { get; }

    private static JsonSerializerOptions CreateJsonOptions()
    {
        var options = new JsonSerializerOptions { TypeInfoResolver = ZgJson.Reflection() };
        options.Converters.Add(new DateTimeClockConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    public byte[] ToJson(TKey key)
    {
        // Numbers are their own JSON: format them directly (this runs once per written document).
        Span<byte> digits = stackalloc byte[20];
        if (Kind == KeyKind.Int32 && System.Buffers.Text.Utf8Formatter.TryFormat((int)(object)key, digits, out int written))
            return digits[..written].ToArray();
        if (Kind == KeyKind.Int64 && System.Buffers.Text.Utf8Formatter.TryFormat((long)(object)key, digits, out written))
            return digits[..written].ToArray();
        return JsonSerializer.SerializeToUtf8Bytes(key, JsonOptions);
    }

    public TKey FromJson(ReadOnlySpan<byte> json)
    {
        if (Kind != KeyKind.Composite) return JsonSerializer.Deserialize<TKey>(json, JsonOptions)!;
        using var document = JsonDocument.Parse(json.ToArray());
        return FromJson(document.RootElement);
    }

    public TKey FromJson(JsonElement json)
    {
        if (Kind != KeyKind.Composite) return json.Deserialize<TKey>(JsonOptions)!;
        if (json.ValueKind != JsonValueKind.Array || json.GetArrayLength() != _parts.Length)
            throw new JsonException($"a composite key of {_parts.Length} parts is a JSON array of {_parts.Length} values, not {json.GetRawText()}.");
        var parts = new object[_parts.Length];
        int i = 0;
        foreach (var element in json.EnumerateArray()) { parts[i] = _parts[i].PartFromJson(element); i++; }
        return (TKey)(object)new CompositeKey(parts);
    }

    /// <summary>The number of parts of a composite key (1 for any other key).</summary>
    public int PartCount => Kind == KeyKind.Composite ? _parts.Length : 1;

    object IKeyPartCodec.PartFromJson(JsonElement json) => FromJson(json);

    bool IKeyPartCodec.TryConvertPart(object? value, out object result)
    {
        bool ok = TryConvert(value, out var typed);
        result = typed;
        return ok;
    }

    /// <summary>
    /// Converts a caller's composite key or key prefix: a <see cref="CompositeKey"/> or an object array of 1 to
    /// <see cref="PartCount"/> values (only <paramref name="allowPrefix"/> accepts fewer than every part), each
    /// converted as a single key of its part's type. False for anything else, and for a key that is not composite.
    /// </summary>
    public bool TryConvertComposite(object? key, bool allowPrefix, out TKey result)
    {
        result = default!;
        var values = key switch { CompositeKey c => c.Parts, object[] a => a, _ => null };
        if (Kind != KeyKind.Composite || values is null || values.Count == 0 || values.Count > _parts.Length || (!allowPrefix && values.Count != _parts.Length))
            return false;
        var parts = new object[values.Count];
        for (int i = 0; i < parts.Length; i++)
            if (!_parts[i].TryConvertPart(values[i], out parts[i])) return false;
        result = (TKey)(object)new CompositeKey(parts);
        return true;
    }

    /// <summary>Whether the key is the "assign me one" value: 0 for integers, an empty Guid.</summary>
    public bool IsUnassigned(TKey key) => Kind switch
    {
        KeyKind.Guid => (Guid)(object)key == Guid.Empty,
        _ when KeyKinds.IsInteger(Kind) => Numeric(key) == 0,
        _ => false,
    };

    /// <summary>
    /// The numeric value of an integer key (for the next-key counter), else null; also null for a ulong key above
    /// <see cref="long.MaxValue"/>, which no assigned key can reach.
    /// </summary>
    public long? Numeric(TKey key) => Kind switch
    {
        KeyKind.Int32 => (int)(object)key,
        KeyKind.Int64 => (long)(object)key,
        KeyKind.Byte => (byte)(object)key,
        KeyKind.SByte => (sbyte)(object)key,
        KeyKind.Int16 => (short)(object)key,
        KeyKind.UInt16 => (ushort)(object)key,
        KeyKind.UInt32 => (uint)(object)key,
        KeyKind.UInt64 => (ulong)(object)key is var u && u <= long.MaxValue ? (long)u : null,
        _ => null,
    };

    /// <summary>An integer key of value <paramref name="value"/>; throws <see cref="OverflowException"/> outside the type's range.</summary>
    public TKey FromNumber(long value) => Kind switch
    {
        KeyKind.Int32 => (TKey)(object)checked((int)value),
        KeyKind.Int64 => (TKey)(object)value,
        KeyKind.Byte => (TKey)(object)checked((byte)value),
        KeyKind.SByte => (TKey)(object)checked((sbyte)value),
        KeyKind.Int16 => (TKey)(object)checked((short)value),
        KeyKind.UInt16 => (TKey)(object)checked((ushort)value),
        KeyKind.UInt32 => (TKey)(object)checked((uint)value),
        KeyKind.UInt64 => (TKey)(object)checked((ulong)value),
        _ => throw new InvalidOperationException($"a {Kind} key is not a number."),
    };

    /// <summary>
    /// Converts a caller's key (<c>Find(object)</c>, a query's bound) to <typeparamref name="TKey"/>: the key's own
    /// type, or for an integer key any integer of the same value (an int for a long, a long 5 for a byte; never a
    /// value out of range), or for an enum key its underlying value.
    /// </summary>
    public bool TryConvert(object? key, out TKey result)
    {
        result = default!;
        if (Kind == KeyKind.Composite) return TryConvertComposite(key, allowPrefix: false, out result);
        switch (key)
        {
            case null:
                return false;
            case TKey k:
                result = k;
                return true;
            case not Enum when KeyKinds.IsInteger(Kind) && IntegerValue(key) is { } value:
                return TryFromInteger(value, out result);
            case not Enum when Kind == KeyKind.Enum && key.GetType() == Enum.GetUnderlyingType(typeof(TKey)):
                result = (TKey)Enum.ToObject(typeof(TKey), key);
                return true;
            default:
                return false;
        }
    }

    private static Int128? IntegerValue(object value) => value switch
    {
        int i => i,
        long l => l,
        short s => s,
        byte b => b,
        sbyte sb => sb,
        ushort us => us,
        uint ui => ui,
        ulong ul => ul,
        _ => null,
    };

    private bool TryFromInteger(Int128 value, out TKey result)
    {
        result = default!;
        object? converted = Kind switch
        {
            KeyKind.Int32 when value >= int.MinValue && value <= int.MaxValue => (int)value,
            KeyKind.Int64 when value >= long.MinValue && value <= long.MaxValue => (long)value,
            KeyKind.Byte when value >= byte.MinValue && value <= byte.MaxValue => (byte)value,
            KeyKind.SByte when value >= sbyte.MinValue && value <= sbyte.MaxValue => (sbyte)value,
            KeyKind.Int16 when value >= short.MinValue && value <= short.MaxValue => (short)value,
            KeyKind.UInt16 when value >= ushort.MinValue && value <= ushort.MaxValue => (ushort)value,
            KeyKind.UInt32 when value >= uint.MinValue && value <= uint.MaxValue => (uint)value,
            KeyKind.UInt64 when value >= ulong.MinValue && value <= ulong.MaxValue => (ulong)value,
            _ => null,
        };
        if (converted is null) return false;
        result = (TKey)converted;
        return true;
    }
}

/// <summary>The untyped face of a <see cref="KeyCodec{TKey}"/>, through which a composite key's codec handles each part.</summary>
internal interface IKeyPartCodec
{
    object PartFromJson(JsonElement json);
    bool TryConvertPart(object? value, out object result);
}
