using System.Reflection;
using ZgDb.Tooling;

namespace ZgDb.Migrations.EfCore;

/// <summary>
/// Decides how each part of a ZgDb model maps to EF Core (a pure function of the model: no I/O, no EF types).
/// What EF Core cannot express is refused with <see cref="ZgDbExportException"/> naming the entity and property,
/// or, where a documented mapping exists (an index on a nested path, a collection's maximum count), written to
/// <see cref="EfMappingPlan.Notes"/>, which the export report and the generated source repeat.
/// </summary>
internal static class EfMappingPlanner
{
    public static EfMappingPlan Build(DatabaseModel model, EfMappingOptions? mapping) =>
        Build(model) with { Mapping = mapping ?? EfMappingOptions.Default };

    public static EfMappingPlan Build(DatabaseModel model)
    {
        var notes = new List<string>();
        var entities = model.Entities.Select(e => PlanEntity(model, e, notes)).ToList();
        var relationships = model.Relationships.Where(r => !ManyToManyMapping.IsJoinRelationship(model, r))
            .Select(r => new EfRelationshipPlan(r, r.DeleteBehavior.ToString())).ToList();
        return new EfMappingPlan(model, entities.Where(e => !ManyToManyMapping.IsImplicitJoin(model, e.Entity)).ToList(), relationships, notes)
        {
            ManyToMany = ManyToManyMapping.Plan(model),
            ImplicitJoins = entities.Where(e => ManyToManyMapping.IsImplicitJoin(model, e.Entity)).ToList(),
        };
    }

    private static EfEntityPlan PlanEntity(DatabaseModel model, EntityType entity, List<string> notes)
    {
        if (entity.ClrType.IsGenericType)
            throw new ZgDbExportException(entity.CollectionName, $"entity {entity.Name} is a generic type; EF Core maps a generic type only as a shared-type entity, which the exporter does not generate.");
        var navigations = model.Relationships.Where(r => r.Dependent == entity).Select(r => r.DependentNavigation)
            .Concat(model.Relationships.Where(r => r.Principal == entity).Select(r => r.PrincipalNavigation))
            .Concat(model.SkipNavigationsOf(entity).Select(s => s.Navigation))
            .OfType<PropertyInfo>().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);

        var properties = new List<EfPropertyPlan>();
        var owned = new List<EfOwnedPlan>();
        var path = new Stack<Type>([entity.ClrType]);
        foreach (var property in entity.Properties)
            PlanProperty(entity, property, entity.KeyParts.Contains(property), properties, owned, path, notes, property.Name);

        var indexes = new List<EfIndexPlan>();
        foreach (var index in entity.Indexes.Where(i => !entity.HasHierarchy || DeclaringType(i).IsAssignableFrom(entity.ClrType)))
        {
            if (index.Properties.Any(p => p.Members.Count > 1))
            {
                notes.Add($"{entity.Name}: index '{index.Name}' is on a nested property, which lives inside a JSON column; EF Core cannot index it, so the exported database has no such index (queries stay correct, only slower).");
                continue;
            }
            indexes.Add(new EfIndexPlan(index.Properties.Select(p => p.Name).ToList(), index.IsUnique));
        }
        return new EfEntityPlan(entity, entity.CollectionName, properties, owned, indexes, IgnoredProperties(entity.ClrType, entity.Properties, navigations),
            KeyGenerationOf(entity, notes)) { Hierarchy = entity.HasHierarchy ? PlanHierarchy(entity, navigations, notes) : null };
    }

    /// <summary>The type in the hierarchy an index is configured on in EF Core: the one declaring its first property (the root for its own).</summary>
    private static Type DeclaringType(EntityIndex index) => index.Properties[0].Members[0].DeclaringType!;

    /// <summary>Each derived type with the properties, owned types, indexes and ignored members it adds to its base's.</summary>
    private static EfHierarchyPlan PlanHierarchy(EntityType root, HashSet<string> navigations, List<string> notes)
    {
        var derived = new List<EfDerivedPlan>();
        var typesInModel = root.DerivedTypes.Select(d => d.ClrType).Prepend(root.ClrType).ToList();
        foreach (var type in root.DerivedTypes)
        {
            var inherited = root.PropertiesOf(type.BaseType)!;
            var properties = new List<EfPropertyPlan>();
            var owned = new List<EfOwnedPlan>();
            foreach (var property in type.Properties.Where(p => !inherited.Contains(p)))
                PlanProperty(root, property, false, properties, owned, new Stack<Type>([type.ClrType]), notes, type.Name + "." + property.Name);
            // an index belongs to the type of the model that declares its property (or the nearest one below it)
            var indexes = root.Indexes.Where(i => NearestInModel(DeclaringType(i), typesInModel) == type.ClrType)
                .Select(i => new EfIndexPlan(i.Properties.Select(p => p.Name).ToList(), i.IsUnique)).ToList();
            var ignored = IgnoredProperties(type.ClrType, type.Properties, navigations).Where(n => type.BaseType.GetProperty(n) is null).ToList();
            derived.Add(new EfDerivedPlan(type.ClrType, type.BaseType, type.DiscriminatorValue, properties, owned, indexes, ignored));
        }
        return new EfHierarchyPlan(root.Discriminator!, root.DiscriminatorValue, derived);
    }

    private static Type? NearestInModel(Type declaring, List<Type> typesInModel) =>
        typesInModel.Where(t => declaring.IsAssignableFrom(t)).OrderBy(t => Depth(t)).FirstOrDefault();

    private static int Depth(Type type) => type.BaseType is null ? 0 : 1 + Depth(type.BaseType);

    /// <summary>
    /// Keys ZgDb assigns stay assigned on the other side: integers become identity columns, Guids are generated on add.
    /// A ulong key is stored as decimal(20,0), which no identity column can be, so the application sets it.
    /// </summary>
    /// <remarks>A composite key is never generated (<see cref="KeyKind.Composite"/>: ZgDb stores its parts as given, as EF Core does).</remarks>
    private static EfKeyGeneration KeyGenerationOf(EntityType entity, List<string> notes)
    {
        if (entity.KeyKind == KeyKind.Guid) return EfKeyGeneration.OnAdd;
        if (entity.KeyKind == KeyKind.UInt64)
        {
            notes.Add($"{entity.Name}.{entity.Key.Name}: a ulong key is stored as decimal(20,0), which cannot be an identity column; the EF Core application sets its keys.");
            return EfKeyGeneration.Never;
        }
        return ZgDbTooling.IsAssignedKey(entity.KeyKind) ? EfKeyGeneration.Identity : EfKeyGeneration.Never;
    }

    private static void PlanProperty(EntityType entity, EntityProperty property, bool isKey, List<EfPropertyPlan> properties,
        List<EfOwnedPlan> owned, Stack<Type> path, List<string> notes, string displayPath)
    {
        switch (property.Shape)
        {
            case PropertyShape.Scalar:
                properties.Add(new EfPropertyPlan(property.Name, property.ClrType, isKey, false,
                    property.ClrType.IsValueType ? null : isKey || property.IsRequired,
                    property.ValueType == typeof(string) ? property.MaxLength : null, ConversionOf(property.ValueType), EfConversion.None));
                break;
            case PropertyShape.Collection when ZgDbTooling.IsScalar(Nullable.GetUnderlyingType(property.ValueType) ?? property.ValueType):
                var element = Nullable.GetUnderlyingType(property.ValueType) ?? property.ValueType;
                if (element == typeof(byte[]))
                    throw new ZgDbExportException(entity.CollectionName, $"property '{displayPath}' ({property.ClrType.Name}) is a list of byte arrays; EF Core has no primitive collection of binary values. Map it as a nested class holding a byte[] instead.");
                if (property.MaxLength is { } max)
                    notes.Add($"{entity.Name}.{displayPath}: the maximum count {max} is checked by ZgDb only; EF Core's maximum length of a primitive collection means its JSON text's length, so it is not set.");
                properties.Add(new EfPropertyPlan(property.Name, property.ClrType, false, true, property.IsRequired, null, EfConversion.None, ConversionOf(element)));
                break;
            default: // a nested class, or a list of nested classes
                if (path.Contains(property.ValueType))
                    throw new ZgDbExportException(entity.CollectionName,
                        $"property '{displayPath}' nests {property.ValueType.Name} inside itself (a tree); EF Core owned types cannot contain themselves. Store the tree flattened (a list with parent ids) or leave it out with [NotMapped].");
                path.Push(property.ValueType);
                var nestedProperties = new List<EfPropertyPlan>();
                var nestedOwned = new List<EfOwnedPlan>();
                foreach (var nested in property.NestedProperties)
                    PlanProperty(entity, nested, false, nestedProperties, nestedOwned, path, notes, displayPath + "." + nested.Name);
                path.Pop();
                if (property.MaxLength is { } count)
                    notes.Add($"{entity.Name}.{displayPath}: the maximum count {count} is checked by ZgDb only; EF Core has no such constraint.");
                owned.Add(new EfOwnedPlan(property.Name, property.ValueType, property.Shape == PropertyShape.Collection, property.IsRequired,
                    nestedProperties, IgnoredProperties(property.ValueType, property.NestedProperties, []), nestedOwned));
                break;
        }
    }

    /// <summary>
    /// The CLR type's public properties that ZgDb does not store and that are not navigations: EF Core's conventions
    /// would map some of them (e.g. those with a private setter), so they are ignored explicitly.
    /// </summary>
    private static List<string> IgnoredProperties(Type type, IReadOnlyList<EntityProperty> stored, HashSet<string> navigations) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0)
            .Select(p => p.Name).Distinct()
            .Where(n => stored.All(s => s.Name != n) && !navigations.Contains(n))
            .Order(StringComparer.Ordinal).ToList();

    internal static EfConversion ConversionOf(Type valueType)
    {
        var type = valueType.IsEnum ? Enum.GetUnderlyingType(valueType) : valueType;
        if (type == typeof(DateTime)) return EfConversion.DateTimeAsUtc;
        if (type == typeof(DateTimeOffset)) return EfConversion.DateTimeOffsetAsUtc;
        if (type == typeof(sbyte)) return EfConversion.ToInt16;
        if (type == typeof(ushort)) return EfConversion.ToInt32;
        if (type == typeof(uint)) return EfConversion.ToInt64;
        if (type == typeof(ulong)) return EfConversion.ToDecimal;
        return EfConversion.None;
    }
}
