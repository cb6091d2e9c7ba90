using System.Linq.Expressions;
using System.Reflection;

namespace ZgDb;

/// <summary>What the fluent API said about one relationship.</summary>
internal sealed class RelationshipConfiguration
{
    public Type? Principal { get; set; }
    public Type? Dependent { get; set; }
    /// <summary>For one-to-one before HasForeignKey: the two ends, either of which may turn out to be the dependent.</summary>
    public (Type A, PropertyInfo? NavigationOnA, Type B, PropertyInfo? NavigationOnB)? OneToOne { get; set; }
    public PropertyInfo? PrincipalNavigation { get; set; }
    public PropertyInfo? DependentNavigation { get; set; }
    /// <summary>The foreign key's properties (several for a composite key), or null for the conventions to find.</summary>
    public List<PropertyInfo>? ForeignKey { get; set; }
    public bool IsUnique { get; set; }
    public bool? IsRequired { get; set; }
    public DeleteBehavior? DeleteBehavior { get; set; }
}

internal static class NavigationExpressions
{
    /// <summary>A foreign key: one property (<c>p =&gt; p.AuthorId</c>) or, for a composite key, several (<c>l =&gt; new { l.OrderId, l.ProductId }</c>).</summary>
    public static List<PropertyInfo> ParseForeignKey(LambdaExpression lambda, Type entity)
    {
        var paths = PropertyExpressions.ParseList(lambda, entity);
        if (paths.Any(p => p.Count != 1))
            throw new ZgDbModelException(entity.Name, null, $"HasForeignKey({lambda}) must name properties of the entity itself.");
        return paths.Select(p => p[0]).ToList();
    }

    public static PropertyInfo? Parse(LambdaExpression? lambda, Type entity)
    {
        if (lambda is null) return null;
        var path = PropertyExpressions.ParseSingle(lambda.Body, lambda.Parameters[0], entity, lambda);
        if (path.Count != 1) throw new ZgDbModelException(entity.Name, null, $"'{lambda}' must name a navigation property of {entity.Name}.");
        return path[0];
    }
}

/// <summary>Configures a reference navigation (<c>HasOne(p =&gt; p.Author)</c>); continue with WithMany or WithOne.</summary>
public sealed class ReferenceNavigationBuilder<TEntity, TRelated> where TEntity : class where TRelated : class
{
    private readonly ModelBuilder _model;
    private readonly PropertyInfo _navigation;

    internal ReferenceNavigationBuilder(ModelBuilder model, PropertyInfo navigation)
    {
        _model = model;
        _navigation = navigation;
    }

    /// <summary>Many <typeparamref name="TEntity"/> per <typeparamref name="TRelated"/>: <typeparamref name="TEntity"/> holds the foreign key.</summary>
    public ReferenceCollectionBuilder<TRelated, TEntity> WithMany(Expression<Func<TRelated, IEnumerable<TEntity>?>>? navigation = null)
    {
        var config = _model.AddRelationship(new RelationshipConfiguration
        {
            Principal = typeof(TRelated), Dependent = typeof(TEntity), DependentNavigation = _navigation,
            PrincipalNavigation = NavigationExpressions.Parse(navigation, typeof(TRelated)),
        });
        return new ReferenceCollectionBuilder<TRelated, TEntity>(config);
    }

    /// <summary>One-to-one; say which side holds the foreign key with <c>HasForeignKey&lt;TDependent&gt;</c>.</summary>
    public ReferenceReferenceBuilder WithOne(Expression<Func<TRelated, TEntity?>>? navigation = null)
    {
        var config = _model.AddRelationship(new RelationshipConfiguration
        {
            IsUnique = true,
            OneToOne = (typeof(TEntity), _navigation, typeof(TRelated), NavigationExpressions.Parse(navigation, typeof(TRelated))),
        });
        return new ReferenceReferenceBuilder(config);
    }
}

/// <summary>Configures a collection navigation (<c>HasMany(u =&gt; u.Posts)</c>); continue with WithOne.</summary>
public sealed class CollectionNavigationBuilder<TEntity, TRelated> where TEntity : class where TRelated : class
{
    private readonly ModelBuilder _model;
    private readonly PropertyInfo _navigation;

    internal CollectionNavigationBuilder(ModelBuilder model, PropertyInfo navigation)
    {
        _model = model;
        _navigation = navigation;
    }

    /// <summary>Each <typeparamref name="TRelated"/> belongs to one <typeparamref name="TEntity"/> and holds the foreign key.</summary>
    public ReferenceCollectionBuilder<TEntity, TRelated> WithOne(Expression<Func<TRelated, TEntity?>>? navigation = null)
    {
        var config = _model.AddRelationship(new RelationshipConfiguration
        {
            Principal = typeof(TEntity), Dependent = typeof(TRelated), PrincipalNavigation = _navigation,
            DependentNavigation = NavigationExpressions.Parse(navigation, typeof(TRelated)),
        });
        return new ReferenceCollectionBuilder<TEntity, TRelated>(config);
    }

    /// <summary>
    /// Many-to-many (EF Core's skip navigations): each <typeparamref name="TEntity"/> lists many <typeparamref name="TRelated"/>
    /// and back (<c>HasMany(p =&gt; p.Tags).WithMany(t =&gt; t.Posts)</c>). The links are rows of a join collection ZgDb
    /// keeps (<c>PostTag</c>), or of an entity of your own with <see cref="CollectionCollectionBuilder{TEntity,TRelated}.UsingEntity{TJoin}"/>.
    /// The inverse navigation is required (ZgDb has no unidirectional many-to-many).
    /// </summary>
    public CollectionCollectionBuilder<TEntity, TRelated> WithMany(Expression<Func<TRelated, IEnumerable<TEntity>?>>? navigation = null)
    {
        if (navigation is null)
            throw new ZgDbModelException(typeof(TEntity).Name, _navigation.Name,
                $"HasMany(...).WithMany() needs the inverse navigation (a collection of {typeof(TEntity).Name} on {typeof(TRelated).Name}): a unidirectional many-to-many is not supported.");
        var config = _model.AddSkipNavigation(new SkipNavigationConfiguration(typeof(TEntity), _navigation, typeof(TRelated), NavigationExpressions.Parse(navigation, typeof(TRelated))!));
        return new CollectionCollectionBuilder<TEntity, TRelated>(config);
    }
}

/// <summary>Configures a many-to-many relationship (returned by <c>HasMany(...).WithMany(...)</c>).</summary>
public sealed class CollectionCollectionBuilder<TEntity, TRelated> where TEntity : class where TRelated : class
{
    private readonly SkipNavigationConfiguration _config;

    internal CollectionCollectionBuilder(SkipNavigationConfiguration config) => _config = config;

    /// <summary>
    /// Stores the links as documents of <typeparamref name="TJoin"/>, a collection the database class declares: it needs a
    /// foreign key to each side (by EF Core's conventions, <c>PostId</c> and <c>TagId</c>) and those two as its composite key
    /// (<c>HasKey(j =&gt; new { j.PostId, j.TagId })</c>). ZgDb writes its rows from the navigations like the implicit ones.
    /// </summary>
    public CollectionCollectionBuilder<TEntity, TRelated> UsingEntity<TJoin>() where TJoin : class
    {
        _config.JoinType = typeof(TJoin);
        return this;
    }
}

/// <summary>Configures a one-to-many relationship: the foreign key, whether it is required, the delete behaviour.</summary>
public sealed class ReferenceCollectionBuilder<TPrincipal, TDependent> where TPrincipal : class where TDependent : class
{
    private readonly RelationshipConfiguration _config;

    internal ReferenceCollectionBuilder(RelationshipConfiguration config) => _config = config;

    /// <summary>The dependent's foreign key: one property (<c>p =&gt; p.AuthorId</c>) or, to a composite key, its parts in key order (<c>s =&gt; new { s.OrderId, s.ProductId }</c>).</summary>
    public ReferenceCollectionBuilder<TPrincipal, TDependent> HasForeignKey(Expression<Func<TDependent, object?>> foreignKey)
    {
        _config.ForeignKey = NavigationExpressions.ParseForeignKey(foreignKey, typeof(TDependent));
        return this;
    }

    /// <summary>What deleting a principal does to its dependents.</summary>
    public ReferenceCollectionBuilder<TPrincipal, TDependent> OnDelete(DeleteBehavior behavior)
    {
        _config.DeleteBehavior = behavior;
        return this;
    }

    /// <summary>Whether every dependent must have a principal.</summary>
    public ReferenceCollectionBuilder<TPrincipal, TDependent> IsRequired(bool required = true)
    {
        _config.IsRequired = required;
        return this;
    }
}

/// <summary>Configures a one-to-one relationship.</summary>
public sealed class ReferenceReferenceBuilder
{
    private readonly RelationshipConfiguration _config;

    internal ReferenceReferenceBuilder(RelationshipConfiguration config) => _config = config;

    /// <summary>The foreign key, on the side that is the dependent (<c>HasForeignKey&lt;Profile&gt;(p =&gt; p.UserId)</c>).</summary>
    public ReferenceReferenceBuilder HasForeignKey<TDependent>(Expression<Func<TDependent, object?>> foreignKey) where TDependent : class
    {
        var (a, navA, b, navB) = _config.OneToOne!.Value;
        if (typeof(TDependent) != a && typeof(TDependent) != b)
            throw new ZgDbModelException(typeof(TDependent).Name, null, $"is not an end of the one-to-one relationship between {a.Name} and {b.Name}.");
        _config.Dependent = typeof(TDependent);
        _config.Principal = typeof(TDependent) == a ? b : a;
        _config.DependentNavigation = typeof(TDependent) == a ? navA : navB;
        _config.PrincipalNavigation = typeof(TDependent) == a ? navB : navA;
        _config.ForeignKey = NavigationExpressions.ParseForeignKey(foreignKey, typeof(TDependent));
        return this;
    }

    /// <summary>What deleting a principal does to its dependent.</summary>
    public ReferenceReferenceBuilder OnDelete(DeleteBehavior behavior)
    {
        _config.DeleteBehavior = behavior;
        return this;
    }

    /// <summary>Whether every dependent must have a principal.</summary>
    public ReferenceReferenceBuilder IsRequired(bool required = true)
    {
        _config.IsRequired = required;
        return this;
    }
}
