using System.Reflection;

namespace ZgDb;

/// <summary>What the fluent API (or the convention) said about one many-to-many relationship.</summary>
internal sealed class SkipNavigationConfiguration(Type entity, PropertyInfo navigation, Type target, PropertyInfo inverse)
{
    public Type Entity { get; } = entity;
    public PropertyInfo Navigation { get; } = navigation;
    public Type Target { get; } = target;
    public PropertyInfo Inverse { get; } = inverse;
    /// <summary>The explicit join entity (<c>UsingEntity&lt;PostTag&gt;()</c>), or null for an implicit one.</summary>
    public Type? JoinType { get; set; }
}

/// <summary>
/// Finds the many-to-many relationships of a model (configured with <c>HasMany().WithMany()</c>, or by EF Core's
/// convention: two collection navigations that are each other's only inverse), adds the implicit join entities
/// (<see cref="JoinRowTypes"/>) and the join entities' two cascading relationships, which
/// <see cref="RelationshipResolver"/> then resolves as any other. <see cref="Complete"/> makes the
/// <see cref="SkipNavigation"/>s once they are resolved.
/// </summary>
internal sealed class SkipNavigationResolver
{
    private readonly List<(SkipNavigationConfiguration Config, EntityType Join, RelationshipConfiguration ToEntity, RelationshipConfiguration ToTarget)> _pending = [];

    /// <summary>The join entities' relationships, to resolve with the configured ones.</summary>
    public List<RelationshipConfiguration> Relationships { get; } = [];

    /// <summary>The skip navigations' properties: never one-to-many navigations.</summary>
    public HashSet<PropertyInfo> Navigations { get; } = [];

    /// <summary>Collects the many-to-many relationships; adds the implicit join entities to <paramref name="entities"/>.</summary>
    public static SkipNavigationResolver Prepare(List<EntityType> entities, ModelBuilder builder,
        Func<string, EntityConfiguration, HashSet<Type>, EntityType> buildEntity)
    {
        var resolver = new SkipNavigationResolver();
        var byType = entities.ToDictionary(e => e.ClrType);
        var configs = builder.SkipNavigations.ToList();
        var claimed = builder.Relationships.SelectMany(r => new[] { r.PrincipalNavigation, r.DependentNavigation, r.OneToOne?.NavigationOnA, r.OneToOne?.NavigationOnB })
            .Concat(configs.SelectMany(c => new[] { c.Navigation, c.Inverse })).Where(n => n is not null).Select(n => n!).ToHashSet();
        configs.AddRange(ByConvention(entities, byType, claimed));
        var entityTypes = byType.Keys.ToHashSet();
        foreach (var config in configs)
        {
            var entity = End(byType, config.Entity, config.Navigation);
            var target = End(byType, config.Target, config.Navigation);
            if (ModelFactory.ElementType(config.Inverse.PropertyType) != config.Entity)
                throw new ZgDbModelException(config.Target.Name, config.Inverse.Name,
                    $"the inverse of {config.Entity.Name}.{config.Navigation.Name} must be a collection of {config.Entity.Name}, not {config.Inverse.PropertyType.Name}.");
            if (config.Inverse == config.Navigation)
                throw new ZgDbModelException(config.Entity.Name, config.Navigation.Name, "a many-to-many navigation cannot be its own inverse.");
            foreach (var end in new[] { entity, target })
                if (end.HasCompositeKey)
                    throw new ZgDbModelException(end.Name, config.Navigation.Name, $"a many-to-many with {end.Name}, whose key is composite ({end.KeyName.Replace(",", ", ")}), is not supported: declare the join entity and two one-to-many relationships instead.");
            foreach (var navigation in new[] { config.Navigation, config.Inverse })
                if (!resolver.Navigations.Add(navigation))
                    throw new ZgDbModelException(navigation.DeclaringType!.Name, navigation.Name, "the navigation is used by two many-to-many relationships.");
            var (join, toEntity, toTarget) = config.JoinType is { } explicitJoin
                ? resolver.Explicit(config, explicitJoin, byType, builder)
                : resolver.Implicit(config, entity, target, entities, byType, entityTypes, buildEntity);
            resolver._pending.Add((config, join, toEntity, toTarget));
        }
        return resolver;
    }

    private static EntityType End(Dictionary<Type, EntityType> byType, Type type, PropertyInfo navigation) =>
        byType.TryGetValue(type, out var entity) ? entity
            : throw new ZgDbModelException(type.Name, navigation.Name, "is in a many-to-many relationship but has no ZgCollection on the database class.");

    /// <summary>EF Core's convention: <c>Post.Tags</c> (a collection of Tag) whose only navigation back is <c>Tag.Posts</c>, a collection of Post.</summary>
    private static IEnumerable<SkipNavigationConfiguration> ByConvention(List<EntityType> entities, Dictionary<Type, EntityType> byType, HashSet<PropertyInfo> claimed)
    {
        var taken = new HashSet<PropertyInfo>();
        foreach (var entity in entities)
            foreach (var navigation in ModelFactory.MappableProperties(entity.ClrType))
            {
                if (claimed.Contains(navigation) || taken.Contains(navigation)) continue;
                if (ModelFactory.ElementType(navigation.PropertyType) is not { } target || !byType.ContainsKey(target) || target == entity.ClrType) continue;
                var back = ModelFactory.MappableProperties(target).Where(p => p.PropertyType == entity.ClrType || ModelFactory.ElementType(p.PropertyType) == entity.ClrType).ToList();
                if (back.Count != 1 || back[0].PropertyType == entity.ClrType || claimed.Contains(back[0]) || taken.Contains(back[0])) continue;
                if (ModelFactory.MappableProperties(entity.ClrType).Count(p => ModelFactory.ElementType(p.PropertyType) == target || p.PropertyType == target) != 1) continue;
                taken.Add(navigation);
                taken.Add(back[0]);
                yield return new SkipNavigationConfiguration(entity.ClrType, navigation, target, back[0]);
            }
    }

    /// <summary>
    /// The join entity ZgDb declares, named as EF Core names it: the two entity names in ordinal order (<c>PostTag</c>),
    /// a foreign key per side named after the navigation that leads to it and its key (<c>PostsId</c>: <c>Tag.Posts</c>
    /// plus <c>Post.Id</c>), and the two as its composite key in the ordinal order of their names (<c>Person.Hobbies</c> /
    /// <c>Hobby.Fans</c> is <c>HobbyPerson</c> keyed by <c>(FansId, HobbiesId)</c>), as EF Core's implicit join entity.
    /// </summary>
    private (EntityType, RelationshipConfiguration, RelationshipConfiguration) Implicit(SkipNavigationConfiguration config, EntityType entity, EntityType target,
        List<EntityType> entities, Dictionary<Type, EntityType> byType, HashSet<Type> entityTypes, Func<string, EntityConfiguration, HashSet<Type>, EntityType> buildEntity)
    {
        var toEntityName = config.Inverse.Name + entity.Key.Name;
        var toTargetName = config.Navigation.Name + target.Key.Name;
        if (toEntityName == toTargetName)
            throw new ZgDbModelException(entity.Name, config.Navigation.Name, $"the implicit join's two foreign keys would both be named {toEntityName}: declare a join entity with UsingEntity<TJoin>().");
        var name = string.CompareOrdinal(entity.Name, target.Name) <= 0 ? entity.Name + target.Name : target.Name + entity.Name;
        bool entityFirst = string.CompareOrdinal(toEntityName, toTargetName) < 0; // EF Core orders the key by the foreign keys' names
        if (entities.FirstOrDefault(e => e.CollectionName == name || e.ClrType.Name == name) is { } clash)
            throw new ZgDbModelException(entity.Name, config.Navigation.Name,
                $"the implicit join collection of {entity.Name}.{config.Navigation.Name} <-> {target.Name}.{config.Inverse.Name} would be named {name}, which {clash.CollectionName} already is: name it with UsingEntity<TJoin>().");
        var entityPart = (toEntityName, entity.Key.ClrType);
        var targetPart = (toTargetName, target.Key.ClrType);
        var type = entityFirst ? JoinRowTypes.Get(name, entityPart, targetPart) : JoinRowTypes.Get(name, targetPart, entityPart);
        var joinConfig = new EntityConfiguration(type);
        joinConfig.Key = [.. type.GetProperties().OrderBy(p => p.MetadataToken)];
        var join = buildEntity(name, joinConfig, entityTypes);
        entities.Add(join);
        byType[type] = join;
        var toEntity = new RelationshipConfiguration { Principal = entity.ClrType, Dependent = type, ForeignKey = [type.GetProperty(toEntityName)!], IsRequired = true, DeleteBehavior = DeleteBehavior.Cascade };
        var toTarget = new RelationshipConfiguration { Principal = target.ClrType, Dependent = type, ForeignKey = [type.GetProperty(toTargetName)!], IsRequired = true, DeleteBehavior = DeleteBehavior.Cascade };
        Relationships.Add(toEntity);
        Relationships.Add(toTarget);
        return (join, toEntity, toTarget);
    }

    /// <summary>The join entity of <c>UsingEntity&lt;PostTag&gt;()</c>: a collection of the database class, with a foreign key to each side.</summary>
    private (EntityType, RelationshipConfiguration, RelationshipConfiguration) Explicit(SkipNavigationConfiguration config, Type joinType, Dictionary<Type, EntityType> byType, ModelBuilder builder)
    {
        if (!byType.TryGetValue(joinType, out var join))
            throw new ZgDbModelException(joinType.Name, null, $"UsingEntity<{joinType.Name}>() of {config.Entity.Name}.{config.Navigation.Name}: the join entity needs a ZgCollection<{joinType.Name}> property on the database class.");
        if (config.Entity == config.Target)
            throw new ZgDbModelException(joinType.Name, null, $"UsingEntity<{joinType.Name}>() on the self-referencing {config.Entity.Name}.{config.Navigation.Name} is not supported: use the implicit join (without UsingEntity).");
        if (join.ClrType.GetConstructor(Type.EmptyTypes) is null)
            throw new ZgDbModelException(joinType.Name, null, "a join entity needs a public parameterless constructor: ZgDb creates its rows from the navigations.");
        return (join, Side(config.Entity), Side(config.Target));

        RelationshipConfiguration Side(Type principal)
        {
            if (builder.Relationships.FirstOrDefault(r => r.Dependent == joinType && r.Principal == principal) is { } configured) return configured;
            var references = ModelFactory.MappableProperties(joinType).Where(p => p.PropertyType == principal).ToList();
            var collections = ModelFactory.MappableProperties(principal).Where(p => ModelFactory.ElementType(p.PropertyType) == joinType).ToList();
            var side = new RelationshipConfiguration
            {
                Principal = principal, Dependent = joinType, DeleteBehavior = DeleteBehavior.Cascade,
                DependentNavigation = references.Count == 1 ? references[0] : null,
                PrincipalNavigation = collections.Count == 1 ? collections[0] : null,
            };
            Relationships.Add(side);
            return side;
        }
    }

    /// <summary>The skip navigations (two per many-to-many, one per direction), once <paramref name="relationships"/> are resolved.</summary>
    public List<SkipNavigation> Complete(List<Relationship> relationships, IReadOnlyList<RelationshipConfiguration> configured)
    {
        var result = new List<SkipNavigation>();
        foreach (var (config, join, toEntityConfig, toTargetConfig) in _pending)
        {
            var toEntity = Find(relationships, configured, toEntityConfig);
            var toTarget = Find(relationships, configured, toTargetConfig);
            foreach (var side in new[] { toEntity, toTarget })
            {
                if (side.HasCompositeForeignKey)
                    throw new ZgDbModelException(join.Name, side.ForeignKeyName, "a join entity's foreign key to each side must be one property.");
                if (side.IsUnique)
                    throw new ZgDbModelException(join.Name, side.ForeignKeyName, "a join entity's foreign keys must not be unique (each side has many links).");
            }
            if (join.KeyParts.Count != 2 || !join.KeyParts.Contains(toEntity.ForeignKey) || !join.KeyParts.Contains(toTarget.ForeignKey))
                throw new ZgDbModelException(join.Name, null,
                    $"the join entity's key must be its two foreign keys (HasKey(j => new {{ j.{toEntity.ForeignKey.Name}, j.{toTarget.ForeignKey.Name} }}) or [PrimaryKey]); it is {join.KeyName.Replace(",", ", ")}.");
            bool isImplicit = config.JoinType is null;
            result.Add(new SkipNavigation(toEntity.Principal, config.Navigation, toTarget.Principal, config.Inverse, join, isImplicit, toEntity, toTarget));
            result.Add(new SkipNavigation(toTarget.Principal, config.Inverse, toEntity.Principal, config.Navigation, join, isImplicit, toTarget, toEntity));
        }
        return result;
    }

    private static Relationship Find(List<Relationship> relationships, IReadOnlyList<RelationshipConfiguration> configured, RelationshipConfiguration config)
    {
        int at = configured.ToList().IndexOf(config);
        return relationships[at];
    }
}
