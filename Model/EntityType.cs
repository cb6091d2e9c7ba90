using System.Reflection;

namespace ZgDb;

/// <summary>The kinds of primary key ZgDb stores.</summary>
public enum KeyKind
{
    /// <summary><see cref="int"/>; 0 is replaced by the next key on insert.</summary>
    Int32,
    /// <summary><see cref="long"/>; 0 is replaced by the next key on insert.</summary>
    Int64,
    /// <summary><see cref="System.Guid"/>; an empty Guid is replaced by a new one on insert.</summary>
    Guid,
    /// <summary><see cref="string"/>, compared ordinally; never null or empty.</summary>
    String,
    /// <summary><see cref="byte"/>; 0 is replaced by the next key on insert.</summary>
    Byte,
    /// <summary><see cref="sbyte"/>; 0 is replaced by the next key on insert.</summary>
    SByte,
    /// <summary><see cref="short"/>; 0 is replaced by the next key on insert.</summary>
    Int16,
    /// <summary><see cref="ushort"/>; 0 is replaced by the next key on insert.</summary>
    UInt16,
    /// <summary><see cref="uint"/>; 0 is replaced by the next key on insert.</summary>
    UInt32,
    /// <summary>
    /// <see cref="ulong"/>; 0 is replaced by the next key on insert, up to <see cref="long.MaxValue"/> (the engine's
    /// counter is a long): explicit keys of any value are stored, and those above <see cref="long.MaxValue"/> do not
    /// move the counter (no assigned key can reach them).
    /// </summary>
    UInt64,
    /// <summary><see cref="char"/>, compared by UTF-16 code unit; never a lone surrogate.</summary>
    Char,
    /// <summary><see cref="System.DateTime"/>, compared by ticks (as <see cref="System.DateTime.CompareTo(System.DateTime)"/>: the kind is kept but not compared).</summary>
    DateTime,
    /// <summary><see cref="System.DateTimeOffset"/>, compared by instant (as <see cref="System.DateTimeOffset.CompareTo(System.DateTimeOffset)"/>).</summary>
    DateTimeOffset,
    /// <summary><see cref="System.DateOnly"/>.</summary>
    DateOnly,
    /// <summary><see cref="decimal"/>, compared by value (1.5 and 1.50 are one key).</summary>
    Decimal,
    /// <summary>An enum, compared and stored by its underlying value; never assigned (0 is a value like any other).</summary>
    Enum,
    /// <summary>A <see cref="byte"/> array, compared by content, lexicographically by unsigned byte (a shorter prefix first), as SQL orders binary keys; never null.</summary>
    Bytes,
    /// <summary>
    /// A composite key of several properties (<see cref="ZgDb.CompositeKey"/>): ordered lexicographically by part,
    /// each part as a single key of its kind orders; never assigned (every part is stored as given, 0 included, as
    /// EF Core does not generate composite keys). Parts may be of every other kind.
    /// </summary>
    Composite,
}

/// <summary>Which CLR types are keys of which <see cref="KeyKind"/>, and the rules that depend on the kind.</summary>
internal static class KeyKinds
{
    /// <summary>The kind of a key of CLR type <paramref name="type"/>, or null when the type cannot be a key.</summary>
    public static KeyKind? Of(Type type) => type switch
    {
        _ when type == typeof(int) => KeyKind.Int32,
        _ when type == typeof(long) => KeyKind.Int64,
        _ when type == typeof(Guid) => KeyKind.Guid,
        _ when type == typeof(string) => KeyKind.String,
        _ when type == typeof(byte) => KeyKind.Byte,
        _ when type == typeof(sbyte) => KeyKind.SByte,
        _ when type == typeof(short) => KeyKind.Int16,
        _ when type == typeof(ushort) => KeyKind.UInt16,
        _ when type == typeof(uint) => KeyKind.UInt32,
        _ when type == typeof(ulong) => KeyKind.UInt64,
        _ when type == typeof(char) => KeyKind.Char,
        _ when type == typeof(DateTime) => KeyKind.DateTime,
        _ when type == typeof(DateTimeOffset) => KeyKind.DateTimeOffset,
        _ when type == typeof(DateOnly) => KeyKind.DateOnly,
        _ when type == typeof(decimal) => KeyKind.Decimal,
        _ when type == typeof(byte[]) => KeyKind.Bytes,
        { IsEnum: true } => KeyKind.Enum,
        _ => null,
    };

    /// <summary>Whether keys of <paramref name="kind"/> are integers the engine assigns when 0 is inserted.</summary>
    public static bool IsInteger(KeyKind kind) => kind is KeyKind.Int32 or KeyKind.Int64 or KeyKind.Byte or KeyKind.SByte
        or KeyKind.Int16 or KeyKind.UInt16 or KeyKind.UInt32 or KeyKind.UInt64;

    /// <summary>The largest key the engine assigns for an integer kind (for <see cref="KeyKind.UInt64"/>: <see cref="long.MaxValue"/>).</summary>
    public static long MaxAssigned(KeyKind kind) => kind switch
    {
        KeyKind.Byte => byte.MaxValue,
        KeyKind.SByte => sbyte.MaxValue,
        KeyKind.Int16 => short.MaxValue,
        KeyKind.UInt16 => ushort.MaxValue,
        KeyKind.Int32 => int.MaxValue,
        KeyKind.UInt32 => uint.MaxValue,
        _ => long.MaxValue,
    };

    /// <summary>Orders byte-array keys as SQL orders binary values: by unsigned byte, a shorter prefix first.</summary>
    public static int CompareBytes(byte[]? a, byte[]? b)
    {
        if (ReferenceEquals(a, b)) return 0;
        if (a is null) return -1;
        if (b is null) return 1;
        return a.AsSpan().SequenceCompareTo(b);
    }

    /// <summary>Key equality for collections of boxed keys of <paramref name="kind"/>: a byte-array key is its content, not its reference.</summary>
    public static IEqualityComparer<object> BoxedEquality(KeyKind kind) => kind == KeyKind.Bytes ? BoxedByteKeys.Instance : EqualityComparer<object>.Default;

    private sealed class BoxedByteKeys : IEqualityComparer<object>
    {
        public static readonly BoxedByteKeys Instance = new();
        public new bool Equals(object? x, object? y) => CompareBytes(x as byte[], y as byte[]) == 0 && (x is null) == (y is null);
        public int GetHashCode(object obj) => HashBytes((byte[])obj);
    }

    /// <summary>A hash of a byte-array key's content (equal for equal content).</summary>
    public static int HashBytes(byte[] bytes)
    {
        var hash = new HashCode();
        hash.AddBytes(bytes);
        return hash.ToHashCode();
    }
}

/// <summary>Compares and hashes byte-array keys by content (<see cref="KeyKinds.CompareBytes"/>).</summary>
internal sealed class ByteKeyComparer : IComparer<byte[]>, IEqualityComparer<byte[]>
{
    public static readonly ByteKeyComparer Instance = new();
    public int Compare(byte[]? x, byte[]? y) => KeyKinds.CompareBytes(x, y);
    public bool Equals(byte[]? x, byte[]? y) => KeyKinds.CompareBytes(x, y) == 0;
    public int GetHashCode(byte[] obj) => KeyKinds.HashBytes(obj);
}

/// <summary>How a stored property's value is shaped.</summary>
public enum PropertyShape
{
    /// <summary>A single value: number, string, date, Guid, enum, bool, byte array, or a nullable of these.</summary>
    Scalar,
    /// <summary>A nested class stored inside the document.</summary>
    Nested,
    /// <summary>A list or array of scalars or nested classes stored inside the document.</summary>
    Collection,
}

/// <summary>One stored property of an entity or nested class. Immutable once the model is built.</summary>
public sealed class EntityProperty
{
    internal EntityProperty(PropertyInfo info, PropertyShape shape, Type valueType, bool isNullable)
    {
        Info = info;
        Shape = shape;
        ValueType = valueType;
        IsNullable = isNullable;
    }

    /// <summary>The CLR property.</summary>
    public PropertyInfo Info { get; }

    /// <summary>The property's name, as stored in documents.</summary>
    public string Name => Info.Name;

    /// <summary>The property's CLR type.</summary>
    public Type ClrType => Info.PropertyType;

    /// <summary>Scalar, nested class, or collection.</summary>
    public PropertyShape Shape { get; }

    /// <summary>The scalar type (without <see cref="Nullable{T}"/>), the nested class, or the collection's element type.</summary>
    public Type ValueType { get; }

    /// <summary>Whether the property may hold null (reference types and <see cref="Nullable{T}"/>).</summary>
    public bool IsNullable { get; }

    /// <summary>A value must be present (not null; for strings, not null). Set by <c>[Required]</c> or <c>IsRequired()</c>.</summary>
    public bool IsRequired { get; internal set; }

    /// <summary>The longest string (or collection) allowed, from <c>[MaxLength]</c>, <c>[StringLength]</c> or <c>HasMaxLength</c>.</summary>
    public int? MaxLength { get; internal set; }

    /// <summary>Names the property had before (<c>HasFormerName</c>): documents stored under them are read into this property.</summary>
    public IReadOnlyList<string> FormerNames { get; internal set; } = [];

    /// <summary>For nested classes and collections of them: the nested class's stored properties.</summary>
    public IReadOnlyList<EntityProperty> NestedProperties { get; internal set; } = [];
}

/// <summary>A secondary index over one or more property paths of an entity.</summary>
public sealed class EntityIndex
{
    internal EntityIndex(string name, IReadOnlyList<PropertyPath> properties, bool isUnique)
    {
        Name = name;
        Properties = properties;
        IsUnique = isUnique;
    }

    /// <summary>The index's name: its property paths joined with commas (e.g. <c>Email</c>, <c>City,Age</c>).</summary>
    public string Name { get; }

    /// <summary>The indexed property paths, in order (a composite index has several).</summary>
    public IReadOnlyList<PropertyPath> Properties { get; }

    /// <summary>Whether two documents may not share the indexed value (documents whose value is null are not checked).</summary>
    public bool IsUnique { get; internal set; }
}

/// <summary>A chain of properties from an entity to a value, such as <c>Address.City</c>.</summary>
public sealed class PropertyPath : IEquatable<PropertyPath>
{
    internal PropertyPath(IReadOnlyList<PropertyInfo> members) => Members = members;

    /// <summary>The properties walked, from the entity outwards.</summary>
    public IReadOnlyList<PropertyInfo> Members { get; }

    /// <summary>The path in dotted form.</summary>
    public string Name => string.Join(".", Members.Select(m => m.Name));

    /// <summary>The type of the value at the end of the path.</summary>
    public Type ValueType => Members[^1].PropertyType;

    /// <summary>Reads the value at the end of the path, or null when a step on the way is null.</summary>
    public object? GetValue(object entity)
    {
        object? current = entity;
        foreach (var member in Members)
        {
            // a derived type's property on a document of another type of the hierarchy: no value
            if (current is null || !member.DeclaringType!.IsInstanceOfType(current)) return null;
            current = member.GetValue(current);
        }
        return current;
    }

    /// <inheritdoc />
    public bool Equals(PropertyPath? other) => other is not null && Name == other.Name;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as PropertyPath);

    /// <inheritdoc />
    public override int GetHashCode() => Name.GetHashCode(StringComparison.Ordinal);

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>An entity type: a class stored in one collection, with its key, stored properties and indexes.</summary>
public sealed class EntityType
{
    private readonly List<EntityIndex> _indexes;

    internal EntityType(string collectionName, Type clrType, IReadOnlyList<EntityProperty> keyParts, KeyKind keyKind,
        IReadOnlyList<EntityProperty> properties, List<EntityIndex> indexes)
    {
        CollectionName = collectionName;
        ClrType = clrType;
        KeyParts = keyParts;
        KeyKind = keyKind;
        KeyPartKinds = keyParts.Select(p => KeyKinds.Of(p.ClrType)!.Value).ToArray();
        Properties = properties;
        _indexes = indexes;
    }

    internal void AddIndex(EntityIndex index) => _indexes.Add(index);

    /// <summary>The collection's name: the name of the <c>ZgCollection&lt;T&gt;</c> property on the database class.</summary>
    public string CollectionName { get; }

    /// <summary>The entity's CLR type.</summary>
    public Type ClrType { get; }

    /// <summary>The entity's name (its CLR type's name), used in messages and plans.</summary>
    public string Name => ClrType.Name;

    /// <summary>The primary key property; for a composite key (<see cref="HasCompositeKey"/>), its first part.</summary>
    public EntityProperty Key => KeyParts[0];

    /// <summary>The primary key's properties, in key order: one, or several for a composite key.</summary>
    public IReadOnlyList<EntityProperty> KeyParts { get; }

    /// <summary>The kind of each key part (for a single key: the key's kind).</summary>
    public IReadOnlyList<KeyKind> KeyPartKinds { get; }

    /// <summary>Whether the key has several properties (its kind is <see cref="KeyKind.Composite"/>, its values <see cref="CompositeKey"/>s).</summary>
    public bool HasCompositeKey => KeyParts.Count > 1;

    /// <summary>The key's name as messages and the stored model show it: the property, or the parts joined with commas (<c>OrderId,ProductId</c>).</summary>
    public string KeyName => string.Join(",", KeyParts.Select(p => p.Name));

    /// <summary>The primary key's kind.</summary>
    public KeyKind KeyKind { get; }

    /// <summary>The key of <paramref name="entity"/>: its key property's value, or a <see cref="CompositeKey"/> of its parts.</summary>
    public object? KeyOf(object entity)
    {
        if (!HasCompositeKey) return Key.Info.GetValue(entity);
        var parts = new object[KeyParts.Count];
        for (int i = 0; i < parts.Length; i++)
            if ((parts[i] = KeyParts[i].Info.GetValue(entity)!) is null) return null;
        return new CompositeKey(parts);
    }

    /// <summary>Every stored property, the key included, in declaration order.</summary>
    public IReadOnlyList<EntityProperty> Properties { get; }

    /// <summary>The secondary indexes (declared ones, and one per foreign key).</summary>
    public IReadOnlyList<EntityIndex> Indexes => _indexes;

    /// <summary>The CLR type of the key.</summary>
    public Type KeyClrType => HasCompositeKey ? typeof(CompositeKey) : Key.Info.PropertyType;

    /// <summary>Finds a stored property by name, or null.</summary>
    public EntityProperty? FindProperty(string name) => Properties.FirstOrDefault(p => p.Name == name);

    /// <summary>
    /// The discriminator's property name when the collection holds a hierarchy (<see cref="DerivedTypes"/>), else null.
    /// Documents hold it as a string; it is not one of <see cref="Properties"/> (no CLR property holds it).
    /// </summary>
    public string? Discriminator { get; internal set; }

    /// <summary>The discriminator value of documents of <see cref="ClrType"/> itself; null for an abstract root or no hierarchy.</summary>
    public string? DiscriminatorValue { get; internal set; }

    /// <summary>The types stored in this collection besides <see cref="ClrType"/>, base before derived (empty without a hierarchy).</summary>
    public IReadOnlyList<DerivedEntityType> DerivedTypes { get; internal set; } = [];

    /// <summary>Whether the collection holds a hierarchy (derived types, a discriminator).</summary>
    public bool HasHierarchy => Discriminator is not null;

    /// <summary>The stored properties of instances of <paramref name="clrType"/> (the entity's or a derived type's), or null for a type outside the hierarchy.</summary>
    public IReadOnlyList<EntityProperty>? PropertiesOf(Type clrType) =>
        clrType == ClrType ? Properties : DerivedTypes.FirstOrDefault(d => d.ClrType == clrType)?.Properties;

    /// <summary>The discriminator value of <paramref name="clrType"/>'s documents, or null (abstract, or outside the hierarchy).</summary>
    public string? DiscriminatorOf(Type clrType) =>
        clrType == ClrType ? DiscriminatorValue : DerivedTypes.FirstOrDefault(d => d.ClrType == clrType)?.DiscriminatorValue;
}

/// <summary>The whole model of a database: its entity types, one per collection. Immutable once built.</summary>
public sealed class DatabaseModel
{
    internal DatabaseModel(IReadOnlyList<EntityType> entities, IReadOnlyList<Relationship> relationships, IReadOnlyList<SkipNavigation>? skipNavigations = null)
    {
        Entities = entities;
        Relationships = relationships;
        SkipNavigations = skipNavigations ?? [];
        Stored = StoredModel.From(this);
    }

    /// <summary>Every relationship between the entities.</summary>
    public IReadOnlyList<Relationship> Relationships { get; }

    /// <summary>The many-to-many navigations (two per relationship, one per direction: <c>Post.Tags</c> and <c>Tag.Posts</c>).</summary>
    public IReadOnlyList<SkipNavigation> SkipNavigations { get; }

    /// <summary>The skip navigation <paramref name="navigation"/> is, or null.</summary>
    public SkipNavigation? FindSkipNavigation(System.Reflection.PropertyInfo navigation) => SkipNavigations.FirstOrDefault(s => s.Navigation == navigation);

    /// <summary>The many-to-many navigations declared by <paramref name="entity"/>.</summary>
    public IEnumerable<SkipNavigation> SkipNavigationsOf(EntityType entity) => SkipNavigations.Where(s => s.Entity == entity);

    /// <summary>The relationships in which <paramref name="entity"/> is the principal (its dependents).</summary>
    public IEnumerable<Relationship> DependentsOf(EntityType entity) => Relationships.Where(r => r.Principal == entity);

    /// <summary>The relationships in which <paramref name="entity"/> holds the foreign key.</summary>
    public IEnumerable<Relationship> PrincipalsOf(EntityType entity) => Relationships.Where(r => r.Dependent == entity);

    /// <summary>The entity types, in the order the database class declares its collections.</summary>
    public IReadOnlyList<EntityType> Entities { get; }

    /// <summary>The model's stored, versioned form (with its fingerprint).</summary>
    public StoredModel Stored { get; }

    /// <summary>The entity stored in <paramref name="clrType"/>'s collection, or null.</summary>
    public EntityType? FindEntity(Type clrType) => Entities.FirstOrDefault(e => e.ClrType == clrType);

    /// <summary>The entity of the named collection, or null.</summary>
    public EntityType? FindCollection(string name) => Entities.FirstOrDefault(e => e.CollectionName == name);
}
