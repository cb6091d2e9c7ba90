using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using ZgDb.Generators.Diagnostics;
using ZgDb.Generators.Reading;

namespace ZgDb.Generators.Analyzers;

/// <summary>
/// ZGDB001: ModelFactory.Describe over every stored property of every entity, and of every nested class they store
/// (recursively; a recursive type is described once, as at run time). Silent for an entity whose OnModelCreating
/// Ignore calls cannot be read (an Ignore is how a property of an unsupported type is left out).
/// </summary>
internal static class PropertyTypeCheck
{
    private const string Supported = "Supported: numbers, bool, char, string, decimal, DateTime, DateTimeOffset, DateOnly, TimeOnly, TimeSpan, Guid, " +
        "enums, byte[], nullable of these, nested classes with a public parameterless constructor (or a positional record's), and lists or " +
        "arrays of these. Use [NotMapped] or Ignore(...) to leave it out.";

    public static IEnumerable<Diagnostic> Run(StaticModel model)
    {
        foreach (var entity in ModelChecks.Entities(model))
        {
            if (model.StoredProperties(entity) is not { } stored) continue;
            var fallback = ModelChecks.CollectionOf(model, entity);
            foreach (var property in stored)
                if (Problem(entity, property, new HashSet<ITypeSymbol>(SymbolEqualityComparer.Default) { entity }) is { } problem)
                    yield return Diagnostic.Create(ZgDbDiagnostics.UnsupportedPropertyType, ModelChecks.Place(problem.At, fallback), entity.Name, property.Name, problem.Message);
        }
    }

    /// <summary>The first unsupported type under <paramref name="property"/> (the property that has it, and the runtime's message), or null.</summary>
    private static (IPropertySymbol At, string Message)? Problem(ITypeSymbol owner, IPropertySymbol property, HashSet<ITypeSymbol> visiting)
    {
        var type = property.Type;
        if (StoredTypes.IsScalar(StoredTypes.NullableUnderlying(type) ?? type)) return null;
        if (StoredTypes.ElementType(type) is { } element)
        {
            if (StoredTypes.IsScalar(StoredTypes.NullableUnderlying(element) ?? element)) return null;
            if (StoredTypes.IsNestedClass(element)) return Nested(owner, property, element, visiting);
            return (property, Unsupported("a collection of " + StoredTypes.ClrName(element)));
        }
        if (StoredTypes.IsNestedClass(type)) return Nested(owner, property, type, visiting);
        return (property, Unsupported(StoredTypes.ClrName(type)));
    }

    private static (IPropertySymbol At, string Message)? Nested(ITypeSymbol owner, IPropertySymbol property, ITypeSymbol nested, HashSet<ITypeSymbol> visiting)
    {
        if (!visiting.Add(nested)) return null;
        try
        {
            foreach (var inner in StoredTypes.MappableProperties(nested))
                if (Problem(nested, inner, visiting) is { } problem)
                    return SymbolEqualityComparer.Default.Equals(owner, nested)
                        ? problem
                        : (problem.At, $"nested type {nested.Name}: Entity '{nested.Name}', property '{inner.Name}': {problem.Message}");
            return null;
        }
        finally
        {
            visiting.Remove(nested);
        }
    }

    private static string Unsupported(string what) => $"type {what} cannot be stored. {Supported}";
}
