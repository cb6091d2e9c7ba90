using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace ZgDb.Storage.Documents;

/// <summary>
/// The JSON form of documents (System.Text.Json): exactly the model's stored properties, by their C# names, numbers
/// and enums as numbers, NaN and infinities as named literals. One instance per model; thread-safe.
/// </summary>
internal sealed class DocumentSerializer
{
    public DocumentSerializer(DatabaseModel model)
    {
        var stored = new Dictionary<Type, HashSet<string>>();
        foreach (var entity in model.Entities)
            Collect(entity.ClrType, entity.Properties, stored);
        var resolver = new DefaultJsonTypeInfoResolver();
        resolver.Modifiers.Add(info =>
        {
            if (info.Kind != JsonTypeInfoKind.Object || !stored.TryGetValue(info.Type, out var names)) return;
            for (int i = info.Properties.Count - 1; i >= 0; i--)
                if (!names.Contains(info.Properties[i].Name)) info.Properties.RemoveAt(i);
        });
        Options = new JsonSerializerOptions
        {
            TypeInfoResolver = resolver,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            PropertyNamingPolicy = null,
            PropertyNameCaseInsensitive = false,
            ReadCommentHandling = JsonCommentHandling.Disallow,
            MaxDepth = 64,
        };
        Options.MakeReadOnly(populateMissingResolver: true);
    }

    public JsonSerializerOptions Options { get; }

    private static void Collect(Type type, IReadOnlyList<EntityProperty> properties, Dictionary<Type, HashSet<string>> stored)
    {
        if (stored.ContainsKey(type)) return;
        stored[type] = properties.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var p in properties)
            if (p.Shape != PropertyShape.Scalar && p.NestedProperties.Count > 0)
                Collect(p.ValueType, p.NestedProperties, stored);
    }

    /// <summary>Serializes one document; a cycle, invalid text or an unserializable value is a validation error.</summary>
    public byte[] Serialize<T>(T document, string collection)
    {
        try
        {
            return JsonSerializer.SerializeToUtf8Bytes(document, Options);
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException or NotSupportedException)
        {
            throw new ZgDbValidationException(collection, $"the document cannot be stored as JSON: {e.Message}");
        }
    }

    public T Deserialize<T>(ReadOnlySpan<byte> json) => JsonSerializer.Deserialize<T>(json, Options)
        ?? throw new JsonException("a document is the JSON null.");
}
