using System.Text.Json;
using ZgDb.Storage.Documents;

namespace ZgDb.Storage.Inspection;

/// <summary>
/// A document key read from the files without the application's types, compared by the engine's one key order
/// (<see cref="KeyOrder"/>, the rule the typed <see cref="KeyCodec{TKey}.Comparer"/> applies): integers, decimals and
/// enums by value, every other value (Guid, dates, strings and chars ordinally, byte arrays by content) by <see cref="KeyOrder.Compare"/>.
/// </summary>
/// <remarks>
/// A composite key (<see cref="KeyKind.Composite"/>) holds its parts as stored keys of their kinds and orders part by
/// part; its JSON is the array of its parts' JSON, as the engine writes a <see cref="CompositeKey"/>.
/// </remarks>
internal readonly struct StoredKey : IComparable<StoredKey>, IEquatable<StoredKey>
{
    /// <summary>Integer, decimal and enum keys: every such value is exactly a decimal.</summary>
    private readonly decimal _number;
    /// <summary>Every other key, boxed as its CLR type (Guid, string, char, DateTime, DateTimeOffset, DateOnly, byte[]); a composite key's parts as a <see cref="StoredKey"/> array.</summary>
    private readonly object? _value;

    private StoredKey(KeyKind kind, decimal number, object? value)
    {
        Kind = kind;
        _number = number;
        _value = value;
    }

    public KeyKind Kind { get; }

    private static bool IsNumeric(KeyKind kind) => KeyKinds.IsInteger(kind) || kind is KeyKind.Decimal or KeyKind.Enum;

    /// <summary>Reads a key from its JSON form; false if the JSON is not a valid key of <paramref name="type"/>.</summary>
    public static bool TryFrom(JsonElement json, StoredKeyType type, out StoredKey key)
    {
        key = default;
        var kind = type.Kind;
        if (kind == KeyKind.Composite)
        {
            if (json.ValueKind != JsonValueKind.Array || json.GetArrayLength() != type.Parts.Length) return false;
            var parts = new StoredKey[type.Parts.Length];
            int i = 0;
            foreach (var element in json.EnumerateArray())
            {
                if (!TryFrom(element, type.Parts[i], out parts[i])) return false;
                i++;
            }
            key = new StoredKey(kind, 0, parts);
            return true;
        }
        if (IsNumeric(kind))
        {
            if (json.ValueKind != JsonValueKind.Number || !InRange(json, kind) || !json.TryGetDecimal(out var number)) return false;
            key = new StoredKey(kind, number, null);
            return true;
        }
        if (json.ValueKind != JsonValueKind.String) return false;
        object? value = kind switch
        {
            KeyKind.Guid when json.TryGetGuid(out var g) => g,
            KeyKind.String when json.GetString() is { Length: > 0 } s => s,
            KeyKind.Char when json.GetString() is { Length: 1 } c && !char.IsSurrogate(c[0]) => c[0],
            KeyKind.DateTime => Read<DateTime>(json),
            KeyKind.DateTimeOffset when json.TryGetDateTimeOffset(out var o) => o,
            KeyKind.DateOnly => Read<DateOnly>(json),
            KeyKind.Bytes when json.TryGetBytesFromBase64(out var b) => b,
            _ => null,
        };
        if (value is null) return false;
        key = new StoredKey(kind, 0, value);
        return true;
    }

    /// <summary>Whether a JSON number is an integer in the key type's range (enums: any 64-bit integer; decimals: any).</summary>
    private static bool InRange(JsonElement json, KeyKind kind) => kind switch
    {
        KeyKind.Int32 => json.TryGetInt32(out _),
        KeyKind.Int64 => json.TryGetInt64(out _),
        KeyKind.Byte => json.TryGetByte(out _),
        KeyKind.SByte => json.TryGetSByte(out _),
        KeyKind.Int16 => json.TryGetInt16(out _),
        KeyKind.UInt16 => json.TryGetUInt16(out _),
        KeyKind.UInt32 => json.TryGetUInt32(out _),
        KeyKind.UInt64 => json.TryGetUInt64(out _),
        KeyKind.Enum => json.TryGetInt64(out _) || json.TryGetUInt64(out _),
        _ => true,
    };

    private static object? Read<TValue>(JsonElement json) where TValue : struct
    {
        try
        {
            return json.Deserialize<TValue>(KeyCodec<TValue>.JsonOptions);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Reads a key from JSON bytes (a WAL operation's key, a chunk header's bound); false if invalid.</summary>
    public static bool TryFrom(ReadOnlySpan<byte> json, StoredKeyType type, out StoredKey key)
    {
        key = default;
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            return TryFrom(document.RootElement, type, out key); // every part is copied out of the document
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Whether this is the "assign me one" value the engine never stores (integer 0, the empty Guid).</summary>
    public bool IsUnassigned => Kind == KeyKind.Guid ? (Guid)_value! == Guid.Empty : KeyKinds.IsInteger(Kind) && _number == 0;

    /// <summary>The numeric value of an integer key for the next-key counter, else null (also for a ulong above long.MaxValue, as the engine).</summary>
    public long? Number => KeyKinds.IsInteger(Kind) && _number <= long.MaxValue ? (long)_number : null;

    /// <summary>The key's JSON, byte for byte as the engine writes it (<c>JsonSerializer.SerializeToUtf8Bytes(key)</c>).</summary>
    public byte[] ToJson() => Kind == KeyKind.Composite
        ? CompositeJson()
        : IsNumeric(Kind)
        ? JsonSerializer.SerializeToUtf8Bytes(_number, ZgJson.Default)
        : _value switch
        {
            DateTime d => JsonSerializer.SerializeToUtf8Bytes(d, KeyCodec<DateTime>.JsonOptions),
            var v => JsonSerializer.SerializeToUtf8Bytes(v, v!.GetType(), ZgJson.Default),
        };

    private StoredKey[] Parts => (StoredKey[])_value!;

    private byte[] CompositeJson()
    {
        var json = new List<byte> { (byte)'[' };
        foreach (var part in Parts)
        {
            if (json.Count > 1) json.Add((byte)',');
            json.AddRange(part.ToJson());
        }
        json.Add((byte)']');
        return [.. json];
    }

    public JsonElement ToJsonElement() => JsonDocument.Parse(ToJson()).RootElement.Clone();

    public int CompareTo(StoredKey other) => Kind == KeyKind.Composite
        ? CompareParts(other)
        : IsNumeric(Kind)
        ? _number.CompareTo(other._number)
        : KeyOrder.Compare(_value, other._value);

    private int CompareParts(StoredKey other)
    {
        if (_value is not StoredKey[] mine || other._value is not StoredKey[] theirs) return (_value is null ? 0 : 1) - (other._value is null ? 0 : 1);
        for (int i = 0; i < Math.Min(mine.Length, theirs.Length); i++)
            if (mine[i].CompareTo(theirs[i]) is var c and not 0) return c;
        return mine.Length.CompareTo(theirs.Length);
    }

    public bool Equals(StoredKey other) => CompareTo(other) == 0;
    public override bool Equals(object? obj) => obj is StoredKey other && Equals(other);
    public override int GetHashCode() => IsNumeric(Kind)
        ? _number.GetHashCode()
        : _value switch
        {
            null => 0,
            StoredKey[] parts => parts.Aggregate(17, (h, p) => HashCode.Combine(h, p.GetHashCode())),
            string s => StringComparer.Ordinal.GetHashCode(s),
            byte[] b => KeyKinds.HashBytes(b),
            var v => v.GetHashCode(),
        };

    /// <summary>As the engine's messages print keys: numbers bare, everything else quoted.</summary>
    public override string ToString() => IsNumeric(Kind)
        ? _number.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : _value switch
        {
            StoredKey[] parts => "(" + string.Join(", ", parts.Select(p => p.ToString())) + ")",
            byte[] b => $"'0x{Convert.ToHexString(b)}'",
            DateTime d => $"'{d:O}'",
            DateTimeOffset o => $"'{o:O}'",
            DateOnly d => $"'{d:yyyy-MM-dd}'",
            var v => $"'{v}'",
        };

    public static bool operator <(StoredKey a, StoredKey b) => a.CompareTo(b) < 0;
    public static bool operator >(StoredKey a, StoredKey b) => a.CompareTo(b) > 0;
    public static bool operator <=(StoredKey a, StoredKey b) => a.CompareTo(b) <= 0;
    public static bool operator >=(StoredKey a, StoredKey b) => a.CompareTo(b) >= 0;
    public static bool operator ==(StoredKey a, StoredKey b) => a.Equals(b);
    public static bool operator !=(StoredKey a, StoredKey b) => !a.Equals(b);
}

/// <summary>
/// What a stored key is, read from the stored model: its kind and, for a composite key, each part's kind in key order.
/// A plain <see cref="KeyKind"/> converts to the type of a single key of that kind.
/// </summary>
internal sealed record StoredKeyType(KeyKind Kind, KeyKind[] Parts)
{
    public static implicit operator StoredKeyType(KeyKind kind) => new(kind, []);

    /// <summary>The key type of a stored entity's key (<paramref name="kind"/> parsed from it), or null when a composite key's parts are unreadable.</summary>
    public static StoredKeyType? Of(KeyKind kind, StoredEntity? entity)
    {
        if (kind != KeyKind.Composite) return kind;
        var parts = new List<KeyKind>();
        foreach (var part in entity?.KeyParts ?? [])
        {
            if (!Enum.TryParse<KeyKind>(part, out var partKind) || partKind == KeyKind.Composite) return null;
            parts.Add(partKind);
        }
        return parts.Count > 1 && parts.Count == entity!.Key.Split(',').Length ? new StoredKeyType(kind, [.. parts]) : null;
    }

    public bool Equals(StoredKeyType? other) => other is not null && Kind == other.Kind && Parts.SequenceEqual(other.Parts);
    public override int GetHashCode() => HashCode.Combine(Kind, Parts.Length);

    /// <summary><c>Int32</c>, or <c>Composite(Int32, UInt32)</c>.</summary>
    public override string ToString() => Kind == KeyKind.Composite ? $"Composite({string.Join(", ", Parts)})" : Kind.ToString();
}

/// <summary>One stored document as its JSON bytes (exactly as in the chunk or WAL record) and its key.</summary>
internal sealed record RawDocument(StoredKey Key, ReadOnlyMemory<byte> Json)
{
    /// <summary>Parses the document (for filters and checks).</summary>
    public JsonDocument Parse() => JsonDocument.Parse(Json);
}

/// <summary>Where a check found something wrong: the file and offset, and the collection and key if known.</summary>
internal sealed record InspectionProblem(string File, long Offset, string? Collection, string? Key, string Message, bool IsWarning = false)
{
    public override string ToString() =>
        $"{(IsWarning ? "warning" : "error")}: {File}" + (Offset >= 0 ? $" @{Offset}" : "")
        + (Collection is null ? "" : $" [{Collection}" + (Key is null ? "]" : $" key {Key}]")) + ": " + Message;
}

/// <summary>Reports the progress of long work (the tool shows it as a bar; tests ignore it).</summary>
internal interface IWorkProgress
{
    IWorkTask Start(string description, long total);
}

/// <summary>One bar of <see cref="IWorkProgress"/>.</summary>
internal interface IWorkTask
{
    void Advance(long amount);
}

internal sealed class NoProgress : IWorkProgress, IWorkTask
{
    public static readonly NoProgress Instance = new();
    public IWorkTask Start(string description, long total) => this;
    public void Advance(long amount) { }
}
