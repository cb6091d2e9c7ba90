using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace ZgDb;

/// <summary>
/// The JSON options ZgDb's own serialization uses where it has no options of its own (keys, WAL metadata, chunk key
/// ranges). They name the reflection-based resolver explicitly: an application published with <c>PublishAot</c> or
/// <c>PublishTrimmed</c> gets <c>JsonSerializerIsReflectionEnabledByDefault=false</c>, under which the serializer's
/// default options throw ("Reflection-based serialization has been disabled"), while an explicit
/// <see cref="DefaultJsonTypeInfoResolver"/> still works (for ZgDb's own types also in a Native AOT binary; entity
/// documents there need a source-generated context, docs/AOT.md). The output is byte for byte the default options'.
/// </summary>
internal static class ZgJson
{
    /// <summary>Reflection metadata for the types ZgDb serializes: its own (models, keys) and the application's entities.</summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "ZgDb serializes its own types and the entity types of the model, whose properties the model reads by reflection too (docs/AOT.md: entity types keep their public properties).")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "The reflection resolver runs without dynamic code (reflection accessors) for ZgDb's own types (strings, numbers, keys, the stored model); for entity types with value-type properties it needs instantiations Native AOT lacks (docs/AOT.md), which a source-generated context will replace.")]
    public static IJsonTypeInfoResolver Reflection() => new DefaultJsonTypeInfoResolver();

    /// <summary>The default options with the reflection resolver named; read-only.</summary>
    public static readonly JsonSerializerOptions Default = CreateDefault();

    private static JsonSerializerOptions CreateDefault()
    {
        var options = new JsonSerializerOptions { TypeInfoResolver = Reflection() };
        options.MakeReadOnly();
        return options;
    }
}
