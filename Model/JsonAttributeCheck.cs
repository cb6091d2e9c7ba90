using System.ComponentModel.DataAnnotations.Schema;
using System.Reflection;
using System.Text.Json.Serialization;

namespace ZgDb;

/// <summary>
/// Refuses the System.Text.Json attributes that would make the JSON of a document disagree with the model. ZgDb
/// stores every mapped property under its C# name as the model describes it (indexes, the stored model, the schema
/// diff, verify and the export all assume so); an attribute that renames, skips, reshapes or conditionally drops a
/// value would lose data or store something the rest of the engine cannot read. Checked when the model is built
/// (at open), for entity types and every nested type they store.
/// </summary>
/// <remarks>
/// Accepted because they change nothing stored: <c>[JsonPropertyOrder]</c>, <c>[JsonIgnore(Condition = Never)]</c>,
/// <c>[JsonInclude]</c> on a property ZgDb maps anyway, and every attribute on a member ZgDb does not map
/// (<c>[NotMapped]</c>, <c>Ignore(...)</c>, navigations, get-only properties) except <c>[JsonInclude]</c>, which
/// asks for a value to be stored that ZgDb would not store.
/// </remarks>
internal static class JsonAttributeCheck
{
    private const string Advice = "ZgDb stores each mapped property under its C# name with System.Text.Json's default handling";

    /// <summary>Throws when a mapped property carries an attribute that would change or drop its stored value.</summary>
    public static void CheckProperty(Type owner, PropertyInfo property)
    {
        string? refused = null;
        if (property.GetCustomAttribute<JsonPropertyNameAttribute>() is { } name)
            refused = $"[JsonPropertyName(\"{name.Name}\")] would store it under another name than the model, its indexes and the export use. " +
                $"{Advice}: remove the attribute (the property is stored as '{property.Name}'), or leave the property out with [NotMapped] (or Ignore(...) on an entity).";
        else if (property.GetCustomAttribute<JsonIgnoreAttribute>() is { Condition: not JsonIgnoreCondition.Never } ignore)
            refused = $"[JsonIgnore{(ignore.Condition == JsonIgnoreCondition.Always ? "" : $"(Condition = {ignore.Condition})")}] would " +
                (ignore.Condition == JsonIgnoreCondition.Always ? "never store its value" : "drop some of its values")
                + $" while the model (and its indexes) keep it. {Advice}: to leave the property out use [NotMapped] (or Ignore(...) on an entity), to store it remove [JsonIgnore].";
        else if (property.GetCustomAttribute<JsonConverterAttribute>() is { } converter)
            refused = $"[JsonConverter({converter.ConverterType?.Name})] would store a shape the model does not describe. {Advice}: remove the attribute " +
                "and store a supported type (a string, a number or a nested class), or leave the property out with [NotMapped] (or Ignore(...) on an entity).";
        else if (property.GetCustomAttribute<JsonExtensionDataAttribute>() is not null)
            refused = $"[JsonExtensionData] would store values the model does not describe. {Advice}: remove the attribute, or leave the property out with [NotMapped] (or Ignore(...) on an entity).";
        else if (property.GetCustomAttribute<JsonNumberHandlingAttribute>() is { } numbers)
            refused = $"[JsonNumberHandling({numbers.Handling})] would change how its numbers are stored. {Advice}: remove the attribute.";
        else if (property.GetCustomAttribute<JsonObjectCreationHandlingAttribute>() is { } creation)
            refused = $"[JsonObjectCreationHandling({creation.Handling})] would merge stored values into the object's defaults. {Advice}: remove the attribute.";
        else if (property.GetCustomAttribute<JsonRequiredAttribute>() is not null)
            refused = $"[JsonRequired] would make documents stored before the property existed unreadable. {Advice}: use [Required] or IsRequired() instead.";
        if (refused is not null) throw new ZgDbModelException(owner.Name, property.Name, refused);
        CheckType(owner, property.Name, Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType);
        if (ModelFactory.ElementType(property.PropertyType) is { } element)
            CheckType(owner, property.Name, Nullable.GetUnderlyingType(element) ?? element);
    }

    /// <summary>
    /// Throws when an entity or nested class (or an enum a property stores) carries a type-level attribute that changes
    /// its JSON, or has members System.Text.Json would store that ZgDb does not map.
    /// </summary>
    public static void CheckClass(Type type, Func<PropertyInfo, bool> isMapped)
    {
        CheckType(type, null, type);
        if (type.GetConstructors(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance).FirstOrDefault(c => c.GetCustomAttribute<JsonConstructorAttribute>() is not null) is not null)
            throw new ZgDbModelException(type.Name, null, $"[JsonConstructor] would create it through another constructor than the one ZgDb uses (the public parameterless one, else the only public one, as a positional record's). {Advice}: remove the attribute.");
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance;
        // System.Text.Json resolves names before ZgDb drops the members it does not map: a clash fails every read.
        var publicProperties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance);
        foreach (var property in publicProperties)
            if (property.GetCustomAttribute<JsonPropertyNameAttribute>() is { } renamed
                && publicProperties.FirstOrDefault(p => p != property && (p.Name == renamed.Name || p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name == renamed.Name)) is { } other)
                throw new ZgDbModelException(type.Name, property.Name, $"[JsonPropertyName(\"{renamed.Name}\")] gives it the JSON name of {other.Name}, " +
                    "so no document of the type could be read or written. Remove the attribute.");
        foreach (var property in type.GetProperties(all))
            if (property.GetCustomAttribute<JsonIncludeAttribute>() is not null && property.GetCustomAttribute<NotMappedAttribute>() is null && !isMapped(property))
                throw new ZgDbModelException(type.Name, property.Name, "[JsonInclude] asks for a property to be stored that ZgDb does not map (it stores " +
                    "properties with a public getter and setter): make its getter and setter public, or remove [JsonInclude] (add [NotMapped] to make it explicit).");
        foreach (var field in type.GetFields(all))
            if (field.GetCustomAttribute<JsonIncludeAttribute>() is not null)
                throw new ZgDbModelException(type.Name, field.Name, "[JsonInclude] on a field asks for it to be stored, but ZgDb stores only properties " +
                    "(with a public getter and setter): turn the field into such a property, or remove [JsonInclude].");
            else if (field.GetCustomAttribute<JsonExtensionDataAttribute>() is not null)
                throw new ZgDbModelException(type.Name, field.Name, $"[JsonExtensionData] would store values the model does not describe. {Advice}: remove the attribute.");
    }

    private static void CheckType(Type owner, string? property, Type type)
    {
        string? refused = null;
        if (type.GetCustomAttribute<JsonConverterAttribute>() is { } converter)
            refused = $"[JsonConverter({converter.ConverterType?.Name})] on {type.Name} would store a shape the model does not describe (an enum is stored as its number)";
        else if (type.GetCustomAttribute<JsonPolymorphicAttribute>() is not null || type.GetCustomAttribute<JsonDerivedTypeAttribute>() is not null)
            refused = $"[JsonPolymorphic] / [JsonDerivedType] on {type.Name} would store derived types' properties the model does not describe; ZgDb stores exactly the declared type";
        else if (type.GetCustomAttribute<JsonNumberHandlingAttribute>() is { } numbers)
            refused = $"[JsonNumberHandling({numbers.Handling})] on {type.Name} would change how its numbers are stored";
        else if (type.GetCustomAttribute<JsonUnmappedMemberHandlingAttribute>() is { UnmappedMemberHandling: JsonUnmappedMemberHandling.Disallow })
            refused = $"[JsonUnmappedMemberHandling(Disallow)] on {type.Name} would make documents that hold a removed property unreadable";
        else if (type.GetCustomAttribute<JsonObjectCreationHandlingAttribute>() is { } creation)
            refused = $"[JsonObjectCreationHandling({creation.Handling})] on {type.Name} would merge stored values into the object's defaults";
        if (refused is not null) throw new ZgDbModelException(owner.Name, property, refused + $". {Advice}: remove the attribute.");
    }
}
