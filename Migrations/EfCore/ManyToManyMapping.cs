using Microsoft.EntityFrameworkCore;
using EfDeleteBehavior = Microsoft.EntityFrameworkCore.DeleteBehavior;
using EfModelBuilder = Microsoft.EntityFrameworkCore.ModelBuilder;

namespace ZgDb.Migrations.EfCore;

/// <summary>
/// One many-to-many relationship in the EF Core model (docs/MIGRATIONS.md, "Many-to-many"): <c>HasMany(p =&gt; p.Tags)
/// .WithMany(t =&gt; t.Posts)</c>. An implicit ZgDb join collection becomes EF Core's own implicit join entity (a
/// shared-type <c>Dictionary&lt;string, object&gt;</c> of the same name, <c>PostTag</c>, with the same columns,
/// <c>PostsId</c> and <c>TagsId</c>, by EF Core's conventions); an explicit one stays its entity, named in
/// <c>UsingEntity&lt;PostTag&gt;(...)</c> with its two foreign keys.
/// </summary>
internal sealed record EfManyToManyPlan(SkipNavigation Skip)
{
    public bool IsImplicit => Skip.IsImplicit;
    public EntityType Join => Skip.JoinEntity;
}

internal static class ManyToManyMapping
{
    /// <summary>One plan per many-to-many relationship (the model holds each twice, once per direction: the first wins).</summary>
    public static List<EfManyToManyPlan> Plan(DatabaseModel model)
    {
        var plans = new List<EfManyToManyPlan>();
        foreach (var skip in model.SkipNavigations)
            if (plans.All(p => p.Join != skip.JoinEntity)) plans.Add(new EfManyToManyPlan(skip));
        return plans;
    }

    /// <summary>Whether <paramref name="relationship"/> is a join entity's foreign key, configured inside <c>UsingEntity</c>.</summary>
    public static bool IsJoinRelationship(DatabaseModel model, Relationship relationship) =>
        model.SkipNavigations.Any(s => s.ToEntity == relationship);

    /// <summary>Whether <paramref name="entity"/> is an implicit join collection (EF Core declares it itself).</summary>
    public static bool IsImplicitJoin(DatabaseModel model, EntityType entity) =>
        model.SkipNavigations.Any(s => s.IsImplicit && s.JoinEntity == entity);

    public static void Apply(EfModelBuilder modelBuilder, EfManyToManyPlan plan)
    {
        var skip = plan.Skip;
        var manyToMany = modelBuilder.Entity(skip.Entity.ClrType).HasMany(skip.Target.ClrType, skip.Navigation.Name).WithMany(skip.InverseNavigation.Name);
        if (plan.IsImplicit) return; // EF Core's implicit join: same name, columns, key and cascades as ZgDb's
        manyToMany.UsingEntity(skip.JoinEntity.ClrType,
            right => right.HasOne(skip.Target.ClrType, skip.ToTarget.DependentNavigation?.Name).WithMany(skip.ToTarget.PrincipalNavigation?.Name)
                .HasForeignKey(skip.ToTarget.ForeignKey.Name).IsRequired(skip.ToTarget.IsRequired).OnDelete(Enum.Parse<EfDeleteBehavior>(skip.ToTarget.DeleteBehavior.ToString())),
            left => left.HasOne(skip.Entity.ClrType, skip.ToEntity.DependentNavigation?.Name).WithMany(skip.ToEntity.PrincipalNavigation?.Name)
                .HasForeignKey(skip.ToEntity.ForeignKey.Name).IsRequired(skip.ToEntity.IsRequired).OnDelete(Enum.Parse<EfDeleteBehavior>(skip.ToEntity.DeleteBehavior.ToString())));
    }
}
