using System.Collections;

namespace ZgDb.Storage.Documents;

/// <summary>Checks a document against its entity's rules (required properties, maximum lengths) before it is stored.</summary>
internal sealed class DocumentValidator<T>(EntityType entity)
{
    private readonly (EntityProperty Property, Func<object, object?> Get)[] _rules = RulesOf(entity, entity.Properties);

    /// <summary>For a hierarchy: the rules of each derived type (its own properties' too).</summary>
    private readonly Dictionary<Type, (EntityProperty Property, Func<object, object?> Get)[]> _derivedRules = entity.DerivedTypes
        .Where(d => d.DiscriminatorValue is not null)
        .ToDictionary(d => d.ClrType, d => RulesOf(entity, d.Properties));

    private static (EntityProperty Property, Func<object, object?> Get)[] RulesOf(EntityType entity, IReadOnlyList<EntityProperty> properties) => properties
        .Where(p => p.IsRequired || p.MaxLength is not null)
        .Where(p => p != entity.Key)
        .Select(p => (p, (Func<object, object?>)p.Info.GetValue))
        .ToArray();

    public void Validate(T document, string collection)
    {
        var rules = _rules;
        if (entity.HasHierarchy && document!.GetType() != entity.ClrType && !_derivedRules.TryGetValue(document.GetType(), out rules!))
            throw new ZgDbValidationException(collection, $"a {document.GetType().Name} is not a type of the {entity.Name} hierarchy stored here " +
                $"({string.Join(", ", entity.DerivedTypes.Where(d => d.DiscriminatorValue is not null).Select(d => d.Name).Prepend(entity.DiscriminatorValue is null ? null : entity.Name).OfType<string>())}); " +
                $"configure it with model.Entity<{document.GetType().Name}>() (its base is {entity.Name} by convention).");
        foreach (var (property, get) in rules)
        {
            var value = get(document!);
            if (value is null)
            {
                if (property.IsRequired)
                    throw new ZgDbValidationException(collection, $"{document!.GetType().Name}.{property.Name} is required but is null.");
                continue;
            }
            if (property.MaxLength is { } max)
            {
                int length = value switch
                {
                    string s => s.Length,
                    ICollection c => c.Count,
                    _ => 0,
                };
                if (length > max)
                    throw new ZgDbValidationException(collection, $"{document!.GetType().Name}.{property.Name} is {length} long, over its maximum length of {max}.");
            }
        }
    }
}
