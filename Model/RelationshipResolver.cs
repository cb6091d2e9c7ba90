using System.Reflection;

namespace ZgDb;

/// <summary>
/// Finds the relationships of a model: those configured with HasOne/HasMany, then EF Core's conventions over the
/// remaining navigation properties (a reference navigation <c>Author</c> with a foreign key <c>AuthorId</c> or
/// <c>Author&lt;Key&gt;</c>; a collection navigation <c>User.Posts</c> with <c>Post.UserId</c>). Adds an index on every
/// foreign key.
/// </summary>
internal static class RelationshipResolver
{
    public static List<Relationship> Resolve(List<EntityType> entities, IReadOnlyList<RelationshipConfiguration> configured, IEnumerable<PropertyInfo>? skipNavigations = null, IEnumerable<PropertyInfo>? ignoredNavigations = null)
    {
        var byType = entities.ToDictionary(e => e.ClrType);
        var ignored = new HashSet<PropertyInfo>(ignoredNavigations ?? []);
        foreach (var navigation in configured.SelectMany(c => new[] { c.PrincipalNavigation, c.DependentNavigation }).OfType<PropertyInfo>().Where(ignored.Contains))
            throw new ZgDbModelException(navigation.DeclaringType!.Name, navigation.Name,
                "the navigation is configured in a relationship and also left out of the model (Ignore(...) or [NotMapped]): keep one of the two.");
        // taken already: many-to-many navigations (SkipNavigationResolver) and the ones the model ignores
        var used = new HashSet<PropertyInfo>((skipNavigations ?? []).Concat(ignored));
        var result = new List<Relationship>();
        foreach (var config in configured)
        {
            if (config.Dependent is null) ResolveOneToOneEnds(config, byType);
            result.Add(Build(config, byType, used));
        }
        foreach (var entity in entities)
        {
            foreach (var navigation in Navigations(entity.ClrType, byType).Where(n => !used.Contains(n)))
            {
                if (used.Contains(navigation)) continue; // taken as an inverse earlier in this loop
                var target = NavigationTarget(navigation.PropertyType, byType)!;
                bool isCollection = navigation.PropertyType != target;
                var inverses = Navigations(target, byType).Where(n => !used.Contains(n) && n != navigation && NavigationTarget(n.PropertyType, byType) == entity.ClrType).ToList();
                RelationshipConfiguration config;
                if (isCollection)
                {
                    var inverse = inverses.Where(i => i.PropertyType == entity.ClrType).ToList();
                    config = new RelationshipConfiguration { Principal = entity.ClrType, Dependent = target, PrincipalNavigation = navigation, DependentNavigation = inverse.Count == 1 ? inverse[0] : null };
                }
                else
                {
                    var collectionInverse = inverses.Where(i => i.PropertyType != entity.ClrType).ToList();
                    var referenceInverse = inverses.Where(i => i.PropertyType == entity.ClrType).ToList();
                    if (collectionInverse.Count == 1 || referenceInverse.Count == 0)
                        config = new RelationshipConfiguration { Principal = target, Dependent = entity.ClrType, DependentNavigation = navigation, PrincipalNavigation = collectionInverse.Count == 1 ? collectionInverse[0] : null };
                    else
                    {
                        config = new RelationshipConfiguration { IsUnique = true, OneToOne = (entity.ClrType, navigation, target, referenceInverse.Count == 1 ? referenceInverse[0] : null) };
                        ResolveOneToOneEnds(config, byType);
                    }
                }
                result.Add(Build(config, byType, used));
            }
        }
        return result;
    }

    private static void ResolveOneToOneEnds(RelationshipConfiguration config, Dictionary<Type, EntityType> byType)
    {
        var (a, navA, b, navB) = config.OneToOne!.Value;
        var fkOnA = FindConventionalForeignKey(byType[a], navA, byType[b]);
        var fkOnB = FindConventionalForeignKey(byType[b], navB, byType[a]);
        if ((fkOnA is null) == (fkOnB is null))
            throw new ZgDbModelException(a.Name, navA?.Name, $"the one-to-one relationship with {b.Name} needs to know which side holds the foreign key: configure it with HasOne(...).WithOne(...).HasForeignKey<TDependent>(...).");
        bool dependentIsA = fkOnA is not null;
        config.Dependent = dependentIsA ? a : b;
        config.Principal = dependentIsA ? b : a;
        config.DependentNavigation = dependentIsA ? navA : navB;
        config.PrincipalNavigation = dependentIsA ? navB : navA;
    }

    private static Relationship Build(RelationshipConfiguration config, Dictionary<Type, EntityType> byType, HashSet<PropertyInfo> used)
    {
        if (!byType.TryGetValue(config.Dependent!, out var dependent))
            throw new ZgDbModelException(config.Dependent!.Name, null, "is in a relationship but has no ZgCollection on the database class.");
        if (!byType.TryGetValue(config.Principal!, out var principal))
            throw new ZgDbModelException(config.Principal!.Name, null, "is in a relationship but has no ZgCollection on the database class.");
        foreach (var navigation in new[] { config.PrincipalNavigation, config.DependentNavigation })
            if (navigation is not null && !used.Add(navigation))
                throw new ZgDbModelException(navigation.DeclaringType!.Name, navigation.Name, "the navigation is used by two relationships.");
        var described = config.DependentNavigation?.Name ?? config.PrincipalNavigation?.Name;
        var foreignKey = config.ForeignKey is { } configured
            ? configured.Select(info => dependent.FindProperty(info.Name) ?? throw new ZgDbModelException(dependent.Name, info.Name, "the foreign key must be a stored property.")).ToList()
            : FindConventionalForeignKey(dependent, config.DependentNavigation, principal)
            ?? throw new ZgDbModelException(dependent.Name, described, principal.HasCompositeKey
                ? $"no foreign key to {principal.Name}'s composite key ({principal.KeyName.Replace(",", ", ")}) found: add properties named as its parts or configure HasForeignKey(x => new {{ ... }})."
                : $"no foreign key to {principal.Name} found: add a property '{(config.DependentNavigation?.Name ?? principal.Name)}{principal.Key.Name}' or configure HasForeignKey(...).");
        var name = string.Join(",", foreignKey.Select(p => p.Name));
        if (foreignKey.Count != principal.KeyParts.Count)
            throw new ZgDbModelException(dependent.Name, name,
                $"the foreign key has {foreignKey.Count} propert{(foreignKey.Count == 1 ? "y" : "ies")} but the key of {principal.Name} has {principal.KeyParts.Count} ({principal.KeyName.Replace(",", ", ")}); a foreign key names one property per key part, in key order.");
        for (int i = 0; i < foreignKey.Count; i++)
        {
            var part = foreignKey[i];
            var key = principal.KeyParts[i];
            var fkType = Nullable.GetUnderlyingType(part.ClrType) ?? part.ClrType;
            if (fkType != key.ClrType)
                throw new ZgDbModelException(dependent.Name, part.Name, $"the foreign key is {part.ClrType.Name} but {principal.Name}.{key.Name} is {key.ClrType.Name}.");
            if (fkType == typeof(byte[]))
                throw new ZgDbModelException(dependent.Name, part.Name, $"a foreign key to the byte[] key {principal.Name}.{key.Name} is not supported: foreign keys are indexed, and an index cannot hold byte arrays.");
        }
        if (foreignKey.GroupBy(p => p.Name).FirstOrDefault(g => g.Count() > 1) is { } twice)
            throw new ZgDbModelException(dependent.Name, twice.Key, "is named twice in the foreign key.");
        bool anyNullable = foreignKey.Any(p => p.IsNullable);
        bool required = config.IsRequired ?? !anyNullable;
        var behavior = config.DeleteBehavior ?? (required ? DeleteBehavior.Cascade : DeleteBehavior.ClientSetNull);
        if (behavior == DeleteBehavior.SetNull && foreignKey.Any(p => !p.IsNullable))
            throw new ZgDbModelException(dependent.Name, foreignKey.First(p => !p.IsNullable).Name, "DeleteBehavior.SetNull needs a nullable foreign key" + (foreignKey.Count > 1 ? " (every part)." : "."));
        // The automatic index on the foreign key: on its property, or on its parts in key order.
        bool SameIndex(EntityIndex i) => i.Properties.Count == foreignKey.Count && i.Properties.Zip(foreignKey).All(p => p.First.Members.Count == 1 && p.First.Name == p.Second.Name);
        if (!dependent.Indexes.Any(SameIndex))
            dependent.AddIndex(new EntityIndex(name, foreignKey.Select(p => new PropertyPath([p.Info])).ToList(), config.IsUnique));
        else if (config.IsUnique)
            dependent.Indexes.First(SameIndex).IsUnique = true;
        return new Relationship(principal, dependent, foreignKey, config.PrincipalNavigation, config.DependentNavigation, config.IsUnique, required, behavior);
    }

    /// <summary>
    /// EF Core's naming conventions for a foreign key: <c>&lt;navigation&gt;&lt;key&gt;</c>, <c>&lt;navigation&gt;Id</c>,
    /// <c>&lt;principal&gt;&lt;key&gt;</c>, <c>&lt;principal&gt;Id</c>; for a composite key, each part as
    /// <c>&lt;navigation&gt;&lt;part&gt;</c>, <c>&lt;principal&gt;&lt;part&gt;</c> or the part's own name. Null when none is found.
    /// </summary>
    private static List<EntityProperty>? FindConventionalForeignKey(EntityType dependent, PropertyInfo? navigation, EntityType principal)
    {
        EntityProperty? Named(IEnumerable<string> names, Func<EntityProperty, bool> allowed) =>
            names.Distinct().Select(n => dependent.Properties.FirstOrDefault(p => string.Equals(p.Name, n, StringComparison.OrdinalIgnoreCase)))
                .FirstOrDefault(p => p is not null && allowed(p));
        if (principal.HasCompositeKey)
        {
            var parts = new List<EntityProperty>();
            foreach (var part in principal.KeyParts)
            {
                var names = new List<string>();
                if (navigation is not null) names.Add(navigation.Name + part.Name);
                names.AddRange([principal.Name + part.Name, part.Name]);
                if (Named(names, p => dependent != principal && !parts.Contains(p)) is not { } found) return null;
                parts.Add(found);
            }
            return parts;
        }
        var single = new List<string>();
        if (navigation is not null) single.AddRange([navigation.Name + principal.Key.Name, navigation.Name + "Id"]);
        single.AddRange([principal.Name + principal.Key.Name, principal.Name + "Id"]);
        // Not the dependent's own single key; a part of a composite key may be a foreign key (Northwind's Order Details).
        return Named(single, p => p != dependent.Key || dependent.HasCompositeKey) is { } foreignKey ? [foreignKey] : null;
    }

    private static IEnumerable<PropertyInfo> Navigations(Type type, Dictionary<Type, EntityType> byType) =>
        ModelFactory.MappableProperties(type).Where(p => NavigationTarget(p.PropertyType, byType) is not null);

    /// <summary>The entity a navigation points at (the type itself, or a collection's element), or null.</summary>
    private static Type? NavigationTarget(Type type, Dictionary<Type, EntityType> byType)
    {
        if (byType.ContainsKey(type)) return type;
        return ModelFactory.ElementType(type) is { } element && byType.ContainsKey(element) ? element : null;
    }
}
