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
        var stored = new Dictionary<Type, IReadOnlyList<EntityProperty>>();
        foreach (var entity in model.Entities)
            Collect(entity.ClrType, entity.Properties, stored);
        var resolver = new DefaultJsonTypeInfoResolver();
        resolver.Modifiers.Add(info =>
        {
            if (info.Kind != JsonTypeInfoKind.Object || !stored.TryGetValue(info.Type, out var properties)) return;
            for (int i = info.Properties.Count - 1; i >= 0; i--)
                if (properties.All(p => p.Name != info.Properties[i].Name)) info.Properties.RemoveAt(i);
            // A renamed property (HasFormerName) also reads under its former names; it is written under the new one.
            foreach (var property in properties.Where(p => p.FormerNames.Count > 0))
            {
                var current = info.Properties.First(p => p.Name == property.Name);
                foreach (var former in property.FormerNames)
                {
                    var alias = info.CreateJsonPropertyInfo(current.PropertyType, former);
                    alias.Set = current.Set;
                    alias.Get = null;
                    info.Properties.Add(alias);
                }
            }
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

    private static void Collect(Type type, IReadOnlyList<EntityProperty> properties, Dictionary<Type, IReadOnlyList<EntityProperty>> stored)
    {
        if (stored.ContainsKey(type)) return;
        stored[type] = properties;
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
