using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Operations;
using ZgDb.Generators.Diagnostics;
using ZgDb.Generators.Reading;

namespace ZgDb.Generators.Analyzers;

/// <summary>
/// ZGDB003: ModelFactory.CheckIndexPath for each literal <c>HasIndex(x =&gt; ...)</c> of OnModelCreating on a
/// collection's entity: each member of the path must be a stored property (of the entity, then of the nested class
/// it stores), and the last one a scalar other than byte[]. ZgDb has no index attribute: HasIndex is how an index is
/// declared, and a lambda only names properties that exist, so what is checked is that they are stored.
/// </summary>
internal static class IndexCheck
{
    public static IEnumerable<Diagnostic> Run(StaticModel model)
    {
        foreach (var (entity, paths) in model.Fluent.Indexes)
        {
            if (!model.EntityTypes.Contains(entity)) continue; // a derived type's index (on its root's collection): not checked
            // Ignore calls that cannot be read only hide problems: every property they could name is still checked as stored.
            var stored = StoredTypes.MappableProperties(entity).Where(p => !model.Fluent.IsIgnored(entity, p.Name) && !model.IsNavigation(p.Type)).ToList();
            foreach (var path in paths)
                if (Problem(path, stored) is { } problem)
                    yield return Diagnostic.Create(ZgDbDiagnostics.IndexOnUnmappedProperty, path[path.Count - 1].Syntax.GetLocation(), entity.Name,
                        string.Join(".", path.Select(p => p.Property.Name)), problem);
        }
    }

    private static string? Problem(List<IPropertyReferenceOperation> path, List<IPropertySymbol> stored)
    {
        IReadOnlyList<IPropertySymbol> level = stored;
        IPropertySymbol? current = null;
        foreach (var member in path)
        {
            current = level.FirstOrDefault(p => p.Name == member.Property.Name);
            if (current is null) return "an index must be on stored properties.";
            level = NestedProperties(current.Type);
        }
        var type = StoredTypes.NullableUnderlying(current!.Type) ?? current.Type;
        if (!StoredTypes.IsScalar(type) || StoredTypes.IsByteArray(type))
            return $"an index must be on a scalar value (number, string, date, Guid, enum, bool), not on {StoredTypes.ClrName(current.Type)}.";
        return null;
    }

    /// <summary>The properties an index path may continue with: a nested class's (or a list of them's) mappable properties; none for a scalar.</summary>
    private static IReadOnlyList<IPropertySymbol> NestedProperties(ITypeSymbol type)
    {
        var underlying = StoredTypes.NullableUnderlying(type) ?? type;
        if (StoredTypes.IsScalar(underlying)) return [];
        var nested = StoredTypes.ElementType(type) is { } element ? element : type;
        return StoredTypes.IsNestedClass(nested) ? StoredTypes.MappableProperties(nested).ToList() : [];
    }
}
