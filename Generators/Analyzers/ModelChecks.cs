using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using ZgDb.Generators.Diagnostics;
using ZgDb.Generators.Reading;

namespace ZgDb.Generators.Analyzers;

/// <summary>The checks of one database class, each in its own class; each reports only what ZgDatabase.Open refuses.</summary>
internal static class ModelChecks
{
    public static IEnumerable<Diagnostic> Run(StaticModel model) =>
        CollectionCheck.Run(model)
            .Concat(KeyCheck.Run(model))
            .Concat(PropertyTypeCheck.Run(model))
            .Concat(IndexCheck.Run(model))
            .Concat(ForeignKeyCheck.Run(model));

    /// <summary>Where to point: the symbol's first source location, else <paramref name="fallback"/>'s (an entity from a referenced assembly: its collection property).</summary>
    public static Location Place(ISymbol? symbol, ISymbol fallback) =>
        symbol?.Locations.FirstOrDefault(l => l.IsInSource) ?? fallback.Locations.FirstOrDefault(l => l.IsInSource) ?? Location.None;

    /// <summary>The collection property that stores <paramref name="entity"/> (the fallback place of its diagnostics).</summary>
    public static IPropertySymbol CollectionOf(StaticModel model, ITypeSymbol entity) =>
        model.Collections.First(c => SymbolEqualityComparer.Default.Equals(c.Entity, entity)).Property;

    /// <summary>The entity types once each, in collection order.</summary>
    public static IEnumerable<ITypeSymbol> Entities(StaticModel model) =>
        model.Collections.Select(c => c.Entity).Distinct<ITypeSymbol>(SymbolEqualityComparer.Default);
}

/// <summary>ZGDB005: ModelFactory.Build's "is stored in two collections".</summary>
internal static class CollectionCheck
{
    public static IEnumerable<Diagnostic> Run(StaticModel model)
    {
        foreach (var group in model.Collections.GroupBy(c => c.Entity, SymbolEqualityComparer.Default).Where(g => g.Count() > 1))
        {
            var entity = (ITypeSymbol)group.Key!;
            var names = string.Join(", ", group.Select(c => c.Property.Name));
            foreach (var second in group.Skip(1))
                yield return Diagnostic.Create(ZgDbDiagnostics.TwoCollectionsOfOneType, ModelChecks.Place(second.Property, model.Database),
                    entity.Name, $"is stored in two collections ({names}); an entity type belongs to one collection.");
        }
    }
}
