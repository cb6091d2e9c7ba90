using System;
using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using ZgDb.Generators.Diagnostics;
using ZgDb.Generators.Reading;

namespace ZgDb.Generators.Analyzers;

/// <summary>
/// ZGDB004: RelationshipResolver's type rule for the relationships its conventions find, where they are found
/// unambiguously: a dependent with exactly one reference navigation to a principal whose navigations back are at most
/// one collection (a many-to-one), or a principal's only collection navigation to a dependent that has none back. The
/// foreign key is the first stored property named, ignoring case, <c>&lt;navigation&gt;&lt;key&gt;</c>,
/// <c>&lt;navigation&gt;Id</c>, <c>&lt;principal&gt;&lt;key&gt;</c>, <c>&lt;principal&gt;Id</c> (not the dependent's own
/// key), and it must be of the principal key's type or its nullable form. Silent when OnModelCreating configures
/// relationships (HasOne/HasMany) or cannot be read, for one-to-one and many-to-many pairs, and for composite keys.
/// </summary>
internal static class ForeignKeyCheck
{
    public static IEnumerable<Diagnostic> Run(StaticModel model)
    {
        if (model.Fluent.ConfiguresRelationships || model.Fluent.IsUnreadable) yield break;
        foreach (var dependent in ModelChecks.Entities(model))
            foreach (var principal in ModelChecks.Entities(model))
            {
                if (SymbolEqualityComparer.Default.Equals(dependent, principal)) continue;
                var toPrincipal = Navigations(model, dependent, principal);
                var back = Navigations(model, principal, dependent);
                var references = toPrincipal.Where(n => IsReference(n, principal)).ToList();
                var collectionsBack = back.Where(n => !IsReference(n, dependent)).ToList();
                IPropertySymbol? navigation;
                if (toPrincipal.Count == 1 && references.Count == 1 && back.Count == collectionsBack.Count && collectionsBack.Count <= 1)
                    navigation = references[0]; // many-to-one: Post.Author (and at most User.Posts)
                else if (toPrincipal.Count == 0 && back.Count == 1 && collectionsBack.Count == 1)
                    navigation = null; // one-to-many with no navigation back: User.Posts only
                else
                    continue;
                if (Mismatch(model, dependent, principal, navigation) is { } diagnostic) yield return diagnostic;
            }
    }

    private static List<IPropertySymbol> Navigations(StaticModel model, ITypeSymbol from, ITypeSymbol to) =>
        StoredTypes.MappableProperties(from).Where(p => SymbolEqualityComparer.Default.Equals(model.NavigationTarget(p.Type), to)).ToList();

    private static bool IsReference(IPropertySymbol navigation, ITypeSymbol target) => SymbolEqualityComparer.Default.Equals(navigation.Type, target);

    private static Diagnostic? Mismatch(StaticModel model, ITypeSymbol dependent, ITypeSymbol principal, IPropertySymbol? navigation)
    {
        if (model.Key(principal) is not { Count: 1 } principalKey || model.Key(dependent) is not { Count: 1 } ownKey) return null;
        var key = principalKey[0];
        var dependentKey = ownKey[0];
        if (model.StoredProperties(dependent) is not { } stored) return null;
        var names = new List<string>();
        if (navigation is not null) names.AddRange([navigation.Name + key.Name, navigation.Name + "Id"]);
        names.AddRange([principal.Name + key.Name, principal.Name + "Id"]);
        var foreignKey = names.Distinct()
            .Select(n => stored.FirstOrDefault(p => string.Equals(p.Name, n, StringComparison.OrdinalIgnoreCase)))
            .FirstOrDefault(p => p is not null && p.Name != dependentKey.Name);
        if (foreignKey is null) return null;
        var fkType = StoredTypes.NullableUnderlying(foreignKey.Type) ?? foreignKey.Type;
        if (SymbolEqualityComparer.Default.Equals(fkType, key.Type)) return null;
        return Diagnostic.Create(ZgDbDiagnostics.ForeignKeyTypeMismatch, ModelChecks.Place(foreignKey, ModelChecks.CollectionOf(model, dependent)),
            dependent.Name, foreignKey.Name, $"the foreign key is {StoredTypes.ClrName(foreignKey.Type)} but {principal.Name}.{key.Name} is {StoredTypes.ClrName(key.Type)}.");
    }
}
