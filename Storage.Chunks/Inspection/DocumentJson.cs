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

    /// <summary>The key of a document: its top-level property <paramref name="keyProperty"/>, read as <paramref name="kind"/>.</summary>
    public static bool TryReadKey(ReadOnlySpan<byte> document, string keyProperty, KeyKind kind, out StoredKey key)
    {
        key = default;
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
