using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using EfDeleteBehavior = Microsoft.EntityFrameworkCore.DeleteBehavior;
using EfModelBuilder = Microsoft.EntityFrameworkCore.ModelBuilder;
using EfPropertyBuilder = Microsoft.EntityFrameworkCore.Metadata.Builders.PropertyBuilder;

namespace ZgDb.Migrations.EfCore;

/// <summary>
/// Replays a ZgDb model into an EF Core model of the same CLR types: tables named like the collections, keys
/// generated where ZgDb assigns them (integers as identity columns, Guids on add; the exporter copies the keys as they
/// are and restarts the identities past them), required and maximum lengths, unique and
/// composite indexes, relationships with their delete behaviours, nested classes as owned types in JSON columns,
/// lists of scalars as primitive collections, enums as numbers. See docs/MIGRATIONS.md for the full mapping.
/// </summary>
public static class EfModelReplay
{
    /// <summary>
    /// Configures <paramref name="modelBuilder"/> (call it from a DbContext's <c>OnModelCreating</c>) with every entity and
    /// relationship of <paramref name="model"/>. Returns the notes of the documented mappings that change something
    /// (e.g. an index on a nested property that EF Core cannot create).
    /// </summary>
    /// <exception cref="ZgDbExportException">A part of the model EF Core cannot express (the message names it and says what to do).</exception>
    public static IReadOnlyList<string> Apply(EfModelBuilder modelBuilder, DatabaseModel model) => Apply(modelBuilder, model, null);

    /// <summary>
    /// Configures <paramref name="modelBuilder"/> with <paramref name="model"/> under the chosen <paramref name="mapping"/>
    /// (nested classes as JSON or as owned columns, a string collation); see the other overload.
    /// </summary>
    /// <exception cref="ZgDbExportException">A part of the model EF Core cannot express.</exception>
    public static IReadOnlyList<string> Apply(EfModelBuilder modelBuilder, DatabaseModel model, EfMappingOptions? mapping)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        ArgumentNullException.ThrowIfNull(model);
        var plan = EfMappingPlanner.Build(model, mapping);
        Apply(modelBuilder, plan);
        return plan.Notes;
    }

    internal static void Apply(EfModelBuilder modelBuilder, EfMappingPlan plan)
    {
        foreach (var entity in plan.Entities)
        {
            var builder = modelBuilder.Entity(entity.ClrType);
            builder.ToTable(entity.Table);
            foreach (var ignored in entity.Ignored) builder.Ignore(ignored);
            builder.HasKey([.. entity.Key]);
            foreach (var part in entity.Key)
            {
                var key = builder.Property(part);
                _ = entity.KeyGeneration == EfKeyGeneration.Never ? key.ValueGeneratedNever() : key.ValueGeneratedOnAdd();
            }
            foreach (var property in entity.Properties)
                ApplyProperty(property, builder.Property, builder.PrimitiveCollection, plan.Mapping);
            foreach (var owned in entity.Owned)
            {
                if (owned.IsCollection)
                    builder.OwnsMany(owned.ClrType, owned.Navigation, b => ApplyOwned(b, owned, isRoot: true, plan.Mapping, entity.Table));
                else
                {
                    builder.OwnsOne(owned.ClrType, owned.Navigation, b => ApplyOwned(b, owned, isRoot: true, plan.Mapping, entity.Table));
                    if (owned.IsRequired) builder.Navigation(owned.Navigation).IsRequired();
                }
            }
            foreach (var index in entity.Indexes)
                builder.HasIndex([.. index.Properties]).IsUnique(index.IsUnique);
            if (entity.Hierarchy is { } hierarchy) ApplyHierarchy(modelBuilder, builder, entity, hierarchy, plan.Mapping);
        }
        foreach (var manyToMany in plan.ManyToMany) ManyToManyMapping.Apply(modelBuilder, manyToMany);
        foreach (var relationship in plan.Relationships)
        {
            var dependent = modelBuilder.Entity(relationship.Dependent);
            var behavior = Enum.Parse<EfDeleteBehavior>(relationship.DeleteBehavior);
            var reference = dependent.HasOne(relationship.Principal, relationship.DependentNavigation);
            if (relationship.IsUnique)
                reference.WithOne(relationship.PrincipalNavigation).HasForeignKey(relationship.Dependent, [.. relationship.ForeignKey])
                    .IsRequired(relationship.IsRequired).OnDelete(behavior);
            else
                reference.WithMany(relationship.PrincipalNavigation).HasForeignKey([.. relationship.ForeignKey])
                    .IsRequired(relationship.IsRequired).OnDelete(behavior);
        }
    }

    /// <summary>Table-per-hierarchy: the discriminator column and its values, each derived type on its base with the columns it adds.</summary>
    private static void ApplyHierarchy(EfModelBuilder modelBuilder, EntityTypeBuilder root, EfEntityPlan entity, EfHierarchyPlan hierarchy, EfMappingOptions mapping)
    {
        var discriminator = root.HasDiscriminator<string>(hierarchy.Discriminator);
        if (hierarchy.RootValue is { } own) discriminator.HasValue(entity.ClrType, own);
        foreach (var derived in hierarchy.Derived)
        {
            var builder = modelBuilder.Entity(derived.ClrType);
            builder.HasBaseType(derived.BaseType);
            foreach (var ignored in derived.Ignored) builder.Ignore(ignored);
            foreach (var property in derived.Properties)
                ApplyProperty(property, builder.Property, builder.PrimitiveCollection, mapping);
            foreach (var owned in derived.Owned)
            {
                if (owned.IsCollection)
                    builder.OwnsMany(owned.ClrType, owned.Navigation, b => ApplyOwned(b, owned, isRoot: true, mapping, entity.Table));
                else
                {
                    builder.OwnsOne(owned.ClrType, owned.Navigation, b => ApplyOwned(b, owned, isRoot: true, mapping, entity.Table));
                    if (owned.IsRequired) builder.Navigation(owned.Navigation).IsRequired();
                }
            }
            foreach (var index in derived.Indexes)
                builder.HasIndex([.. index.Properties]).IsUnique(index.IsUnique);
            if (derived.Value is { } value) discriminator.HasValue(derived.ClrType, value);
        }
    }

    private static void ApplyOwned(OwnedNavigationBuilder builder, EfOwnedPlan owned, bool isRoot, EfMappingOptions mapping, string ownerTable)
    {
        if (isRoot && mapping.NestedTypes == NestedTypeMapping.Json) builder.ToJson();
        var table = ownerTable;
        if (mapping.NestedTypes == NestedTypeMapping.OwnedColumns && owned.IsCollection)
        {
            // A table of its own, keyed by an identity EF Core and the database generate: the rows are inserted (and read
            // back, ordered by key) in list order; a new element the application adds gets a new key.
            table = OwnedColumns.TableName(ownerTable, owned);
            var key = OwnedColumns.KeyName(owned);
            builder.ToTable(table);
            builder.WithOwner();
            builder.Property<int>(key).ValueGeneratedOnAdd();
            builder.HasKey(key);
        }
        foreach (var ignored in owned.Ignored) builder.Ignore(ignored);
        foreach (var property in owned.Properties)
            ApplyProperty(property, builder.Property, builder.PrimitiveCollection, mapping);
        foreach (var nested in owned.Owned)
        {
            if (nested.IsCollection)
                builder.OwnsMany(nested.ClrType, nested.Navigation, b => ApplyOwned(b, nested, isRoot: false, mapping, table));
            else
            {
                builder.OwnsOne(nested.ClrType, nested.Navigation, b => ApplyOwned(b, nested, isRoot: false, mapping, table));
                if (nested.IsRequired) builder.Navigation(nested.Navigation).IsRequired();
            }
        }
    }

    private static void ApplyProperty(EfPropertyPlan plan, Func<string, EfPropertyBuilder> property, Func<string, PrimitiveCollectionBuilder> collection, EfMappingOptions mapping)
    {
        if (plan.IsPrimitiveCollection)
        {
            var builder = collection(plan.Name);
            if (plan.IsRequired is { } required) builder.IsRequired(required);
            switch (plan.ElementConversion)
            {
                case EfConversion.None: break;
                case EfConversion.DateTimeAsUtc: builder.ElementType(e => e.HasConversion(EfConverters.DateTimeAsUtc)); break;
                case EfConversion.DateTimeOffsetAsUtc: builder.ElementType(e => e.HasConversion(EfConverters.DateTimeOffsetAsUtc)); break;
                case var other: builder.ElementType(e => e.HasConversion(EfConverters.ProviderType(other))); break;
            }
            return;
        }
        var scalar = property(plan.Name);
        if (plan.IsRequired is { } isRequired) scalar.IsRequired(isRequired);
        if (plan.MaxLength is { } max) scalar.HasMaxLength(max);
        if (mapping.StringCollation is { } collation && plan.ClrType == typeof(string)) scalar.UseCollation(collation);
        switch (plan.Conversion)
        {
            case EfConversion.None: break;
            case EfConversion.DateTimeAsUtc: scalar.HasConversion(EfConverters.DateTimeAsUtc); break;
            case EfConversion.DateTimeOffsetAsUtc: scalar.HasConversion(EfConverters.DateTimeOffsetAsUtc); break;
            case EfConversion.ToDecimal: scalar.HasConversion(typeof(decimal)).HasPrecision(20, 0); break;
            case var other: scalar.HasConversion(EfConverters.ProviderType(other)); break;
        }
    }
}
