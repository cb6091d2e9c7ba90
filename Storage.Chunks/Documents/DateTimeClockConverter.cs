using System.Text.Json;
using System.Text.Json.Serialization;

namespace ZgDb.Storage.Documents;

/// <summary>
/// Reads and writes <see cref="DateTime"/> so that a value reads back with the same <see cref="DateTime.Ticks"/> and
/// <see cref="DateTime.Kind"/> under any time zone, as the indexes store it (ticks and kind).
/// Written as System.Text.Json always wrote it (ISO 8601): <c>Utc</c> with <c>Z</c>, <c>Unspecified</c> with no
/// suffix, <c>Local</c> as the clock reading followed by the writing machine's offset at that moment
/// (<c>2024-03-01T10:00:00+01:00</c>). Read: <c>Z</c> is <c>Utc</c>; no suffix is <c>Unspecified</c>; a value with an
/// offset is <c>Local</c> with the clock reading as written, the offset being only a record of the zone it was
/// written in. System.Text.Json's own reader converted such a value into the reading machine's zone, so after a
/// time-zone change documents and index disagreed; documents written before this converter have the same form and
/// read the same way. Stateless and thread-safe.
/// </summary>
internal sealed class DateTimeClockConverter : JsonConverter<DateTime>
{
    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
            throw new JsonException($"a DateTime is a JSON string, not {reader.TokenType}.");
        if (!HasOffset(ref reader)) return reader.GetDateTime(); // Z: Utc; no suffix: Unspecified
        var written = reader.GetDateTimeOffset();
        return DateTime.SpecifyKind(written.DateTime, DateTimeKind.Local); // the clock reading, not converted
    }

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) => writer.WriteStringValue(value);

    /// <summary>Whether the ISO 8601 text has a numeric offset (<c>+hh:mm</c> or <c>-hh:mm</c> after the time).</summary>
    private static bool HasOffset(ref Utf8JsonReader reader)
    {
        if (reader.ValueIsEscaped || reader.HasValueSequence) return HasOffset(System.Text.Encoding.UTF8.GetBytes(reader.GetString()!));
        return HasOffset(reader.ValueSpan);
    }

    private static bool HasOffset(ReadOnlySpan<byte> text)
    {
        int time = text.IndexOf((byte)'T');
        if (time < 0) return false;
        var rest = text[(time + 1)..];
        return rest.IndexOfAny((byte)'+', (byte)'-') >= 0;
    }
}
