using System.Reflection;

namespace ZgDb;

/// <summary>
/// One end of a many-to-many relationship, as EF Core's skip navigation: <c>Post.Tags</c> (with its inverse
/// <c>Tag.Posts</c>). The lists are never stored in the documents: each link is a row of the join collection (an
/// implicit one ZgDb keeps, named as EF Core names its join entity, <c>PostTag</c> keyed by <c>(PostsId, TagsId)</c>, or
/// the explicit entity of <c>UsingEntity&lt;PostTag&gt;()</c>), whose two foreign keys cascade on delete.
/// </summary>
public sealed class SkipNavigation
{
    internal SkipNavigation(EntityType entity, PropertyInfo navigation, EntityType target, PropertyInfo inverse, EntityType joinEntity,
        bool isImplicit, Relationship toEntity, Relationship toTarget)
    {
        Entity = entity;
        Navigation = navigation;
        Target = target;
        InverseNavigation = inverse;
        JoinEntity = joinEntity;
        IsImplicit = isImplicit;
        ToEntity = toEntity;
        ToTarget = toTarget;
        EntityKeyPart = JoinKeyPart(joinEntity, toEntity);
        TargetKeyPart = JoinKeyPart(joinEntity, toTarget);
    }

    private static int JoinKeyPart(EntityType join, Relationship relationship)
    {
        for (int i = 0; i < join.KeyParts.Count; i++)
            if (join.KeyParts[i] == relationship.ForeignKey) return i;
        throw new InvalidOperationException($"{join.Name}.{relationship.ForeignKeyName} is not a key part.");
    }

    /// <summary>The entity declaring the navigation (<c>Post</c>).</summary>
    public EntityType Entity { get; }

    /// <summary>The collection navigation (<c>Post.Tags</c>).</summary>
    public PropertyInfo Navigation { get; }

    /// <summary>The entity the navigation lists (<c>Tag</c>).</summary>
    public EntityType Target { get; }

    /// <summary>The navigation back (<c>Tag.Posts</c>).</summary>
    public PropertyInfo InverseNavigation { get; }

    /// <summary>The join collection's entity: one row per link, keyed by its two foreign keys.</summary>
    public EntityType JoinEntity { get; }

    /// <summary>Whether ZgDb declared the join entity (<c>HasMany().WithMany()</c> without <c>UsingEntity</c>, or by convention).</summary>
    public bool IsImplicit { get; }

    /// <summary>The join entity's relationship to <see cref="Entity"/> (its foreign key <c>PostsId</c>, cascading).</summary>
    public Relationship ToEntity { get; }

    /// <summary>The join entity's relationship to <see cref="Target"/> (its foreign key <c>TagsId</c>, cascading).</summary>
    public Relationship ToTarget { get; }

    /// <summary>Which part of the join key holds <see cref="Entity"/>'s key.</summary>
    internal int EntityKeyPart { get; }

    /// <summary>Which part of the join key holds <see cref="Target"/>'s key.</summary>
    internal int TargetKeyPart { get; }

    /// <summary>The join row linking <paramref name="entityKey"/> to <paramref name="targetKey"/>.</summary>
    internal object NewJoinRow(object entityKey, object targetKey)
    {
        var row = Activator.CreateInstance(JoinEntity.ClrType)!;
        ToEntity.ForeignKey.Info.SetValue(row, entityKey);
        ToTarget.ForeignKey.Info.SetValue(row, targetKey);
        return row;
    }

    /// <summary>The join key of the row linking <paramref name="entityKey"/> to <paramref name="targetKey"/>.</summary>
    internal CompositeKey JoinKey(object entityKey, object targetKey)
    {
        var parts = new object[2];
        parts[EntityKeyPart] = entityKey;
        parts[TargetKeyPart] = targetKey;
        return new CompositeKey(parts);
    }

    /// <summary>The target's key in a join key.</summary>
    internal object TargetKeyOf(object joinKey) => ((CompositeKey)joinKey).Parts[TargetKeyPart];

    /// <summary>Readable form, e.g. <c>Post.Tags &lt;-&gt; Tag.Posts (PostTag)</c>.</summary>
    public override string ToString() => $"{Entity.Name}.{Navigation.Name} <-> {Target.Name}.{InverseNavigation.Name} ({JoinEntity.CollectionName})";
}
