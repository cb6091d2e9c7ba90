using System.Text.Json;

namespace ZgDb.Storage.Inspection;

/// <summary>
/// A document key read from the files without the application's types, compared exactly as the engine compares
/// the typed key of its <see cref="ZgDb.KeyKind"/>: numbers by value, Guids as <see cref="Guid.CompareTo(Guid)"/>,
/// strings ordinally.
/// </summary>
internal readonly struct StoredKey : IComparable<StoredKey>, IEquatable<StoredKey>
{
    private readonly long _number;
    private readonly Guid _guid;
    private readonly string? _text;

    private StoredKey(KeyKind kind, long number, Guid guid, string? text)
    {
        Kind = kind;
        _number = number;
        _guid = guid;
        _text = text;
    }

    public KeyKind Kind { get; }

    /// <summary>Reads a key from its JSON form; false if the JSON is not a valid key of <paramref name="kind"/>.</summary>
    public static bool TryFrom(JsonElement json, KeyKind kind, out StoredKey key)
    {
        key = default;
        switch (kind)
        {
            case KeyKind.Int32 when json.ValueKind == JsonValueKind.Number && json.TryGetInt32(out var i):
                key = new StoredKey(kind, i, default, null);
                return true;
            case KeyKind.Int64 when json.ValueKind == JsonValueKind.Number && json.TryGetInt64(out var l):
                key = new StoredKey(kind, l, default, null);
                return true;
            case KeyKind.Guid when json.ValueKind == JsonValueKind.String && json.TryGetGuid(out var g):
                key = new StoredKey(kind, 0, g, null);
                return true;
            case KeyKind.String when json.ValueKind == JsonValueKind.String && json.GetString() is { Length: > 0 } s:
                key = new StoredKey(kind, 0, default, s);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Reads a key from JSON bytes (a WAL operation's key, a chunk header's bound); false if invalid.</summary>
    public static bool TryFrom(ReadOnlySpan<byte> json, KeyKind kind, out StoredKey key)
    {
        key = default;
        try
        {
            var reader = new Utf8JsonReader(json);
            using var document = JsonDocument.ParseValue(ref reader);
            return TryFrom(document.RootElement, kind, out key);
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>Whether this is the "assign me one" value the engine never stores (0, the empty Guid).</summary>
    public bool IsUnassigned => Kind switch
    {
        KeyKind.Int32 or KeyKind.Int64 => _number == 0,
        KeyKind.Guid => _guid == Guid.Empty,
        _ => false,
    };

    /// <summary>The numeric value of an int/long key, else null.</summary>
    public long? Number => Kind is KeyKind.Int32 or KeyKind.Int64 ? _number : null;

    /// <summary>The key's JSON, byte for byte as the engine writes it (<c>JsonSerializer.SerializeToUtf8Bytes(key)</c>).</summary>
    public byte[] ToJson() => Kind switch
    {
        KeyKind.Int32 => JsonSerializer.SerializeToUtf8Bytes((int)_number),
        KeyKind.Int64 => JsonSerializer.SerializeToUtf8Bytes(_number),
        KeyKind.Guid => JsonSerializer.SerializeToUtf8Bytes(_guid),
        _ => JsonSerializer.SerializeToUtf8Bytes(_text),
    };

    public JsonElement ToJsonElement() => JsonDocument.Parse(ToJson()).RootElement.Clone();

    public int CompareTo(StoredKey other) => Kind switch
    {
        KeyKind.Int32 or KeyKind.Int64 => _number.CompareTo(other._number),
        KeyKind.Guid => _guid.CompareTo(other._guid),
        _ => string.CompareOrdinal(_text, other._text),
    };

    public bool Equals(StoredKey other) => CompareTo(other) == 0;
    public override bool Equals(object? obj) => obj is StoredKey other && Equals(other);
    public override int GetHashCode() => Kind switch
    {
        KeyKind.Int32 or KeyKind.Int64 => _number.GetHashCode(),
        KeyKind.Guid => _guid.GetHashCode(),
        _ => StringComparer.Ordinal.GetHashCode(_text ?? ""),
    };

    /// <summary>As the engine's messages print keys: numbers bare, strings and Guids quoted.</summary>
    public override string ToString() => Kind switch
    {
        KeyKind.Int32 or KeyKind.Int64 => _number.ToString(System.Globalization.CultureInfo.InvariantCulture),
        KeyKind.Guid => $"'{_guid}'",
        _ => $"'{_text}'",
    };

    public static bool operator <(StoredKey a, StoredKey b) => a.CompareTo(b) < 0;
    public static bool operator >(StoredKey a, StoredKey b) => a.CompareTo(b) > 0;
    public static bool operator <=(StoredKey a, StoredKey b) => a.CompareTo(b) <= 0;
    public static bool operator >=(StoredKey a, StoredKey b) => a.CompareTo(b) >= 0;
    public static bool operator ==(StoredKey a, StoredKey b) => a.Equals(b);
    public static bool operator !=(StoredKey a, StoredKey b) => !a.Equals(b);
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
