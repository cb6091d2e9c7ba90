using System.Reflection;

namespace ZgDb;

/// <summary>What happens to dependents when their principal is deleted. The same names and meanings as EF Core's.</summary>
public enum DeleteBehavior
{
    /// <summary>Dependents are left as they are; since every dependent is visible to ZgDb, deleting a principal that still has dependents fails like <see cref="Restrict"/>.</summary>
    ClientSetNull,
    /// <summary>Deleting a principal that still has dependents fails with <see cref="ZgDbForeignKeyException"/>.</summary>
    Restrict,
    /// <summary>The dependents' foreign keys are set to null (the foreign key must be nullable).</summary>
    SetNull,
    /// <summary>The dependents are deleted too (and theirs, down the chain), in the same atomic write.</summary>
    Cascade,
    /// <summary>As <see cref="Cascade"/>.</summary>
    ClientCascade,
    /// <summary>As <see cref="Restrict"/>: ZgDb never leaves a dangling foreign key.</summary>
    NoAction,
    /// <summary>As <see cref="Restrict"/>.</summary>
    ClientNoAction,
}

/// <summary>
/// A relationship between a principal entity (the one referenced, e.g. User) and a dependent entity (the one
/// holding the foreign key, e.g. Post.AuthorId), with its navigations. Navigations are never stored; only the
/// foreign key is.
/// </summary>
public sealed class Relationship
{
    internal Relationship(EntityType principal, EntityType dependent, IReadOnlyList<EntityProperty> foreignKeyParts, PropertyInfo? principalNavigation,
        PropertyInfo? dependentNavigation, bool isUnique, bool isRequired, DeleteBehavior deleteBehavior)
    {
        Principal = principal;
        Dependent = dependent;
        ForeignKeyParts = foreignKeyParts;
        PrincipalNavigation = principalNavigation;
        DependentNavigation = dependentNavigation;
        IsUnique = isUnique;
        IsRequired = isRequired;
        DeleteBehavior = deleteBehavior;
    }

    /// <summary>The referenced entity.</summary>
    public EntityType Principal { get; }

    /// <summary>The entity holding the foreign key.</summary>
    public EntityType Dependent { get; }

    /// <summary>The dependent's foreign key property (its value is a principal key, or null when optional); for a composite foreign key, its first part.</summary>
    public EntityProperty ForeignKey => ForeignKeyParts[0];

    /// <summary>The foreign key's properties: one, or one per part of the principal's composite key, in key order.</summary>
    public IReadOnlyList<EntityProperty> ForeignKeyParts { get; }

    /// <summary>Whether the foreign key references a composite key (its value is a <see cref="CompositeKey"/>).</summary>
    public bool HasCompositeForeignKey => ForeignKeyParts.Count > 1;

    /// <summary>The foreign key's name: the property, or the parts joined with commas (<c>OrderId,ProductId</c>).</summary>
    public string ForeignKeyName => string.Join(",", ForeignKeyParts.Select(p => p.Name));

    /// <summary>
    /// The principal key <paramref name="dependent"/> refers to: the foreign key's value, or a <see cref="CompositeKey"/>
    /// of its parts; null when it refers to none (for a composite foreign key: when any part is null, as in EF Core).
    /// </summary>
    public object? ForeignKeyOf(object dependent)
    {
        if (!HasCompositeForeignKey) return ForeignKey.Info.GetValue(dependent);
        var parts = new object[ForeignKeyParts.Count];
        for (int i = 0; i < parts.Length; i++)
            if ((parts[i] = ForeignKeyParts[i].Info.GetValue(dependent)!) is null) return null;
        return new CompositeKey(parts);
    }

    /// <summary>Sets every part of <paramref name="dependent"/>'s foreign key to null (<see cref="DeleteBehavior.SetNull"/>).</summary>
    public void ClearForeignKey(object dependent)
    {
        foreach (var part in ForeignKeyParts) part.Info.SetValue(dependent, null);
    }

    /// <summary>The principal's navigation to its dependents (<c>User.Posts</c>, or <c>User.Profile</c> for one-to-one), if any.</summary>
    public PropertyInfo? PrincipalNavigation { get; }

    /// <summary>The dependent's navigation to its principal (<c>Post.Author</c>), if any.</summary>
    public PropertyInfo? DependentNavigation { get; }

    /// <summary>One-to-one: a principal has at most one dependent.</summary>
    public bool IsUnique { get; }

    /// <summary>Whether every dependent must have a principal (the foreign key is not nullable, or configured required).</summary>
    public bool IsRequired { get; }

    /// <summary>What deleting a principal does to its dependents.</summary>
    public DeleteBehavior DeleteBehavior { get; }

    /// <summary>The automatic index on the foreign key that finds a principal's dependents.</summary>
    public string ForeignKeyIndexName => ForeignKeyName;

    /// <summary>Readable form, e.g. <c>Post.AuthorId -&gt; User (Cascade)</c>.</summary>
    public override string ToString() => $"{Dependent.Name}.{(HasCompositeForeignKey ? "(" + ForeignKeyName.Replace(",", ", ") + ")" : ForeignKey.Name)} -> {Principal.Name} ({DeleteBehavior})";
}
