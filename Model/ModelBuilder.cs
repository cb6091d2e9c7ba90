using System.Linq.Expressions;
using System.Reflection;

namespace ZgDb;

/// <summary>
/// The fluent configuration of a database's model, passed to <c>ZgDatabase.OnModelCreating</c>. Fluent calls
/// override attributes, which override conventions.
/// </summary>
public sealed class ModelBuilder
{
    private readonly Dictionary<Type, EntityConfiguration> _entities = new();
    private readonly List<RelationshipConfiguration> _relationships = [];

    internal IReadOnlyDictionary<Type, EntityConfiguration> Entities => _entities;
    internal IReadOnlyList<RelationshipConfiguration> Relationships => _relationships;
    internal List<SkipNavigationConfiguration> SkipNavigations { get; } = [];

    internal SkipNavigationConfiguration AddSkipNavigation(SkipNavigationConfiguration skip)
    {
        SkipNavigations.Add(skip);
        return skip;
    }

    internal RelationshipConfiguration AddRelationship(RelationshipConfiguration relationship)
    {
        _relationships.Add(relationship);
        return relationship;
    }

    /// <summary>Configures the entity type <typeparamref name="T"/>.</summary>
    public EntityTypeBuilder<T> Entity<T>() where T : class => new(this, GetOrAdd(typeof(T)));

    internal EntityConfiguration GetOrAdd(Type type)
    {
        if (!_entities.TryGetValue(type, out var config))
        {
            config = new EntityConfiguration(type);
            _entities.Add(type, config);
        }
        return config;
    }
}

/// <summary>What the fluent API and the attributes said about one entity, before conventions complete it.</summary>
internal sealed class EntityConfiguration(Type clrType)
{
    public Type ClrType { get; } = clrType;
    public List<PropertyInfo>? Key { get; set; }
    public HashSet<string> Ignored { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, bool> Required { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, int> MaxLength { get; } = new(StringComparer.Ordinal);
    public Dictionary<string, List<string>> FormerNames { get; } = new(StringComparer.Ordinal);
    public List<IndexConfiguration> Indexes { get; } = [];
    /// <summary>The base type named by <c>HasBaseType</c>, or null (then the CLR base class, when it is an entity).</summary>
    public Type? BaseType { get; set; }
    /// <summary>The discriminator's property name from <c>HasDiscriminator</c> (on the hierarchy's root), or null for "Discriminator".</summary>
    public string? DiscriminatorProperty { get; set; }
    /// <summary>The discriminator value from <c>HasValue</c>, or null for the CLR type's short name.</summary>
    public string? DiscriminatorValue { get; set; }
}

internal sealed class IndexConfiguration(List<List<PropertyInfo>> paths)
{
    public List<List<PropertyInfo>> Paths { get; } = paths;
    public bool IsUnique { get; set; }
}

/// <summary>Configures one entity type. Returned by <see cref="ModelBuilder.Entity{T}"/>.</summary>
public sealed class EntityTypeBuilder<T> where T : class
{
    private readonly ModelBuilder _model;
    private readonly EntityConfiguration _config;

    internal EntityTypeBuilder(ModelBuilder model, EntityConfiguration config)
    {
        _model = model;
        _config = config;
    }

    /// <summary>A reference navigation to another entity (<c>HasOne(p =&gt; p.Author)</c>); continue with WithMany or WithOne.</summary>
    public ReferenceNavigationBuilder<T, TRelated> HasOne<TRelated>(Expression<Func<T, TRelated?>> navigation) where TRelated : class =>
        new(_model, NavigationExpressions.Parse(navigation, typeof(T))!);

    /// <summary>A collection navigation to other entities (<c>HasMany(u =&gt; u.Posts)</c>); continue with WithOne.</summary>
    public CollectionNavigationBuilder<T, TRelated> HasMany<TRelated>(Expression<Func<T, IEnumerable<TRelated>?>> navigation) where TRelated : class =>
        new(_model, NavigationExpressions.Parse(navigation, typeof(T))!);

    /// <summary>
    /// Sets the primary key: one property (<c>HasKey(u =&gt; u.Code)</c>) or, as a composite key, several in key order
    /// (<c>HasKey(l =&gt; new { l.OrderId, l.ProductId })</c>). A composite key is never assigned by ZgDb.
    /// </summary>
    public EntityTypeBuilder<T> HasKey(Expression<Func<T, object?>> key)
    {
        var paths = PropertyExpressions.ParseList(key, typeof(T));
        if (paths.Any(p => p.Count != 1))
            throw new ZgDbModelException(typeof(T).Name, null, $"HasKey({key}) must name properties of the entity itself; nested keys are not supported.");
        _config.Key = paths.Select(p => p[0]).ToList();
        return this;
    }

    /// <summary>Sets the primary key by property names (<c>HasKey("OrderId", "ProductId")</c>), as EF Core's string overload.</summary>
    public EntityTypeBuilder<T> HasKey(params string[] propertyNames)
    {
        ArgumentNullException.ThrowIfNull(propertyNames);
        if (propertyNames.Length == 0) throw new ZgDbModelException(typeof(T).Name, null, "HasKey() names no property.");
        _config.Key = PrimaryKeyAttributes.Resolve(typeof(T), propertyNames);
        return this;
    }

    /// <summary>
    /// Declares a secondary index on a property (<c>u =&gt; u.Age</c>), a nested property (<c>u =&gt; u.Address.City</c>)
    /// or several properties (<c>u =&gt; new { u.City, u.Age }</c>).
    /// </summary>
    public IndexBuilder HasIndex(Expression<Func<T, object?>> properties)
    {
        var index = new IndexConfiguration(PropertyExpressions.ParseList(properties, typeof(T)));
        _config.Indexes.RemoveAll(i => SamePaths(i.Paths, index.Paths));
        _config.Indexes.Add(index);
        return new IndexBuilder(index);
    }

    /// <summary>Configures a stored property.</summary>
    public PropertyBuilder Property<TProperty>(Expression<Func<T, TProperty>> property)
    {
        var path = PropertyExpressions.ParseSingle(property.Body, property.Parameters[0], typeof(T), property);
        if (path.Count != 1)
            throw new ZgDbModelException(typeof(T).Name, string.Join(".", path.Select(p => p.Name)), "Property(...) must name a property of the entity itself.");
        return new PropertyBuilder(_config, path[0].Name);
    }

    /// <summary>Excludes a property from storage.</summary>
    public EntityTypeBuilder<T> Ignore(Expression<Func<T, object?>> property)
    {
        foreach (var path in PropertyExpressions.ParseList(property, typeof(T)))
            _config.Ignored.Add(path[0].Name);
        return this;
    }

    /// <summary>Excludes a property from storage, by name.</summary>
    public EntityTypeBuilder<T> Ignore(string propertyName)
    {
        _config.Ignored.Add(propertyName);
        return this;
    }

    /// <summary>
    /// Stores <typeparamref name="T"/> in the collection of its base entity <typeparamref name="TBase"/> (EF Core's
    /// table-per-hierarchy): documents of <typeparamref name="T"/> carry a discriminator naming their type. A class
    /// configured with <c>Entity&lt;T&gt;()</c> whose CLR base class is a collection's entity is derived by convention.
    /// </summary>
    public EntityTypeBuilder<T> HasBaseType<TBase>() where TBase : class
    {
        if (typeof(TBase) == typeof(T) || !typeof(TBase).IsAssignableFrom(typeof(T)))
            throw new ZgDbModelException(typeof(T).Name, null, $"HasBaseType<{typeof(TBase).Name}>(): {typeof(TBase).Name} is not a base class of {typeof(T).Name}.");
        _config.BaseType = typeof(TBase);
        return this;
    }

    /// <summary>
    /// Names the discriminator property of the hierarchy whose root is <typeparamref name="T"/> (EF Core's
    /// <c>HasDiscriminator</c>; default "Discriminator", a string); continue with <c>HasValue</c> to set the values.
    /// </summary>
    public DiscriminatorBuilder<T> HasDiscriminator(string propertyName = InheritanceDefaults.DiscriminatorProperty)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(propertyName);
        _config.DiscriminatorProperty = propertyName;
        return new DiscriminatorBuilder<T>(_model);
    }

    private static bool SamePaths(List<List<PropertyInfo>> a, List<List<PropertyInfo>> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.SequenceEqual(p.Second));
}

/// <summary>Configures a secondary index. Returned by <see cref="EntityTypeBuilder{T}.HasIndex"/>.</summary>
public sealed class IndexBuilder
{
    private readonly IndexConfiguration _index;

    internal IndexBuilder(IndexConfiguration index) => _index = index;

    /// <summary>Makes the index unique: two documents may not share a non-null value.</summary>
    public IndexBuilder IsUnique(bool unique = true)
    {
        _index.IsUnique = unique;
        return this;
    }
}

/// <summary>Configures a stored property. Returned by <see cref="EntityTypeBuilder{T}.Property"/>.</summary>
public sealed class PropertyBuilder
{
    private readonly EntityConfiguration _config;
    private readonly string _name;

    internal PropertyBuilder(EntityConfiguration config, string name)
    {
        _config = config;
        _name = name;
    }

    /// <summary>Requires a value: inserting or updating a document whose property is null fails.</summary>
    public PropertyBuilder IsRequired(bool required = true)
    {
        _config.Required[_name] = required;
        return this;
    }

    /// <summary>
    /// Declares a name the property had in an earlier version of the model: documents stored under that name are
    /// read into this property (and written under the new name from then on).
    /// </summary>
    public PropertyBuilder HasFormerName(string formerName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(formerName);
        if (!_config.FormerNames.TryGetValue(_name, out var names)) _config.FormerNames[_name] = names = [];
        if (!names.Contains(formerName)) names.Add(formerName);
        return this;
    }

    /// <summary>Limits the length of a string (or the count of a collection).</summary>
    public PropertyBuilder HasMaxLength(int maxLength)
    {
        if (maxLength <= 0)
            throw new ZgDbModelException(_config.ClrType.Name, _name, $"HasMaxLength({maxLength}) must be positive.");
        _config.MaxLength[_name] = maxLength;
        return this;
    }
}

/// <summary>Turns lambda bodies such as <c>u =&gt; u.Address.City</c> or <c>u =&gt; new { u.A, u.B }</c> into property paths.</summary>
internal static class PropertyExpressions
{
    public static List<List<PropertyInfo>> ParseList(LambdaExpression lambda, Type entity)
    {
        var body = StripConvert(lambda.Body);
        if (body is NewExpression anonymous)
            return anonymous.Arguments.Select(a => ParseSingle(a, lambda.Parameters[0], entity, lambda)).ToList();
        return [ParseSingle(body, lambda.Parameters[0], entity, lambda)];
    }

    public static List<PropertyInfo> ParseSingle(Expression expression, ParameterExpression parameter, Type entity, LambdaExpression whole)
    {
        var path = new List<PropertyInfo>();
        var current = StripConvert(expression);
        while (current is MemberExpression { Member: PropertyInfo property } member)
        {
            path.Insert(0, property);
            current = StripConvert(member.Expression!);
        }
        if (current != parameter || path.Count == 0)
            throw new ZgDbModelException(entity.Name, null, $"'{whole}' must select properties of the entity (such as x => x.Name or x => new {{ x.A, x.B }}).");
        return path;
    }

    private static Expression StripConvert(Expression e) =>
        e is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked } u ? StripConvert(u.Operand) : e;
}
