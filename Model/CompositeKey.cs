using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ZgDb;

/// <summary>
/// The value of a composite primary key (<c>HasKey(x =&gt; new { x.OrderId, x.ProductId })</c>): its parts in the
/// key's order, each of its part's CLR type. Keys order lexicographically by part, each part as a single key of its
/// kind orders (strings ordinally, byte arrays by content, everything else by its own comparer). Immutable.
/// </summary>
/// <remarks>
/// A key with fewer parts than the entity's key (a prefix, used only as a range bound) compares equal to every key
/// that starts with it: <c>(10248)</c> is a lower and an upper bound of every key <c>(10248, x)</c>. Equality and
/// hashing (<see cref="Equals(CompositeKey?)"/>) need every part. The JSON form is an array of the parts' JSON
/// (<c>[10248,11]</c>).
/// </remarks>
[JsonConverter(typeof(CompositeKeyJsonConverter))]
public sealed class CompositeKey : IComparable<CompositeKey>, IComparable, IEquatable<CompositeKey>
{
    private readonly object[] _parts;

    /// <summary>A key of the given parts, in the key's order. Parts must not be null.</summary>
    /// <exception cref="ArgumentException">No part, or a null part.</exception>
    public CompositeKey(params object[] parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Length == 0) throw new ArgumentException("a composite key has at least one part.", nameof(parts));
        for (int i = 0; i < parts.Length; i++)
            if (parts[i] is null) throw new ArgumentException($"part {i} of a composite key is null; key parts are never null.", nameof(parts));
        _parts = (object[])parts.Clone();
    }

    /// <summary>The parts, in the key's order.</summary>
    public IReadOnlyList<object> Parts => _parts;

    /// <summary>The number of parts.</summary>
    public int Count => _parts.Length;

    /// <summary>Compares part by part; a shorter key (a prefix) equals every key it starts.</summary>
    public int CompareTo(CompositeKey? other)
    {
        if (other is null) return 1;
        int n = Math.Min(_parts.Length, other._parts.Length);
        for (int i = 0; i < n; i++)
        {
            int c = ComparePart(_parts[i], other._parts[i]);
            if (c != 0) return c;
        }
        return 0;
    }

    int IComparable.CompareTo(object? obj) => CompareTo(obj as CompositeKey);

    /// <summary>Orders two parts of one key position as a single key of their kind orders.</summary>
    internal static int ComparePart(object a, object b) => (a, b) switch
    {
        (string x, string y) => string.CompareOrdinal(x, y),
        (byte[] x, byte[] y) => KeyKinds.CompareBytes(x, y),
        _ => Comparer<object>.Default.Compare(a, b),
    };

    /// <inheritdoc />
    public bool Equals(CompositeKey? other)
    {
        if (other is null || other._parts.Length != _parts.Length) return false;
        for (int i = 0; i < _parts.Length; i++)
            if (ComparePart(_parts[i], other._parts[i]) != 0) return false;
        return true;
    }

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as CompositeKey);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var part in _parts)
            hash.Add(part switch
            {
                string s => StringComparer.Ordinal.GetHashCode(s),
                byte[] b => KeyKinds.HashBytes(b),
                var v => v.GetHashCode(),
            });
        return hash.ToHashCode();
    }

    /// <summary>As messages print keys: <c>(10248, 11)</c>, strings quoted.</summary>
    public override string ToString() => "(" + string.Join(", ", _parts.Select(FormatPart)) + ")";

    private static string FormatPart(object part) => part switch
    {
        string s => $"'{s}'",
        char c => $"'{c}'",
        byte[] b => $"0x{Convert.ToHexString(b)}",
        DateTime or DateTimeOffset => $"'{((IFormattable)part).ToString("O", CultureInfo.InvariantCulture)}'",
        DateOnly d => $"'{d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}'",
        IFormattable f and not Enum => f.ToString(null, CultureInfo.InvariantCulture),
        _ => part.ToString() ?? "",
    };

    /// <summary>Equal keys (every part equal).</summary>
    public static bool operator ==(CompositeKey? a, CompositeKey? b) => a is null ? b is null : a.Equals(b);

    /// <summary>Keys that differ in a part.</summary>
    public static bool operator !=(CompositeKey? a, CompositeKey? b) => !(a == b);

    /// <summary>Orders keys (see <see cref="CompareTo(CompositeKey?)"/>).</summary>
    public static bool operator <(CompositeKey? a, CompositeKey? b) => Comparer<CompositeKey>.Default.Compare(a, b) < 0;

    /// <summary>Orders keys (see <see cref="CompareTo(CompositeKey?)"/>).</summary>
    public static bool operator >(CompositeKey? a, CompositeKey? b) => Comparer<CompositeKey>.Default.Compare(a, b) > 0;

    /// <summary>Orders keys (see <see cref="CompareTo(CompositeKey?)"/>).</summary>
    public static bool operator <=(CompositeKey? a, CompositeKey? b) => Comparer<CompositeKey>.Default.Compare(a, b) <= 0;

    /// <summary>Orders keys (see <see cref="CompareTo(CompositeKey?)"/>).</summary>
    public static bool operator >=(CompositeKey? a, CompositeKey? b) => Comparer<CompositeKey>.Default.Compare(a, b) >= 0;
}

/// <summary>
/// Writes a <see cref="CompositeKey"/> as a JSON array of its parts, each written as its own type with the caller's
/// options. Reading needs the parts' types, which only the entity knows: the engine reads keys through its key codec.
/// </summary>
internal sealed class CompositeKeyJsonConverter : JsonConverter<CompositeKey>
{
    public override CompositeKey Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new JsonException("a composite key is read with its entity's part types (KeyCodec), not on its own.");

    public override void Write(Utf8JsonWriter writer, CompositeKey value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var part in value.Parts) JsonSerializer.Serialize(writer, part, part.GetType(), options);
        writer.WriteEndArray();
    }
}
