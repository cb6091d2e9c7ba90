using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;

namespace ZgDb.Generators.Reading;

/// <summary>
/// ModelFactory's type rules (Model/ModelFactory.cs) read from symbols instead of reflection: which properties are
/// mappable, which types are scalars, collections or nested classes, which types a key may have. Kept rule for rule
/// with the runtime so a diagnostic fires exactly where ZgDatabase.Open refuses.
/// </summary>
internal static class StoredTypes
{
    private static readonly HashSet<string> SystemScalars = new(StringComparer.Ordinal)
        { "System.DateTimeOffset", "System.DateOnly", "System.TimeOnly", "System.TimeSpan", "System.Guid" };

    private static readonly HashSet<string> CollectionDefinitions = new(StringComparer.Ordinal)
    {
        "System.Collections.Generic.List<T>", "System.Collections.Generic.IList<T>", "System.Collections.Generic.ICollection<T>",
        "System.Collections.Generic.IEnumerable<T>", "System.Collections.Generic.IReadOnlyList<T>", "System.Collections.Generic.IReadOnlyCollection<T>",
    };

    /// <summary>Public instance properties, the type's own first, then its bases' (one per name, as reflection lists them), without indexers.</summary>
    public static IEnumerable<IPropertySymbol> PublicProperties(ITypeSymbol type)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var current = type; current is not null && current.SpecialType != SpecialType.System_Object; current = current.BaseType)
            foreach (var property in current.GetMembers().OfType<IPropertySymbol>())
                if (!property.IsStatic && !property.IsIndexer && property.DeclaredAccessibility == Accessibility.Public && seen.Add(property.Name))
                    yield return property;
    }

    /// <summary>ModelFactory.MappableProperties: a public getter and setter (init included), not [NotMapped].</summary>
    public static IEnumerable<IPropertySymbol> MappableProperties(ITypeSymbol type) =>
        PublicProperties(type).Where(p => IsMappable(p) && !IsNotMapped(p));

    public static bool IsMappable(IPropertySymbol property) =>
        property.GetMethod is { DeclaredAccessibility: Accessibility.Public } && property.SetMethod is { DeclaredAccessibility: Accessibility.Public };

    public static bool IsNotMapped(IPropertySymbol property) =>
        HasAttribute(property, "System.ComponentModel.DataAnnotations.Schema.NotMappedAttribute");

    public static bool HasAttribute(ISymbol symbol, string fullName) =>
        symbol.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == fullName);

    /// <summary>The type inside <c>Nullable&lt;T&gt;</c>, or null when <paramref name="type"/> is not one.</summary>
    public static ITypeSymbol? NullableUnderlying(ITypeSymbol type) =>
        type is INamedTypeSymbol { OriginalDefinition.SpecialType: SpecialType.System_Nullable_T } named ? named.TypeArguments[0] : null;

    public static bool IsByteArray(ITypeSymbol type) =>
        type is IArrayTypeSymbol { Rank: 1, ElementType.SpecialType: SpecialType.System_Byte };

    /// <summary>ModelFactory.IsScalar.</summary>
    public static bool IsScalar(ITypeSymbol type) => type.SpecialType switch
    {
        SpecialType.System_Boolean or SpecialType.System_Byte or SpecialType.System_SByte or SpecialType.System_Int16 or SpecialType.System_UInt16
            or SpecialType.System_Int32 or SpecialType.System_UInt32 or SpecialType.System_Int64 or SpecialType.System_UInt64 or SpecialType.System_Char
            or SpecialType.System_Double or SpecialType.System_Single or SpecialType.System_String or SpecialType.System_Decimal
            or SpecialType.System_DateTime => true,
        _ => type.TypeKind == TypeKind.Enum || IsByteArray(type) || SystemScalars.Contains(type.ToDisplayString()),
    };

    /// <summary>ModelFactory.ElementType: the element of an array or of List/IList/ICollection/IEnumerable/IReadOnlyList/IReadOnlyCollection, else null.</summary>
    public static ITypeSymbol? ElementType(ITypeSymbol type)
    {
        if (type.SpecialType == SpecialType.System_String || IsByteArray(type)) return null;
        if (type is IArrayTypeSymbol array) return array.Rank == 1 ? array.ElementType : null;
        return type is INamedTypeSymbol { IsGenericType: true } named && CollectionDefinitions.Contains(named.OriginalDefinition.ToDisplayString())
            ? named.TypeArguments[0]
            : null;
    }

    /// <summary>ModelFactory.IsNestedClass: a concrete class outside System.* that is not a collection and that ZgDb can construct.</summary>
    public static bool IsNestedClass(ITypeSymbol type) =>
        type is INamedTypeSymbol { TypeKind: TypeKind.Class, IsAbstract: false, IsUnboundGenericType: false } named
        && named.SpecialType != SpecialType.System_String && named.SpecialType != SpecialType.System_Object
        && !named.AllInterfaces.Any(i => i.SpecialType == SpecialType.System_Collections_IEnumerable)
        && !IsInSystemNamespace(named) && HasBindingConstructor(named);

    private static bool IsInSystemNamespace(INamedTypeSymbol type) =>
        type.ContainingNamespace is { IsGlobalNamespace: false } ns && ns.ToDisplayString().StartsWith("System", StringComparison.Ordinal);

    /// <summary>ModelFactory.BindingConstructor: a public parameterless constructor, or one public constructor whose parameters bind to mappable properties.</summary>
    public static bool HasBindingConstructor(INamedTypeSymbol type)
    {
        var constructors = type.InstanceConstructors.Where(c => c.DeclaredAccessibility == Accessibility.Public).ToList();
        if (constructors.Any(c => c.Parameters.Length == 0)) return true;
        if (constructors.Count != 1) return false;
        var properties = PublicProperties(type).Where(IsMappable).ToList();
        return constructors[0].Parameters.All(p => properties.Any(m =>
            string.Equals(m.Name, p.Name, StringComparison.OrdinalIgnoreCase) && SymbolEqualityComparer.Default.Equals(m.Type, p.Type)));
    }

    /// <summary>KeyKinds.Of: whether a key (or key part) may have this type.</summary>
    public static bool IsKeyType(ITypeSymbol type) => type.SpecialType switch
    {
        SpecialType.System_Byte or SpecialType.System_SByte or SpecialType.System_Int16 or SpecialType.System_UInt16 or SpecialType.System_Int32
            or SpecialType.System_UInt32 or SpecialType.System_Int64 or SpecialType.System_UInt64 or SpecialType.System_Char
            or SpecialType.System_String or SpecialType.System_Decimal or SpecialType.System_DateTime => true,
        _ => type.TypeKind == TypeKind.Enum || IsByteArray(type)
            || type.ToDisplayString() is "System.Guid" or "System.DateTimeOffset" or "System.DateOnly",
    };

    /// <summary>A type's name as the runtime's messages print it (Type.Name: <c>Dictionary`2</c>, <c>Int32</c>, <c>Byte[]</c>).</summary>
    public static string ClrName(ITypeSymbol type) => type switch
    {
        IArrayTypeSymbol array => ClrName(array.ElementType) + "[" + new string(',', array.Rank - 1) + "]",
        INamedTypeSymbol { IsGenericType: true } named => named.MetadataName,
        _ => type.MetadataName,
    };
}
