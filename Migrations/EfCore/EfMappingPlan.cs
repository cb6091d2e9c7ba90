namespace ZgDb.Migrations.EfCore;

/// <summary>How a value is converted on its way into the EF Core database (see docs/MIGRATIONS.md, the type mapping table).</summary>
internal enum EfConversion
{
    None,
    /// <summary>DateTime: the clock value is stored; read back with <see cref="DateTimeKind.Utc"/> (PostgreSQL needs UTC for <c>timestamp with time zone</c>).</summary>
    DateTimeAsUtc,
    /// <summary>DateTimeOffset: stored as the same instant at offset 0 (PostgreSQL keeps no offset; ordering on SQLite's text is right only at one offset).</summary>
    DateTimeOffsetAsUtc,
    /// <summary>sbyte stored as short.</summary>
    ToInt16,
    /// <summary>ushort stored as int.</summary>
    ToInt32,
    /// <summary>uint stored as long.</summary>
    ToInt64,
    /// <summary>ulong stored as decimal(20,0).</summary>
    ToDecimal,
}

/// <summary>One scalar or primitive-collection property as EF Core will map it.</summary>
internal sealed record EfPropertyPlan(
    string Name, Type ClrType, bool IsKey, bool IsPrimitiveCollection, bool? IsRequired, int? MaxLength,
    EfConversion Conversion, EfConversion ElementConversion);

/// <summary>A nested class (or a list of them) mapped as an owned type stored in a JSON column.</summary>
internal sealed record EfOwnedPlan(
    string Navigation, Type ClrType, bool IsCollection, bool IsRequired, IReadOnlyList<EfPropertyPlan> Properties,
    IReadOnlyList<string> Ignored, IReadOnlyList<EfOwnedPlan> Owned);

/// <summary>An index over top-level properties.</summary>
internal sealed record EfIndexPlan(IReadOnlyList<string> Properties, bool IsUnique);

/// <summary>How the EF Core application gets the key of a new row (docs/MIGRATIONS.md, "Keys").</summary>
internal enum EfKeyGeneration
{
    /// <summary>The application sets the key (string, enum, date, byte[] and other keys ZgDb does not assign).</summary>
    Never,
    /// <summary>An integer key ZgDb assigns: an identity column (PostgreSQL, by default) or INTEGER PRIMARY KEY AUTOINCREMENT (SQLite), restarted past the highest exported key.</summary>
    Identity,
    /// <summary>A Guid key: EF Core generates a new Guid on add.</summary>
    OnAdd,
}

/// <summary>One entity type: its table, key, properties, owned types, indexes, and the CLR properties EF must ignore.</summary>
internal sealed record EfEntityPlan(
    EntityType Entity, string Table, IReadOnlyList<EfPropertyPlan> Properties, IReadOnlyList<EfOwnedPlan> Owned,
    IReadOnlyList<EfIndexPlan> Indexes, IReadOnlyList<string> Ignored, EfKeyGeneration KeyGeneration)
{
    public Type ClrType => Entity.ClrType;

    /// <summary>The hierarchy the collection holds (table-per-hierarchy), or null.</summary>
    public EfHierarchyPlan? Hierarchy { get; init; }

    /// <summary>The primary key's properties: one, or a composite key's parts in key order (EF Core's <c>HasKey(x =&gt; new { ... })</c>).</summary>
    public IReadOnlyList<string> Key => Entity.KeyParts.Select(p => p.Name).ToList();
}

/// <summary>A relationship with its navigations, foreign key, requiredness and delete behaviour (same names as EF Core's).</summary>
internal sealed record EfRelationshipPlan(Relationship Source, string DeleteBehavior)
{
    public Type Principal => Source.Principal.ClrType;
    public Type Dependent => Source.Dependent.ClrType;
    public string? PrincipalNavigation => Source.PrincipalNavigation?.Name;
    public string? DependentNavigation => Source.DependentNavigation?.Name;
    /// <summary>The foreign key's properties: one, or a composite foreign key's parts in key order.</summary>
    public IReadOnlyList<string> ForeignKey => Source.ForeignKeyParts.Select(p => p.Name).ToList();
    public bool IsUnique => Source.IsUnique;
    public bool IsRequired => Source.IsRequired;
}

/// <summary>
/// The EF Core mapping of a ZgDb model, decided once and rendered twice: applied to an EF Core ModelBuilder
/// (<see cref="EfModelReplay"/>) and written as C# (<see cref="SourceGeneration.DbContextSourceGenerator"/>), so both agree.
/// </summary>
internal sealed record EfMappingPlan(
    DatabaseModel Model, IReadOnlyList<EfEntityPlan> Entities, IReadOnlyList<EfRelationshipPlan> Relationships,
    IReadOnlyList<string> Notes)
{
    /// <summary>The mapping choices (nested types as JSON or columns, a string collation).</summary>
    public EfMappingOptions Mapping { get; init; } = EfMappingOptions.Default;

    /// <summary>The many-to-many relationships (their join entities' foreign keys are not in <see cref="Relationships"/>; an implicit join entity is not in <see cref="Entities"/>).</summary>
    public IReadOnlyList<EfManyToManyPlan> ManyToMany { get; init; } = [];

    /// <summary>The implicit join collections ZgDb keeps, which EF Core declares itself (copied by <see cref="Export.DataCopier"/> as its shared-type rows).</summary>
    public IReadOnlyList<EfEntityPlan> ImplicitJoins { get; init; } = [];
}

/// <summary>
/// A collection holding a hierarchy, as EF Core's table-per-hierarchy: one table, a string discriminator column
/// (<c>HasDiscriminator&lt;string&gt;("Discriminator").HasValue&lt;Dog&gt;("Dog")</c>), each derived type mapped with
/// <c>HasBaseType</c> and the columns it adds.
/// </summary>
internal sealed record EfHierarchyPlan(string Discriminator, string? RootValue, IReadOnlyList<EfDerivedPlan> Derived);

/// <summary>A derived type: its base, discriminator value (null when abstract), and what it adds to its base's mapping.</summary>
internal sealed record EfDerivedPlan(
    Type ClrType, Type BaseType, string? Value, IReadOnlyList<EfPropertyPlan> Properties, IReadOnlyList<EfOwnedPlan> Owned,
    IReadOnlyList<EfIndexPlan> Indexes, IReadOnlyList<string> Ignored);
