using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using ZgDb.Generators.Diagnostics;
using ZgDb.Generators.Reading;

namespace ZgDb.Generators.Analyzers;

/// <summary>
/// ZGDB002: ModelFactory's key rules. The attributes' problems ([PrimaryKey] naming no public property, a second
/// [Key]) are found before OnModelCreating runs, so they are reported whatever it says; a missing key, a key that is
/// not stored and a key type that cannot be a key only when OnModelCreating calls no HasKey for the entity.
/// </summary>
internal static class KeyCheck
{
    private const string Supported = "use an integer type (byte, sbyte, short, ushort, int, uint, long, ulong), char, string, Guid, DateTime, " +
        "DateTimeOffset, DateOnly, decimal, an enum or byte[] (not nullable: a key part is never null).";

    public static IEnumerable<Diagnostic> Run(StaticModel model)
    {
        foreach (var entity in ModelChecks.Entities(model))
        {
            var fallback = ModelChecks.CollectionOf(model, entity);
            var (_, problems) = StaticModel.AttributeKey(entity);
            foreach (var (property, name, message) in problems)
                yield return Create(ModelChecks.Place(property ?? (ISymbol)entity, fallback), entity, name, message);
            if (problems.Count > 0 || model.Fluent.MaySetKey(entity) || model.StoredProperties(entity) is not { } stored) continue;
            if (model.Key(entity) is not { } key)
            {
                yield return Create(ModelChecks.Place(entity, fallback), entity, null,
                    $"has no primary key: add a property 'Id' or '{entity.Name}Id', mark one with [Key], or call HasKey.");
                continue;
            }
            if (key.GroupBy(k => k.Name).FirstOrDefault(g => g.Count() > 1) is { } twice)
            {
                yield return Create(ModelChecks.Place(entity, fallback), entity, twice.Key, "is named twice in the composite key; each property is one part.");
                continue;
            }
            foreach (var part in key)
            {
                if (!stored.Any(p => p.Name == part.Name))
                    yield return Create(ModelChecks.Place(part, fallback), entity, part.Name, "the key must be a stored property with a public getter and setter.");
                else if (!StoredTypes.IsKeyType(part.Type))
                    yield return Create(ModelChecks.Place(part, fallback), entity, part.Name,
                        $"a key{(key.Count > 1 ? " part" : "")} of type {StoredTypes.ClrName(part.Type)} is not supported; {Supported}");
            }
        }
    }

    private static Diagnostic Create(Location location, ITypeSymbol entity, string? property, string message) =>
        Diagnostic.Create(ZgDbDiagnostics.UnusableKey, location, entity.Name, property is null ? "" : $", property '{property}'", message);
}
