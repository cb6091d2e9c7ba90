using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace ZgDb.Generators.Reading;

/// <summary>
/// One database class as the compile-time checks read it: its <c>ZgCollection&lt;T&gt;</c> properties (public,
/// instance, inherited ones included, in reflection's order) and what its OnModelCreating says.
/// </summary>
internal sealed class StaticModel
{
    public StaticModel(INamedTypeSymbol database, ZgDbSymbols symbols, FluentConfiguration fluent)
    {
        Database = database;
        Symbols = symbols;
        Fluent = fluent;
        Collections = StoredTypes.PublicProperties(database)
            .Where(p => p.Type is INamedTypeSymbol { IsGenericType: true } t && SymbolEqualityComparer.Default.Equals(t.OriginalDefinition, symbols.ZgCollection))
            .Select(p => (p, ((INamedTypeSymbol)p.Type).TypeArguments[0]))
            .ToList();
        EntityTypes = new HashSet<ITypeSymbol>(Collections.Select(c => c.Entity), SymbolEqualityComparer.Default);
    }

    public INamedTypeSymbol Database { get; }
    public ZgDbSymbols Symbols { get; }
    public FluentConfiguration Fluent { get; }
    public List<(IPropertySymbol Property, ITypeSymbol Entity)> Collections { get; }
    public HashSet<ITypeSymbol> EntityTypes { get; }

    /// <summary>ModelFactory.IsNavigation: a property whose type (or element type) is an entity of this database.</summary>
    public bool IsNavigation(ITypeSymbol type) =>
        EntityTypes.Contains(type) || (StoredTypes.ElementType(type) is { } element && EntityTypes.Contains(element));

    /// <summary>The entity a navigation points at, or null.</summary>
    public ITypeSymbol? NavigationTarget(ITypeSymbol type) =>
        EntityTypes.Contains(type) ? type : StoredTypes.ElementType(type) is { } element && EntityTypes.Contains(element) ? element : null;

    /// <summary>
    /// The stored properties of an entity (mappable, not a navigation, not ignored by a fluent call), or null when
    /// OnModelCreating's Ignore calls for it cannot be read.
    /// </summary>
    public List<IPropertySymbol>? StoredProperties(ITypeSymbol entity) =>
        Fluent.IgnoresAreKnown(entity)
            ? StoredTypes.MappableProperties(entity).Where(p => !Fluent.IsIgnored(entity, p.Name) && !IsNavigation(p.Type)).ToList()
            : null;

    /// <summary>
    /// The entity's key as attributes and conventions give it (ModelFactory: [PrimaryKey], [Key], then Id / &lt;Type&gt;Id),
    /// or null when there is none or OnModelCreating may set it. Problems with the attributes themselves are <see cref="KeyProblems"/>.
    /// </summary>
    public List<IPropertySymbol>? Key(ITypeSymbol entity)
    {
        if (Fluent.MaySetKey(entity)) return null;
        var (key, problems) = AttributeKey(entity);
        if (problems.Count > 0) return null;
        if (key is not null) return key;
        var mappable = StoredTypes.MappableProperties(entity).ToList();
        var conventional = mappable.FirstOrDefault(p => p.Name == "Id")
            ?? mappable.FirstOrDefault(p => p.Name == entity.Name + "Id")
            ?? mappable.FirstOrDefault(p => string.Equals(p.Name, "Id", System.StringComparison.OrdinalIgnoreCase))
            ?? mappable.FirstOrDefault(p => string.Equals(p.Name, entity.Name + "Id", System.StringComparison.OrdinalIgnoreCase));
        return conventional is null ? null : [conventional];
    }

    /// <summary>ModelFactory.ApplyAttributes' key: [PrimaryKey] on the class (ZgDb's or EF Core's, by name), then [Key] properties; with what the runtime refuses.</summary>
    public static (List<IPropertySymbol>? Key, List<(IPropertySymbol? Property, string Name, string Message)> Problems) AttributeKey(ITypeSymbol entity)
    {
        var problems = new List<(IPropertySymbol?, string, string)>();
        List<IPropertySymbol>? key = null;
        if (PrimaryKeyNames(entity) is { } names)
        {
            key = [];
            foreach (var name in names)
            {
                var property = StoredTypes.PublicProperties(entity).FirstOrDefault(p => p.Name == name);
                if (property is null) problems.Add((null, name, $"the primary key names '{name}', which is not a public property of {entity.Name}."));
                else key.Add(property);
            }
        }
        foreach (var property in StoredTypes.PublicProperties(entity))
        {
            if (!StoredTypes.HasAttribute(property, "System.ComponentModel.DataAnnotations.KeyAttribute")) continue;
            if (key is not null && key.Count > 0)
                problems.Add((property, property.Name, $"a second [Key] property; as in EF Core, a composite key is declared with [PrimaryKey(nameof({key[0].Name}), nameof({property.Name}))] " +
                    $"on the class or HasKey(x => new {{ x.{key[0].Name}, x.{property.Name} }})."));
            else key = [property];
        }
        return (key, problems);
    }

    /// <summary>The names of a class attribute named PrimaryKeyAttribute (on the class or a base: the attribute is inherited), from its constructor arguments.</summary>
    private static List<string>? PrimaryKeyNames(ITypeSymbol entity)
    {
        for (var current = entity; current is not null; current = current.BaseType)
            foreach (var attribute in current.GetAttributes())
                if (attribute.AttributeClass?.Name == "PrimaryKeyAttribute")
                {
                    var names = new List<string>();
                    foreach (var argument in attribute.ConstructorArguments)
                        if (argument.Kind == TypedConstantKind.Array) names.AddRange(argument.Values.Select(v => v.Value as string ?? ""));
                        else names.Add(argument.Value as string ?? "");
                    return names;
                }
        return null;
    }
}
