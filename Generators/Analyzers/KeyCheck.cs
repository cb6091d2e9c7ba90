using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using ZgDb.Generators.Diagnostics;
using ZgDb.Generators.Reading;

namespace ZgDb.Generators.Analyzers;

/// <summary>
/// ZGDB002: ModelFactory's key rules. The attributes' problems ([PrimaryKey] naming no public property, a second
/// [Key]) are found before OnModelCreating runs, so they are reported whatever it says; the key itself (a missing one,
/// one that is not stored, of a type that cannot be a key) is the one HasKey call's when OnModelCreating makes one it
/// can read (lambda members or constant names), else the attributes' or the conventions'; silent for several HasKey
/// calls, or arguments it cannot read.
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
            if (problems.Count > 0 || model.StoredProperties(entity) is not { } stored) continue;
            List<(IPropertySymbol Property, Location At)> key;
            if (model.Fluent.MaySetKey(entity))
            {
                if (model.Fluent.FluentKey(entity) is not { } named) continue;
                key = [];
                foreach (var (name, at) in named)
                {
                    if (StoredTypes.PublicProperties(entity).FirstOrDefault(p => p.Name == name) is { } property) key.Add((property, at.GetLocation()));
                    else
                    {
                        yield return Create(at.GetLocation(), entity, name, $"the primary key names '{name}', which is not a public property of {entity.Name}.");
                        break;
                    }
                }
                if (key.Count != named.Count) continue;
            }
            else if (model.Key(entity) is { } declared)
                key = declared.Select(p => (p, ModelChecks.Place(p, fallback))).ToList();
            else
            {
                yield return Create(ModelChecks.Place(entity, fallback), entity, null,
                    $"has no primary key: add a property 'Id' or '{entity.Name}Id', mark one with [Key], or call HasKey.");
                continue;
            }
            if (key.GroupBy(k => k.Property.Name).FirstOrDefault(g => g.Count() > 1) is { } twice)
            {
                yield return Create(twice.Last().At, entity, twice.Key, "is named twice in the composite key; each property is one part.");
                continue;
            }
            foreach (var (part, at) in key)
            {
                if (!stored.Any(p => p.Name == part.Name))
                    yield return Create(at, entity, part.Name, "the key must be a stored property with a public getter and setter.");
                else if (!StoredTypes.IsKeyType(part.Type))
                    yield return Create(at, entity, part.Name,
                        $"a key{(key.Count > 1 ? " part" : "")} of type {StoredTypes.ClrName(part.Type)} is not supported; {Supported}");
            }
        }
    }

    private static Diagnostic Create(Location location, ITypeSymbol entity, string? property, string message) =>
        Diagnostic.Create(ZgDbDiagnostics.UnusableKey, location, entity.Name, property is null ? "" : $", property '{property}'", message);
}
