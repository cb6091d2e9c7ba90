using System.Reflection;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace ZgDb.Storage.Documents;

/// <summary>
/// The JSON form of documents (System.Text.Json): exactly the model's stored properties, by their C# names, numbers
/// and enums as numbers, NaN and infinities as named literals, <see cref="DateTime"/> through
/// <see cref="DateTimeClockConverter"/> (a Local value reads back as the same clock reading in any time zone). One
/// instance per model; thread-safe.
/// </summary>
internal sealed class DocumentSerializer
{
    public DocumentSerializer(DatabaseModel model)
    {
        var stored = new Dictionary<Type, IReadOnlyList<EntityProperty>>();
        var hierarchies = new Dictionary<Type, EntityType>();
        foreach (var entity in model.Entities)
        {
            Collect(entity.ClrType, entity.Properties, stored);
            if (!entity.HasHierarchy) continue;
            hierarchies[entity.ClrType] = entity;
            foreach (var derived in entity.DerivedTypes) Collect(derived.ClrType, derived.Properties, stored);
        }
        var resolver = new DefaultJsonTypeInfoResolver();
        resolver.Modifiers.Add(info =>
        {
            if (hierarchies.TryGetValue(info.Type, out var root)) info.PolymorphismOptions = Polymorphism(root);
            if (info.Kind != JsonTypeInfoKind.Object || !stored.TryGetValue(info.Type, out var properties)) return;
            // Kept by the C# member they read, so an unmapped member whose JSON name is a stored one never stands in for it.
            for (int i = info.Properties.Count - 1; i >= 0; i--)
                if (info.Properties[i].AttributeProvider is not PropertyInfo member || properties.All(p => p.Name != member.Name))
                    info.Properties.RemoveAt(i);
            foreach (var property in properties)
                if (info.Properties.Count(p => p.Name == property.Name) != 1)
                    throw new InvalidOperationException($"the JSON contract of {info.Type.Name} does not hold the stored property {property.Name} under its C# name (ModelFactory refuses the attributes that rename or skip one).");
            // ZgDb's own [Required] / IsRequired() are checked on write; a C# 'required' member must not make a document
            // stored before the member existed unreadable.
            foreach (var property in info.Properties) property.IsRequired = false;
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
            // a hierarchy's discriminator is written first, but a document imported or edited by hand may have it anywhere
            AllowOutOfOrderMetadataProperties = true,
        };
        Options.Converters.Add(new DateTimeClockConverter()); // same ticks and kind under any time zone, as the indexes hold
        Options.MakeReadOnly(populateMissingResolver: true);
        _strict = new Lazy<JsonSerializerOptions>(() =>
        {
            var strict = new JsonSerializerOptions(Options);
            strict.Converters.Add(new ValidUtf16StringConverter());
            strict.Converters.Add(new ValidUtf16CharConverter());
            strict.MakeReadOnly();
            return strict;
        });
    }

    public JsonSerializerOptions Options { get; }

    /// <summary><see cref="Options"/> plus a string converter that refuses lone surrogates (used only to find them).</summary>
    private readonly Lazy<JsonSerializerOptions> _strict;

    /// <summary>The index of the first lone UTF-16 surrogate in <paramref name="text"/>, or -1.</summary>
    public static int InvalidUtf16At(string text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (!char.IsSurrogate(text[i])) continue;
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) i++;
            else return i;
        }
        return -1;
    }

    private sealed class ValidUtf16StringConverter : JsonConverter<string>
    {
        public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetString();

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
        {
            if (InvalidUtf16At(value) is var bad and >= 0)
                throw new ArgumentException($"a string holds a lone UTF-16 surrogate (U+{(int)value[bad]:X4} at index {bad}), which cannot be stored exactly.");
            writer.WriteStringValue(value);
        }
    }

    /// <summary>A <see cref="char"/> is one UTF-16 code unit: a surrogate on its own cannot be stored exactly (it would read back as U+FFFD).</summary>
    private sealed class ValidUtf16CharConverter : JsonConverter<char>
    {
        public override char Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.GetString() is [var c] ? c : throw new JsonException("a char must be a string of one character.");

        public override void Write(Utf8JsonWriter writer, char value, JsonSerializerOptions options)
        {
            if (char.IsSurrogate(value))
                throw new ArgumentException($"a char holds a lone UTF-16 surrogate (U+{(int)value:X4}), which cannot be stored exactly.");
            writer.WriteStringValue(value.ToString());
        }
    }

    /// <summary>
    /// A hierarchy's documents (table-per-hierarchy): the discriminator property names the concrete type; a document
    /// without one (stored before the hierarchy existed) reads as the root type.
    /// </summary>
    private static JsonPolymorphismOptions Polymorphism(EntityType root)
    {
        var options = new JsonPolymorphismOptions
        {
            TypeDiscriminatorPropertyName = root.Discriminator!,
            UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization,
            IgnoreUnrecognizedTypeDiscriminators = false,
        };
        if (root.DiscriminatorValue is { } own) options.DerivedTypes.Add(new JsonDerivedType(root.ClrType, own));
        foreach (var derived in root.DerivedTypes.Where(d => d.DiscriminatorValue is not null))
            options.DerivedTypes.Add(new JsonDerivedType(derived.ClrType, derived.DiscriminatorValue!));
        return options;
    }

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
            var json = JsonSerializer.SerializeToUtf8Bytes(document, Options);
            // The encoder writes a lone surrogate as U+FFFD, silently. Only then (rarely) check every string.
            if (json.AsSpan().IndexOf("\uFFFD"u8) >= 0 || json.AsSpan().IndexOf("\\uFFFD"u8) >= 0)
                JsonSerializer.SerializeToUtf8Bytes(document, _strict.Value);
            return json;
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException or NotSupportedException)
        {
            throw new ZgDbValidationException(collection, $"the document cannot be stored as JSON: {e.Message}");
        }
    }

    public T Deserialize<T>(ReadOnlySpan<byte> json) => JsonSerializer.Deserialize<T>(json, Options)
        ?? throw new JsonException("a document is the JSON null.");
}
