using System.Globalization;
using System.Text.Json;

namespace ZgDb.Storage.Inspection;

/// <summary>
/// Checks a document (as JSON) against the stored model's entity: a JSON object, only stored properties, each of
/// its stored type (the names of <see cref="StoredModel.TypeName"/>), required ones present and not null, maximum
/// lengths, nested classes and lists recursively. What <c>zgdb import</c> accepts.
/// </summary>
internal static class ModelChecker
{
    /// <summary>Null if the document fits the entity, else what is wrong (naming the property path).</summary>
    public static string? Check(JsonElement document, StoredEntity entity)
    {
        if (document.ValueKind != JsonValueKind.Object) return $"the document is a JSON {document.ValueKind}, not an object.";
        if (entity.Discriminator is not { } discriminator) return CheckObject(document, entity.Properties, "", entity.Key, null);
        // A hierarchy: the discriminator (a string) names the document's type, whose properties it may hold.
        string? value = null;
        if (document.TryGetProperty(discriminator, out var named))
        {
            if (named.ValueKind != JsonValueKind.String) return $"property '{discriminator}' is the discriminator and must be a string naming the document's type, not {named.ValueKind}.";
            value = named.GetString();
        }
        else if (entity.DiscriminatorValue is null)
            return $"property '{discriminator}' (the discriminator) is missing; it names the document's type: {KnownValues(entity)}.";
        var properties = entity.PropertiesFor(value ?? entity.DiscriminatorValue);
        if (properties is null) return $"the discriminator '{value}' names no type of the stored model: {KnownValues(entity)}.";
        return CheckObject(document, properties, "", entity.Key, discriminator);
    }

    private static string KnownValues(StoredEntity entity) =>
        string.Join(", ", (entity.DerivedTypes ?? []).Select(d => d.DiscriminatorValue).Prepend(entity.DiscriminatorValue).OfType<string>().Select(v => $"'{v}'"));

    private static string? CheckObject(JsonElement value, List<StoredProperty> properties, string path, string? key, string? discriminator)
    {
        foreach (var property in value.EnumerateObject())
        {
            if (property.Name != discriminator && !properties.Any(p => p.Name == property.Name))
                return $"property '{path}{property.Name}' is not in the stored model.";
        }
        foreach (var property in properties)
        {
            var name = path + property.Name;
            bool present = value.TryGetProperty(property.Name, out var item) && item.ValueKind != JsonValueKind.Null;
            if (!present)
            {
                if (property.Required || property.Name == key) return $"property '{name}' is required but is {(value.TryGetProperty(property.Name, out _) ? "null" : "missing")}.";
                if (value.TryGetProperty(property.Name, out _) && !IsNullable(property.Type))
                    return $"property '{name}' is a {property.Type} and cannot be null.";
                continue;
            }
            if (CheckValue(item, property.Type, property.Nested, name) is { } error) return error;
            if (property.MaxLength is { } max)
            {
                int length = item.ValueKind == JsonValueKind.String ? item.GetString()!.Length : item.ValueKind == JsonValueKind.Array ? item.GetArrayLength() : 0;
                if (length > max) return $"property '{name}' is {length} long, over its maximum length of {max}.";
            }
        }
        return null;
    }

    private static bool IsNullable(string type) => type.EndsWith('?') || type is "string" or "bytes" || type.StartsWith("list<", StringComparison.Ordinal) || !IsKnownScalar(type);

    private static bool IsKnownScalar(string type) => type.TrimEnd('?') is "int32" or "int64" or "int16" or "byte" or "sbyte" or "uint16" or "uint32" or "uint64"
        or "double" or "single" or "decimal" or "boolean" or "char" or "DateTime" or "DateTimeOffset" or "DateOnly" or "TimeOnly" or "TimeSpan" or "Guid"
        || type.StartsWith("enum:", StringComparison.Ordinal);

    private static string? CheckValue(JsonElement value, string type, List<StoredProperty>? nested, string name)
    {
        if (value.ValueKind == JsonValueKind.Null) return IsNullable(type) ? null : $"'{name}' is a {type} and cannot be null.";
        type = type.TrimEnd('?');
        if (type.StartsWith("list<", StringComparison.Ordinal))
        {
            if (value.ValueKind != JsonValueKind.Array) return $"'{name}' should be a JSON array ({type}), not {value.ValueKind}.";
            var element = type[5..^1];
            int i = 0;
            foreach (var item in value.EnumerateArray())
                if (CheckValue(item, element, nested, $"{name}[{i++}]") is { } error) return error;
            return null;
        }
        bool ok = type switch
        {
            "int32" => value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out _),
            "int64" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
            "int16" => value.ValueKind == JsonValueKind.Number && value.TryGetInt16(out _),
            "byte" => value.ValueKind == JsonValueKind.Number && value.TryGetByte(out _),
            "sbyte" => value.ValueKind == JsonValueKind.Number && value.TryGetSByte(out _),
            "uint16" => value.ValueKind == JsonValueKind.Number && value.TryGetUInt16(out _),
            "uint32" => value.ValueKind == JsonValueKind.Number && value.TryGetUInt32(out _),
            "uint64" => value.ValueKind == JsonValueKind.Number && value.TryGetUInt64(out _),
            "decimal" => value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out _),
            "double" or "single" => value.ValueKind == JsonValueKind.Number || value.ValueKind == JsonValueKind.String && value.GetString() is "NaN" or "Infinity" or "-Infinity",
            "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            "char" => value.ValueKind == JsonValueKind.String && value.GetString()!.Length == 1,
            "string" => value.ValueKind == JsonValueKind.String,
            "bytes" => value.ValueKind == JsonValueKind.String && value.TryGetBytesFromBase64(out _),
            "Guid" => value.ValueKind == JsonValueKind.String && value.TryGetGuid(out _),
            "DateTime" => value.ValueKind == JsonValueKind.String && value.TryGetDateTime(out _),
            "DateTimeOffset" => value.ValueKind == JsonValueKind.String && value.TryGetDateTimeOffset(out _),
            "DateOnly" => value.ValueKind == JsonValueKind.String && DateOnly.TryParseExact(value.GetString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
            "TimeOnly" or "TimeSpan" => value.ValueKind == JsonValueKind.String,
            _ when type.StartsWith("enum:", StringComparison.Ordinal) => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
            _ when nested is not null => value.ValueKind == JsonValueKind.Object,
            _ => true, // a type this tool does not know: accepted as stored
        };
        if (!ok) return $"'{name}' = {Shorten(value.GetRawText())} is not a valid {type}.";
        if (nested is not null && value.ValueKind == JsonValueKind.Object) return CheckObject(value, nested, name + ".", null, null);
        return null;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";
}
