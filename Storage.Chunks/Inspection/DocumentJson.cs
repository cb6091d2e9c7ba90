using System.Text.Json;

namespace ZgDb.Storage.Inspection;

/// <summary>Byte-level helpers over stored JSON: split a chunk's array into documents, read a document's key.</summary>
internal static class DocumentJson
{
    /// <summary>The elements of a JSON array as slices of <paramref name="array"/>. Throws <see cref="JsonException"/> if it is not an array.</summary>
    public static List<ReadOnlyMemory<byte>> SplitArray(ReadOnlyMemory<byte> array)
    {
        var reader = new Utf8JsonReader(array.Span, new JsonReaderOptions { MaxDepth = 64 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            throw new JsonException("the body is not a JSON array.");
        var items = new List<ReadOnlyMemory<byte>>();
        while (true)
        {
            if (!reader.Read()) throw new JsonException("the array is not closed.");
            if (reader.TokenType == JsonTokenType.EndArray) break;
            long start = reader.TokenStartIndex;
            reader.Skip();
            items.Add(array.Slice((int)start, (int)(reader.BytesConsumed - start)));
        }
        if (reader.Read()) throw new JsonException("bytes follow the array.");
        return items;
    }

    /// <summary>
    /// The key of a document: its top-level property <paramref name="keyProperty"/>, read as <paramref name="kind"/>;
    /// for a composite key, the properties <paramref name="keyProperty"/> names with commas (<c>OrderId,ProductId</c>).
    /// </summary>
    public static bool TryReadKey(ReadOnlySpan<byte> document, string keyProperty, StoredKeyType kind, out StoredKey key)
    {
        key = default;
        if (kind.Kind == KeyKind.Composite)
        {
            try
            {
                using var parsed = JsonDocument.Parse(document.ToArray(), new JsonDocumentOptions { MaxDepth = 64 });
                return TryReadKey(parsed.RootElement, keyProperty, kind, out key);
            }
            catch (JsonException)
            {
                return false;
            }
        }
        try
        {
            var reader = new Utf8JsonReader(document, new JsonReaderOptions { MaxDepth = 64 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool match = reader.ValueTextEquals(keyProperty);
                reader.Read();
                if (match)
                {
                    using var value = JsonDocument.ParseValue(ref reader);
                    return StoredKey.TryFrom(value.RootElement, kind, out key);
                }
                reader.Skip();
            }
            return false;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>
    /// The key (or a foreign key) a parsed document holds under <paramref name="properties"/> (one name, or a composite
    /// key's names joined with commas): false when a property is missing, null or not a valid key of its kind.
    /// </summary>
    public static bool TryReadKey(JsonElement document, string properties, StoredKeyType kind, out StoredKey key)
    {
        key = default;
        if (document.ValueKind != JsonValueKind.Object) return false;
        if (kind.Kind != KeyKind.Composite)
            return document.TryGetProperty(properties, out var single) && StoredKey.TryFrom(single, kind, out key);
        var names = properties.Split(',');
        if (names.Length != kind.Parts.Length) return false;
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var name in names)
            {
                if (!document.TryGetProperty(name, out var part) || part.ValueKind == JsonValueKind.Null) return false;
                part.WriteTo(writer);
            }
            writer.WriteEndArray();
        }
        return StoredKey.TryFrom(buffer.WrittenSpan, kind, out key);
    }

    /// <summary>Whether a document's foreign key <paramref name="properties"/> is null: missing or null (for a composite foreign key: any part, as EF Core).</summary>
    public static bool IsNullReference(JsonElement document, string properties) =>
        properties.Split(',').Any(name => !document.TryGetProperty(name, out var part) || part.ValueKind == JsonValueKind.Null);

    /// <summary>A foreign key's values as a message shows them: the JSON of the property, or of each part joined with commas.</summary>
    public static string ReferenceText(JsonElement document, string properties) =>
        string.Join(", ", properties.Split(',').Select(name => document.TryGetProperty(name, out var part) ? part.GetRawText() : "null"));

    /// <summary>Builds a chunk body: the documents' JSON joined into one array.</summary>
    public static byte[] JoinArray(IReadOnlyList<RawDocument> documents)
    {
        int length = 2 + Math.Max(0, documents.Count - 1);
        foreach (var d in documents) length += d.Json.Length;
        var raw = new byte[length];
        int at = 0;
        raw[at++] = (byte)'[';
        for (int i = 0; i < documents.Count; i++)
        {
            if (i > 0) raw[at++] = (byte)',';
            documents[i].Json.Span.CopyTo(raw.AsSpan(at));
            at += documents[i].Json.Length;
        }
        raw[at] = (byte)']';
        return raw;
    }

    /// <summary>The JSON on one line (stored JSON is already compact; this only rewrites the rare document that is not).</summary>
    public static ReadOnlyMemory<byte> OneLine(ReadOnlyMemory<byte> json)
    {
        if (json.Span.IndexOfAny((byte)'\n', (byte)'\r') < 0) return json;
        using var document = JsonDocument.Parse(json);
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(json.Length);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            document.RootElement.WriteTo(writer);
        return buffer.WrittenMemory;
    }
}
