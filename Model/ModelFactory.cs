using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.ComponentModel.DataAnnotations.Schema;
using System.Reflection;

namespace ZgDb;

/// <summary>
/// Builds a <see cref="DatabaseModel"/> from the collections of a database class: conventions first, then
/// attributes, then the fluent <see cref="ModelBuilder"/>; then checks every type can be stored.
/// </summary>
internal static class ModelFactory
{
    /// <summary>
    /// Builds the model for the given collections (name and CLR type, in declaration order), applying
    /// <paramref name="configure"/> (the database's <c>OnModelCreating</c>).
    /// </summary>
    /// <exception cref="ZgDbModelException">A type, key, index or property cannot be stored; the message names it.</exception>
    public static DatabaseModel Build(IReadOnlyList<(string Name, Type ClrType)> collections, Action<ModelBuilder>? configure)
    {
        var builder = new ModelBuilder();
        foreach (var (_, type) in collections)
            ApplyAttributes(builder.GetOrAdd(type));
        configure?.Invoke(builder);

        var hierarchies = Hierarchies.Resolve(builder, collections.Select(c => c.ClrType).ToHashSet());
        foreach (var configured in builder.Entities.Keys)
            if (collections.All(c => c.ClrType != configured) && hierarchies.Values.All(d => d.All(x => x.ClrType != configured)))
                throw new ZgDbModelException(configured.Name, null, "is configured in OnModelCreating but the database class has no ZgCollection<" + configured.Name + "> property" +
                    " (nor is it derived from a collection's entity: a derived type is stored in its base's collection, see HasBaseType).");

        var duplicate = collections.GroupBy(c => c.ClrType).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new ZgDbModelException(duplicate.Key.Name, null, $"is stored in two collections ({string.Join(", ", duplicate.Select(d => d.Name))}); an entity type belongs to one collection.");

        var entityTypes = collections.Select(c => c.ClrType).ToHashSet();
        var entities = collections.Select(c => BuildEntity(c.Name, builder.Entities[c.ClrType], entityTypes, hierarchies.GetValueOrDefault(c.ClrType) ?? [])).ToList();
        var manyToMany = SkipNavigationResolver.Prepare(entities, builder, (name, config, types) => BuildEntity(name, config, types, []));
        var relationshipConfigs = builder.Relationships.Concat(manyToMany.Relationships).ToList();
        // navigations left out of the model (Ignore(x => x.Nav), [NotMapped]) are not discovered as relationships
        var ignoredNavigations = builder.Entities.Values
            .SelectMany(c => c.Ignored.Select(name => c.ClrType.GetProperty(name, BindingFlags.Public | BindingFlags.Instance)))
            .OfType<PropertyInfo>();
        var relationships = RelationshipResolver.Resolve(entities, relationshipConfigs, manyToMany.Navigations, ignoredNavigations);
        return new DatabaseModel(entities, relationships, manyToMany.Complete(relationships, relationshipConfigs));
    }

    internal static void ApplyAttributes(EntityConfiguration config)
    {
        if (PrimaryKeyAttributes.Find(config.ClrType) is { } names)
            config.Key = PrimaryKeyAttributes.Resolve(config.ClrType, names);
        foreach (var property in config.ClrType.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetCustomAttribute<NotMappedAttribute>() is not null) config.Ignored.Add(property.Name);
            if (property.GetCustomAttribute<KeyAttribute>() is not null)
            {
                if (config.Key is not null)
                    throw new ZgDbModelException(config.ClrType.Name, property.Name,
                        $"a second [Key] property; as in EF Core, a composite key is declared with [PrimaryKey(nameof({config.Key[0].Name}), nameof({property.Name}))] on the class or HasKey(x => new {{ x.{config.Key[0].Name}, x.{property.Name} }}).");
                config.Key = [property];
            }
            if (property.GetCustomAttribute<RequiredAttribute>() is not null) config.Required[property.Name] = true;
            if (property.GetCustomAttribute<MaxLengthAttribute>() is { Length: > 0 } max) config.MaxLength[property.Name] = max.Length;
            if (property.GetCustomAttribute<StringLengthAttribute>() is { MaximumLength: > 0 } len) config.MaxLength[property.Name] = len.MaximumLength;
        }
    }

    internal static EntityType BuildEntity(string collection, EntityConfiguration config, HashSet<Type> entityTypes, List<EntityConfiguration> derived)
    {
        var type = config.ClrType;
        // A hierarchy's root may be abstract (EF Core's rule): only its derived types have instances.
        bool abstractRoot = type.IsAbstract && !type.IsInterface && derived.Count > 0;
        if (!abstractRoot && (type.IsAbstract || type.IsInterface || !type.IsClass || BindingConstructor(type) is null))
            throw new ZgDbModelException(type.Name, null, "an entity must be a non-abstract class with a public parameterless constructor, or with one " +
                "public constructor whose parameters each bind to a public property of the same name (any case) and type, as EF Core binds a " +
                "positional record's constructor." + (BindingConstructor(type) is null ? UnboundParameters(type) : ""));
        var properties = BuildProperties(config, entityTypes);
        List<PropertyInfo> keyInfos = config.Key ?? (FindConventionalKey(type) is { } conventional ? [conventional] : (List<PropertyInfo>?)null)
            ?? throw new ZgDbModelException(type.Name, null, $"has no primary key: add a property 'Id' or '{type.Name}Id', mark one with [Key], or call HasKey.");
        if (keyInfos.GroupBy(k => k.Name).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ZgDbModelException(type.Name, twice.Key, "is named twice in the composite key; each property is one part.");
        var keyParts = new List<EntityProperty>();
        foreach (var keyInfo in keyInfos)
        {
            var key = properties.FirstOrDefault(p => p.Name == keyInfo.Name)
                ?? throw new ZgDbModelException(type.Name, keyInfo.Name, "the key must be a stored property with a public getter and setter.");
            if (KeyKinds.Of(keyInfo.PropertyType) is null)
                throw new ZgDbModelException(type.Name, keyInfo.Name,
                    $"a key{(keyInfos.Count > 1 ? " part" : "")} of type {keyInfo.PropertyType.Name} is not supported; use an integer type (byte, sbyte, short, ushort, int, uint, long, ulong), " +
                    "char, string, Guid, DateTime, DateTimeOffset, DateOnly, decimal, an enum or byte[] (not nullable: a key part is never null).");
            key.IsRequired = true;
            keyParts.Add(key);
        }
        var keyKind = keyParts.Count > 1 ? KeyKind.Composite : KeyKinds.Of(keyParts[0].ClrType)!.Value;

        var indexes = new List<EntityIndex>();
        AddIndexes(config, properties, indexes);
        var entity = new EntityType(collection, type, keyParts, keyKind, properties, indexes);
        if (derived.Count > 0) Hierarchies.Build(entity, config, derived, entityTypes, indexes);
        return entity;
    }

    /// <summary>The declared indexes of <paramref name="config"/> (an entity's, or a derived type's on its root's collection), each checked against <paramref name="properties"/>.</summary>
    internal static void AddIndexes(EntityConfiguration config, IReadOnlyList<EntityProperty> properties, List<EntityIndex> indexes)
    {
        foreach (var index in config.Indexes)
        {
            var paths = index.Paths.Select(p => new PropertyPath(p)).ToList();
            foreach (var path in paths) CheckIndexPath(config.ClrType, path, properties);
            var name = string.Join(",", paths.Select(p => p.Name));
            if (indexes.Any(i => i.Name == name)) continue;
            indexes.Add(new EntityIndex(name, paths, index.IsUnique));
        }
    }

    /// <summary>The stored properties of <paramref name="config"/>'s type, with what attributes and the fluent API said of them.</summary>
    internal static List<EntityProperty> BuildProperties(EntityConfiguration config, HashSet<Type> entityTypes)
    {
        var type = config.ClrType;
        JsonAttributeCheck.CheckClass(type, IsMappable);

        var properties = new List<EntityProperty>();
        foreach (var info in MappableProperties(type))
        {
            if (config.Ignored.Contains(info.Name) || IsNavigation(info.PropertyType, entityTypes)) continue;
            var property = Describe(type, info, [type]);
            if (config.Required.TryGetValue(info.Name, out var required)) property.IsRequired = required;
            if (config.FormerNames.TryGetValue(info.Name, out var former)) property.FormerNames = former;
            if (config.MaxLength.TryGetValue(info.Name, out var max))
            {
                if (property.ValueType != typeof(string) && property.Shape != PropertyShape.Collection)
                    throw new ZgDbModelException(type.Name, info.Name, $"a maximum length applies to strings and collections, not to {info.PropertyType.Name}.");
                property.MaxLength = max;
            }
            properties.Add(property);
        }
        foreach (var name in config.Required.Keys.Concat(config.MaxLength.Keys).Concat(config.FormerNames.Keys))
            if (properties.All(p => p.Name != name) && !config.Ignored.Contains(name))
                throw new ZgDbModelException(type.Name, name, "is configured but is not a stored property of the entity.");
        CheckFormerNames(type, properties);
        CheckConstructorBindsStored(type, properties);

        return properties;
    }

    /// <summary>
    /// A former name is read into its property as an alias: it must not be the name of a stored property (documents
    /// would hold two values for one name) nor a former name of two properties.
    /// </summary>
    private static void CheckFormerNames(Type type, List<EntityProperty> properties)
    {
        var claimed = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in properties)
            foreach (var former in property.FormerNames)
            {
                if (former == property.Name)
                    throw new ZgDbModelException(type.Name, property.Name, $"HasFormerName(\"{former}\") names the property itself; a former name must differ from the current one.");
                if (properties.FirstOrDefault(p => p.Name == former) is { } other)
                    throw new ZgDbModelException(type.Name, property.Name,
                        $"HasFormerName(\"{former}\") collides with the stored property {other.Name} ({StoredModel.TypeName(other.ClrType)}): documents stored " +
                        $"under '{former}' would be read into both {property.Name} ({StoredModel.TypeName(property.ClrType)}) and {other.Name}. Give the new property " +
                        $"another name, or drop the former name and copy the values in a migration step.");
                if (!claimed.TryAdd(former, property.Name))
                    throw new ZgDbModelException(type.Name, property.Name, $"HasFormerName(\"{former}\") is also a former name of {claimed[former]}; documents stored under it can be read into one property only.");
            }
    }

    private static void CheckIndexPath(Type entity, PropertyPath path, IReadOnlyList<EntityProperty> properties)
    {
        IReadOnlyList<EntityProperty> level = properties;
        EntityProperty? current = null;
        foreach (var member in path.Members)
        {
            current = level.FirstOrDefault(p => p.Name == member.Name)
                ?? throw new ZgDbModelException(entity.Name, path.Name, "an index must be on stored properties.");
            level = current.NestedProperties;
        }
        if (current!.Shape != PropertyShape.Scalar || current.ValueType == typeof(byte[]))
            throw new ZgDbModelException(entity.Name, path.Name, $"an index must be on a scalar value (number, string, date, Guid, enum, bool), not on {current.ClrType.Name}.");
    }

    /// <summary>
    /// The constructor that creates instances of <paramref name="type"/> (EF Core's rule, and System.Text.Json's): the
    /// public parameterless one, else the only public constructor if each of its parameters binds to a mappable property
    /// of the same name (ignoring case) and type (a positional record's primary constructor); null if there is none.
    /// Properties the constructor does not take are set through their setters (init ones included).
    /// </summary>
    internal static ConstructorInfo? BindingConstructor(Type type)
    {
        if (type.GetConstructor(Type.EmptyTypes) is { } parameterless) return parameterless;
        var constructors = type.GetConstructors(BindingFlags.Public | BindingFlags.Instance);
        if (constructors.Length != 1) return null;
        var properties = MappableProperties(type).ToList();
        return constructors[0].GetParameters().All(p => BoundProperty(properties, p) is not null) ? constructors[0] : null;
    }

    /// <summary>The property a constructor parameter binds to: same name ignoring case, same type; or null.</summary>
    private static PropertyInfo? BoundProperty(IEnumerable<PropertyInfo> properties, ParameterInfo parameter) =>
        properties.FirstOrDefault(p => string.Equals(p.Name, parameter.Name, StringComparison.OrdinalIgnoreCase) && p.PropertyType == parameter.ParameterType);

    private static string UnboundParameters(Type type)
    {
        var constructors = type.GetConstructors(BindingFlags.Public | BindingFlags.Instance);
        if (constructors.Length != 1) return constructors.Length == 0 ? " It has no public constructor." : $" It has {constructors.Length} public constructors and none without parameters.";
        var properties = MappableProperties(type).ToList();
        var unbound = constructors[0].GetParameters().Where(p => BoundProperty(properties, p) is null).Select(p => $"{p.ParameterType.Name} {p.Name}");
        return $" Parameters with no such property: {string.Join(", ", unbound)}.";
    }

    /// <summary>A constructor parameter must bind to a stored property (not an ignored one or a navigation): documents fill it.</summary>
    private static void CheckConstructorBindsStored(Type type, List<EntityProperty> properties)
    {
        if (BindingConstructor(type) is not { } constructor) return;
        foreach (var parameter in constructor.GetParameters())
            if (properties.All(p => !string.Equals(p.Name, parameter.Name, StringComparison.OrdinalIgnoreCase)))
                throw new ZgDbModelException(type.Name, parameter.Name,
                    "a constructor parameter binds to a property that is not stored (ignored, or a navigation); documents could not fill it. Store the property or add a constructor without it.");
    }

    private static PropertyInfo? FindConventionalKey(Type type)
    {
        var props = MappableProperties(type).ToList();
        return props.FirstOrDefault(p => p.Name == "Id")
            ?? props.FirstOrDefault(p => p.Name == type.Name + "Id")
            ?? props.FirstOrDefault(p => string.Equals(p.Name, "Id", StringComparison.OrdinalIgnoreCase))
            ?? props.FirstOrDefault(p => string.Equals(p.Name, type.Name + "Id", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Public instance properties with a public getter and setter (init included) and no indexer parameters.</summary>
    internal static IEnumerable<PropertyInfo> MappableProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(IsMappable)
            .Where(p => p.GetCustomAttribute<NotMappedAttribute>() is null);

    private static bool IsMappable(PropertyInfo p) =>
        p.GetIndexParameters().Length == 0 && p.GetMethod is { IsPublic: true } && p.SetMethod is { IsPublic: true };

    private static bool IsNavigation(Type type, HashSet<Type> entityTypes) =>
        entityTypes.Contains(type) || (ElementType(type) is { } element && entityTypes.Contains(element));

    private static EntityProperty Describe(Type owner, PropertyInfo info, HashSet<Type> visiting)
    {
        JsonAttributeCheck.CheckProperty(owner, info);
        var type = info.PropertyType;
        var underlying = Nullable.GetUnderlyingType(type);
        if (IsScalar(underlying ?? type))
            return new EntityProperty(info, PropertyShape.Scalar, underlying ?? type, underlying is not null || !type.IsValueType);

        if (ElementType(type) is { } element)
        {
            var elementUnderlying = Nullable.GetUnderlyingType(element) ?? element;
            if (IsScalar(elementUnderlying))
                return new EntityProperty(info, PropertyShape.Collection, element, true);
            if (IsNestedClass(element))
                return new EntityProperty(info, PropertyShape.Collection, element, true) { NestedProperties = DescribeNested(owner, info, element, visiting) };
            throw Unsupported(owner, info, $"a collection of {element.Name}");
        }
        if (IsNestedClass(type))
            return new EntityProperty(info, PropertyShape.Nested, type, true) { NestedProperties = DescribeNested(owner, info, type, visiting) };
        throw Unsupported(owner, info, type.Name);
    }

    private static IReadOnlyList<EntityProperty> DescribeNested(Type owner, PropertyInfo info, Type nested, HashSet<Type> visiting)
    {
        if (!visiting.Add(nested))
            return []; // a recursive type (a tree); its properties were described where it first appeared.
        try
        {
            JsonAttributeCheck.CheckClass(nested, IsMappable);
            return MappableProperties(nested).Select(p => Describe(nested, p, visiting)).ToList();
        }
        catch (ZgDbModelException e) when (owner != nested)
        {
            throw new ZgDbModelException(owner.Name, info.Name, $"nested type {nested.Name}: {e.Message}");
        }
        finally
        {
            visiting.Remove(nested);
        }
    }

    private static ZgDbModelException Unsupported(Type owner, PropertyInfo info, string what) =>
        new(owner.Name, info.Name, $"type {what} cannot be stored. Supported: numbers, bool, char, string, decimal, DateTime, " +
            "DateTimeOffset, DateOnly, TimeOnly, TimeSpan, Guid, enums, byte[], nullable of these, nested classes with a public " +
            "parameterless constructor (or a positional record's), and lists or arrays of these. Use [NotMapped] or Ignore(...) to leave it out.");

    internal static bool IsScalar(Type type) =>
        type.IsPrimitive && type != typeof(IntPtr) && type != typeof(UIntPtr)
        || type.IsEnum
        || type == typeof(string) || type == typeof(decimal) || type == typeof(DateTime) || type == typeof(DateTimeOffset)
        || type == typeof(DateOnly) || type == typeof(TimeOnly) || type == typeof(TimeSpan) || type == typeof(Guid)
        || type == typeof(byte[]);

    private static bool IsNestedClass(Type type) =>
        type.IsClass && !type.IsAbstract && type != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(type)
        && !typeof(Delegate).IsAssignableFrom(type) && type != typeof(object) && BindingConstructor(type) is not null
        && !type.IsGenericTypeDefinition && type.Namespace?.StartsWith("System", StringComparison.Ordinal) != true;

    /// <summary>The element type of an array or of List/IList/ICollection/IEnumerable/IReadOnlyList/IReadOnlyCollection, else null.</summary>
    internal static Type? ElementType(Type type)
    {
        if (type == typeof(string) || type == typeof(byte[])) return null;
        if (type.IsArray) return type.GetArrayRank() == 1 ? type.GetElementType() : null;
        if (!type.IsGenericType) return null;
        var definition = type.GetGenericTypeDefinition();
        return definition == typeof(List<>) || definition == typeof(IList<>) || definition == typeof(ICollection<>)
            || definition == typeof(IEnumerable<>) || definition == typeof(IReadOnlyList<>) || definition == typeof(IReadOnlyCollection<>)
            ? type.GetGenericArguments()[0]
            : null;
    }
}
