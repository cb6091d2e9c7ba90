namespace ZgDb;

/// <summary>The defaults of a hierarchy, as EF Core's table-per-hierarchy has them.</summary>
public static class InheritanceDefaults
{
    /// <summary>The discriminator property's default name (EF Core's).</summary>
    public const string DiscriminatorProperty = "Discriminator";
}

/// <summary>
/// Sets the discriminator values of a hierarchy (EF Core's <c>HasDiscriminator(...).HasValue&lt;Dog&gt;("dog")</c>).
/// Returned by <see cref="EntityTypeBuilder{T}.HasDiscriminator"/>; by default a type's value is its CLR short name.
/// </summary>
public sealed class DiscriminatorBuilder<TRoot> where TRoot : class
{
    private readonly ModelBuilder _model;

    internal DiscriminatorBuilder(ModelBuilder model) => _model = model;

    /// <summary>The value stored in documents of <typeparamref name="TEntity"/> (the root or a type derived from it).</summary>
    public DiscriminatorBuilder<TRoot> HasValue<TEntity>(string value) where TEntity : TRoot
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        _model.GetOrAdd(typeof(TEntity)).DiscriminatorValue = value;
        return this;
    }

    /// <summary>The value stored in documents of the root type itself.</summary>
    public DiscriminatorBuilder<TRoot> HasValue(string value) => HasValue<TRoot>(value);
}

/// <summary>
/// A type stored in the collection of a base entity (table-per-hierarchy): its documents carry the root's
/// discriminator property with <see cref="DiscriminatorValue"/>. Immutable once the model is built.
/// </summary>
public sealed class DerivedEntityType
{
    internal DerivedEntityType(Type clrType, Type baseType, string? discriminatorValue, IReadOnlyList<EntityProperty> properties)
    {
        ClrType = clrType;
        BaseType = baseType;
        DiscriminatorValue = discriminatorValue;
        Properties = properties;
    }

    /// <summary>The derived CLR type.</summary>
    public Type ClrType { get; }

    /// <summary>Its base in the hierarchy (the root entity's type, or another derived type).</summary>
    public Type BaseType { get; }

    /// <summary>The type's name (its CLR short name).</summary>
    public string Name => ClrType.Name;

    /// <summary>The discriminator value its documents hold; null for an abstract type (it has no instances).</summary>
    public string? DiscriminatorValue { get; }

    /// <summary>Every stored property: the root's (the same objects) first, then those the derived types add.</summary>
    public IReadOnlyList<EntityProperty> Properties { get; }
}

/// <summary>Finds the hierarchies of a model (which configured types derive from which collection's entity) and builds them.</summary>
internal static class Hierarchies
{
    /// <summary>
    /// The derived types of each collection's entity: every configured type that is not a collection's and whose
    /// base (<c>HasBaseType</c>, else its CLR base class) leads to one. Ordered base before derived.
    /// </summary>
    public static Dictionary<Type, List<EntityConfiguration>> Resolve(ModelBuilder builder, HashSet<Type> collectionTypes)
    {
        var result = new Dictionary<Type, List<EntityConfiguration>>();
        foreach (var config in builder.Entities.Values)
        {
            if (collectionTypes.Contains(config.ClrType))
            {
                if (config.BaseType is { } own && Root(own, builder, collectionTypes) is not null)
                    throw new ZgDbModelException(config.ClrType.Name, null, $"HasBaseType<{own.Name}>(): {config.ClrType.Name} has a collection of its own; a derived type is stored in its base's collection only.");
                continue;
            }
            if (Root(config.ClrType, builder, collectionTypes) is not { } root) continue;
            if (!result.TryGetValue(root, out var list)) result[root] = list = [];
            list.Add(config);
        }
        // base before derived, else in the order they were configured (a stable sort)
        return result.ToDictionary(r => r.Key, r => r.Value.OrderBy(c => Depth(c.ClrType)).ToList());
    }

    private static int Depth(Type type) => type.BaseType is null ? 0 : 1 + Depth(type.BaseType);

    /// <summary>The collection entity <paramref name="type"/> derives from, following HasBaseType, else the CLR base classes.</summary>
    private static Type? Root(Type type, ModelBuilder builder, HashSet<Type> collectionTypes)
    {
        for (var current = BaseOf(type, builder); current is not null && current != typeof(object); current = BaseOf(current, builder))
            if (collectionTypes.Contains(current)) return current;
        return null;
    }

    private static Type? BaseOf(Type type, ModelBuilder builder) =>
        builder.Entities.TryGetValue(type, out var config) && config.BaseType is { } configured ? configured : type.BaseType;

    /// <summary>Builds the derived types of <paramref name="root"/> and adds their indexes to the collection's.</summary>
    public static void Build(EntityType root, EntityConfiguration rootConfig, List<EntityConfiguration> derived, HashSet<Type> entityTypes, List<EntityIndex> indexes)
    {
        var discriminator = rootConfig.DiscriminatorProperty ?? InheritanceDefaults.DiscriminatorProperty;
        var types = new List<DerivedEntityType>();
        var values = new Dictionary<string, Type>(StringComparer.Ordinal);
        var rootValue = root.ClrType.IsAbstract ? null : rootConfig.DiscriminatorValue ?? root.ClrType.Name;
        if (rootValue is not null) values[rootValue] = root.ClrType;
        CheckDiscriminatorName(root.ClrType, discriminator, root.Properties);
        foreach (var config in derived)
        {
            var type = config.ClrType;
            if (config.Key is not null && config.Key.Any(k => k.DeclaringType != type))
                throw new ZgDbModelException(type.Name, null, $"a derived type has the key of its root {root.Name} ({root.KeyName}); configure the key on {root.Name}.");
            if (!type.IsAbstract && ModelFactory.BindingConstructor(type) is null)
                throw new ZgDbModelException(type.Name, null, "a derived entity must be abstract or have a public parameterless constructor (or a positional record's).");
            var attributes = new EntityConfiguration(type);
            ModelFactory.ApplyAttributes(attributes);
            foreach (var (name, required) in attributes.Required) config.Required.TryAdd(name, required);
            foreach (var (name, max) in attributes.MaxLength) config.MaxLength.TryAdd(name, max);
            config.Ignored.UnionWith(attributes.Ignored);

            var own = ModelFactory.BuildProperties(config, entityTypes);
            // the root's first, then each level's, base before derived (reflection lists the most derived first)
            var properties = root.Properties.Concat(own.Where(p => root.Properties.All(r => r.Name != p.Name)).OrderBy(p => Depth(p.Info.DeclaringType!))).ToList();
            CheckDiscriminatorName(type, discriminator, properties);
            if ((types.FirstOrDefault(t => t.Name == type.Name)?.ClrType ?? (root.Name == type.Name ? root.ClrType : null)) is { } sameName)
                throw new ZgDbModelException(type.Name, null, $"two types of the {root.CollectionName} hierarchy have the short name {type.Name} " +
                    $"({sameName.FullName} and {type.FullName}); rename one, as EF Core's default discriminator is the short name.");
            var value = type.IsAbstract ? null : config.DiscriminatorValue ?? type.Name;
            if (value is not null && !values.TryAdd(value, type))
                throw new ZgDbModelException(type.Name, null, $"the discriminator value '{value}' is also {values[value].Name}'s; each type of a hierarchy needs its own (HasValue).");
            // the nearest base the hierarchy has (an unconfigured class between is skipped)
            var baseType = config.BaseType ?? type.BaseType!;
            while (baseType != root.ClrType && types.All(t => t.ClrType != baseType)) baseType = baseType.BaseType!;
            types.Add(new DerivedEntityType(type, baseType, value, properties));
            ModelFactory.AddIndexes(config, properties, indexes);
        }
        root.Discriminator = discriminator;
        root.DiscriminatorValue = rootValue;
        root.DerivedTypes = types;
    }

    private static void CheckDiscriminatorName(Type type, string discriminator, IReadOnlyList<EntityProperty> properties)
    {
        if (properties.Any(p => p.Name == discriminator || p.FormerNames.Contains(discriminator)))
            throw new ZgDbModelException(type.Name, discriminator, $"is the hierarchy's discriminator and a stored property; name the discriminator otherwise with HasDiscriminator(\"...\") on the root.");
        if (discriminator.StartsWith('$'))
            throw new ZgDbModelException(type.Name, discriminator, "a discriminator name may not start with '$' (JSON metadata names).");
    }
}
