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
    public static List<Relationship> Resolve(List<EntityType> entities, IReadOnlyList<RelationshipConfiguration> configured)
    {
        var byType = entities.ToDictionary(e => e.ClrType);
        var used = new HashSet<PropertyInfo>();
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
        var fkInfo = config.ForeignKey;
        EntityProperty? foreignKey = fkInfo is not null
            ? dependent.FindProperty(fkInfo.Name) ?? throw new ZgDbModelException(dependent.Name, fkInfo.Name, "the foreign key must be a stored property.")
            : FindConventionalForeignKey(dependent, config.DependentNavigation, principal);
        var described = config.DependentNavigation?.Name ?? config.PrincipalNavigation?.Name;
        if (foreignKey is null)
            throw new ZgDbModelException(dependent.Name, described,
                $"no foreign key to {principal.Name} found: add a property '{(config.DependentNavigation?.Name ?? principal.Name)}{principal.Key.Name}' or configure HasForeignKey(...).");
        var fkType = Nullable.GetUnderlyingType(foreignKey.ClrType) ?? foreignKey.ClrType;
        if (fkType != principal.Key.ClrType)
            throw new ZgDbModelException(dependent.Name, foreignKey.Name, $"the foreign key is {foreignKey.ClrType.Name} but {principal.Name}.{principal.Key.Name} is {principal.Key.ClrType.Name}.");
        if (fkType == typeof(byte[]))
            throw new ZgDbModelException(dependent.Name, foreignKey.Name, $"a foreign key to the byte[] key {principal.Name}.{principal.Key.Name} is not supported: foreign keys are indexed, and an index cannot hold byte arrays.");
        bool required = config.IsRequired ?? !foreignKey.IsNullable;
        var behavior = config.DeleteBehavior ?? (required ? DeleteBehavior.Cascade : DeleteBehavior.ClientSetNull);
        if (behavior == DeleteBehavior.SetNull && !foreignKey.IsNullable)
            throw new ZgDbModelException(dependent.Name, foreignKey.Name, "DeleteBehavior.SetNull needs a nullable foreign key.");
        if (!dependent.Indexes.Any(i => i.Properties.Count == 1 && i.Properties[0].Name == foreignKey.Name))
            dependent.AddIndex(new EntityIndex(foreignKey.Name, [new PropertyPath([foreignKey.Info])], config.IsUnique));
        else if (config.IsUnique)
            dependent.Indexes.First(i => i.Properties.Count == 1 && i.Properties[0].Name == foreignKey.Name).IsUnique = true;
        return new Relationship(principal, dependent, foreignKey, config.PrincipalNavigation, config.DependentNavigation, config.IsUnique, required, behavior);
    }

    private static EntityProperty? FindConventionalForeignKey(EntityType dependent, PropertyInfo? navigation, EntityType principal)
    {
        var names = new List<string>();
        if (navigation is not null) names.AddRange([navigation.Name + principal.Key.Name, navigation.Name + "Id"]);
        names.AddRange([principal.Name + principal.Key.Name, principal.Name + "Id"]);
        return names.Distinct().Select(n => dependent.Properties.FirstOrDefault(p => string.Equals(p.Name, n, StringComparison.OrdinalIgnoreCase)))
            .FirstOrDefault(p => p is not null && p != dependent.Key);
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
