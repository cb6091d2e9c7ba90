using System.Collections;

namespace ZgDb.Storage.Documents;

/// <summary>Checks a document against its entity's rules (required properties, maximum lengths) before it is stored.</summary>
internal sealed class DocumentValidator<T>(EntityType entity)
{
    private readonly (EntityProperty Property, Func<object, object?> Get)[] _rules = entity.Properties
        .Where(p => p.IsRequired || p.MaxLength is not null)
        .Where(p => p != entity.Key)
        .Select(p => (p, (Func<object, object?>)p.Info.GetValue))
        .ToArray();

    public void Validate(T document, string collection)
    {
        foreach (var (property, get) in _rules)
        {
            var value = get(document!);
            if (value is null)
            {
                if (property.IsRequired)
                    throw new ZgDbValidationException(collection, $"{entity.Name}.{property.Name} is required but is null.");
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
                    throw new ZgDbValidationException(collection, $"{entity.Name}.{property.Name} is {length} long, over its maximum length of {max}.");
            }
        }
    }
}
