using System.Reflection;

namespace ZgDb;

/// <summary>
/// Declares an entity's primary key on its class, as EF Core's <c>[PrimaryKey(nameof(OrderId), nameof(ProductId))]</c>
/// (a composite key when several names are given). EF Core's own <c>Microsoft.EntityFrameworkCore.PrimaryKeyAttribute</c>
/// is honoured too: any class attribute named <c>PrimaryKeyAttribute</c> with a <c>PropertyNames</c> list is.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = true)]
public sealed class PrimaryKeyAttribute : Attribute
{
    /// <summary>A key of <paramref name="propertyName"/> and then <paramref name="additionalPropertyNames"/>, in key order.</summary>
    public PrimaryKeyAttribute(string propertyName, params string[] additionalPropertyNames)
    {
        ArgumentNullException.ThrowIfNull(propertyName);
        ArgumentNullException.ThrowIfNull(additionalPropertyNames);
        PropertyNames = [propertyName, .. additionalPropertyNames];
    }

    /// <summary>The key's properties, in key order.</summary>
    public IReadOnlyList<string> PropertyNames { get; }
}

/// <summary>Reads <c>[PrimaryKey]</c> (ZgDb's or EF Core's, matched by name and shape) and resolves key property names.</summary>
internal static class PrimaryKeyAttributes
{
    /// <summary>The property names of the class's primary-key attribute, or null when it has none.</summary>
    public static IReadOnlyList<string>? Find(Type type)
    {
        foreach (var attribute in type.GetCustomAttributes(inherit: true))
        {
            var attributeType = attribute.GetType();
            if (attributeType.Name != nameof(PrimaryKeyAttribute)) continue;
            if (attributeType.GetProperty(nameof(PrimaryKeyAttribute.PropertyNames))?.GetValue(attribute) is IEnumerable<string> names)
                return names.ToList();
        }
        return null;
    }

    /// <summary>The public properties named, in order; a clear error for a name the type does not have.</summary>
    public static List<PropertyInfo> Resolve(Type type, IReadOnlyList<string> names) => names.Select(name =>
        type.GetProperty(name ?? "", BindingFlags.Public | BindingFlags.Instance)
        ?? throw new ZgDbModelException(type.Name, name, $"the primary key names '{name}', which is not a public property of {type.Name}.")).ToList();
}
