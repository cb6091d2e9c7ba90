using System.IO.Hashing;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ZgDb;

/// <summary>
/// The model as stored with the data (inside the manifest): plain names and type names, versioned, with a
/// fingerprint so a changed model is noticed on open.
/// </summary>
public sealed record StoredModel
{
    /// <summary>The version of this stored form.</summary>
    public int Version { get; init; } = 1;

    /// <summary>One entry per collection.</summary>
    public List<StoredEntity> Entities { get; init; } = [];

    /// <summary>The relationships.</summary>
    public List<StoredRelationship> Relationships { get; init; } = [];

    /// <summary>
    /// Property shapes that stored documents may still hold but <see cref="Entities"/> no longer describes: a removed
    /// property, the former type of a widened one, the name a renamed one had. Carried forward from manifest to manifest
    /// (documents are not rewritten when the model changes), so a later re-add of the name is judged against what is
    /// stored. Null when there is none; not part of the <see cref="Fingerprint"/>.
    /// </summary>
    public List<StoredRemovedProperty>? RemovedProperties { get; init; }

    /// <summary>
    /// The last stored form of collections the model no longer has (their data is kept in the files), so a collection
    /// added back is judged against its stored documents. Null when there is none; not part of the <see cref="Fingerprint"/>.
    /// </summary>
    public List<StoredEntity>? RemovedEntities { get; init; }

    /// <summary>An XxHash64 (hex) of the canonical JSON of <see cref="Entities"/> and <see cref="Relationships"/>.</summary>
    [JsonIgnore]
    public string Fingerprint => ComputeFingerprint(Entities);

    internal static StoredModel From(DatabaseModel model) => new()
    {
        Entities = model.Entities.Select(e => new StoredEntity
        {
            Collection = e.CollectionName,
            ClrType = e.ClrType.FullName ?? e.ClrType.Name,
            Key = e.KeyName,
            KeyKind = e.KeyKind.ToString(),
            KeyParts = e.HasCompositeKey ? e.KeyPartKinds.Select(k => k.ToString()).ToList() : null,
            Properties = e.Properties.Select(Store).ToList(),
            Indexes = e.Indexes.Select(i => new StoredIndex { Name = i.Name, Unique = i.IsUnique }).ToList(),
            Discriminator = e.Discriminator,
            DiscriminatorValue = e.DiscriminatorValue,
            DerivedTypes = e.HasHierarchy ? e.DerivedTypes.Select(d => new StoredDerivedType
            {
                ClrType = d.ClrType.FullName ?? d.Name,
                Name = d.Name,
                BaseType = d.BaseType.Name,
                DiscriminatorValue = d.DiscriminatorValue,
                Properties = d.Properties.Where(p => !e.Properties.Contains(p)).Select(Store).ToList(),
            }).ToList() : null,
        }).ToList(),
        Relationships = model.Relationships.Select(r => new StoredRelationship
        {
            Principal = r.Principal.CollectionName,
            Dependent = r.Dependent.CollectionName,
            ForeignKey = r.ForeignKeyName,
            PrincipalNavigation = r.PrincipalNavigation?.Name,
            DependentNavigation = r.DependentNavigation?.Name,
            Unique = r.IsUnique,
            Required = r.IsRequired,
            OnDelete = r.DeleteBehavior.ToString(),
        }).ToList(),
    };

    private static StoredProperty Store(EntityProperty p) => new()
    {
        Name = p.Name,
        Type = TypeName(p.ClrType),
        Underlying = EnumUnderlyingName(p.ClrType),
        Required = p.IsRequired,
        MaxLength = p.MaxLength,
        FormerNames = p.FormerNames.Count == 0 ? null : p.FormerNames.ToList(),
        Nested = p.NestedProperties.Count == 0 ? null : p.NestedProperties.Select(Store).ToList(),
    };

    /// <summary>The underlying integer type (<c>int64</c>) of the enum a type stores (<c>E</c>, <c>E?</c>, <c>List&lt;E&gt;</c>), or null.</summary>
    internal static string? EnumUnderlyingName(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (ModelFactory.ElementType(type) is { } element) type = Nullable.GetUnderlyingType(element) ?? element;
        return type.IsEnum ? TypeName(Enum.GetUnderlyingType(type)) : null;
    }

    /// <summary>A stable, readable name for a CLR type (<c>int32</c>, <c>string</c>, <c>int32?</c>, <c>list&lt;string&gt;</c>, <c>Address</c>).</summary>
    public static string TypeName(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } inner) return TypeName(inner) + "?";
        if (type == typeof(byte[])) return "bytes";
        if (ModelFactory.ElementType(type) is { } element) return $"list<{TypeName(element)}>";
        if (type.IsEnum) return "enum:" + type.Name;
        return Type.GetTypeCode(type) switch
        {
            TypeCode.Object or TypeCode.DateTime => type.Name,
            var code => code.ToString().ToLowerInvariant(),
        };
    }

    private static readonly JsonSerializerOptions CanonicalOptions = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        TypeInfoResolver = ZgJson.Reflection(),
    };

    private string ComputeFingerprint(List<StoredEntity> entities)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(new { entities, Relationships }, CanonicalOptions);
        return XxHash64.HashToUInt64(json).ToString("x16");
    }

    /// <summary>The canonical JSON of this stored model.</summary>
    public override string ToString() => Encoding.UTF8.GetString(JsonSerializer.SerializeToUtf8Bytes(this, CanonicalOptions));
}

/// <summary>A collection's entity in the stored model.</summary>
public sealed record StoredEntity
{
    /// <summary>The collection's name.</summary>
    public string Collection { get; init; } = "";
    /// <summary>The CLR type's full name when stored.</summary>
    public string ClrType { get; init; } = "";
    /// <summary>The key property's name.</summary>
    public string Key { get; init; } = "";
    /// <summary>The key's kind (<see cref="ZgDb.KeyKind"/>).</summary>
    public string KeyKind { get; init; } = "";
    /// <summary>
    /// For a composite key (<see cref="ZgDb.KeyKind.Composite"/>): the kind of each part, in key order (the parts'
    /// properties are <see cref="Key"/> split at its commas). Null for a single key.
    /// </summary>
    public List<string>? KeyParts { get; init; }
    /// <summary>The stored properties.</summary>
    public List<StoredProperty> Properties { get; init; } = [];
    /// <summary>The secondary indexes.</summary>
    public List<StoredIndex> Indexes { get; init; } = [];
    /// <summary>
    /// For a collection holding a hierarchy (table-per-hierarchy): the discriminator property every document holds
    /// (a string naming its type). Null without a hierarchy.
    /// </summary>
    public string? Discriminator { get; init; }
    /// <summary>The discriminator value of documents of the collection's own type; null when it is abstract (or no hierarchy).</summary>
    public string? DiscriminatorValue { get; init; }
    /// <summary>The derived types stored in the collection, base before derived; null without a hierarchy.</summary>
    public List<StoredDerivedType>? DerivedTypes { get; init; }

    /// <summary>
    /// Every property a document of the collection may hold: the entity's, then for a hierarchy the discriminator (a
    /// required string) and the properties the derived types add (each name once). What untyped readers may name.
    /// </summary>
    public List<StoredProperty> EveryProperty()
    {
        if (Discriminator is null) return Properties;
        var all = new List<StoredProperty>(Properties) { new() { Name = Discriminator, Type = "string", Required = DiscriminatorValue is null } };
        foreach (var derived in DerivedTypes ?? [])
            all.AddRange(derived.Properties.Where(p => all.All(a => a.Name != p.Name)));
        return all;
    }

    /// <summary>The stored properties of documents whose discriminator is <paramref name="value"/>, or null for a value the model does not know.</summary>
    public List<StoredProperty>? PropertiesFor(string? value)
    {
        if (Discriminator is null || value == DiscriminatorValue && value is not null) return Properties;
        return DerivedTypes?.FirstOrDefault(d => d.DiscriminatorValue == value && value is not null) is { } derived ? [.. Properties, .. derived.Properties] : null;
    }
}

/// <summary>A type stored in its base's collection (table-per-hierarchy), in the stored model.</summary>
public sealed record StoredDerivedType
{
    /// <summary>The CLR type's full name when stored.</summary>
    public string ClrType { get; init; } = "";
    /// <summary>The CLR type's short name.</summary>
    public string Name { get; init; } = "";
    /// <summary>The short name of its base type (the collection's entity, or another derived type).</summary>
    public string BaseType { get; init; } = "";
    /// <summary>The discriminator value its documents hold; null for an abstract type.</summary>
    public string? DiscriminatorValue { get; init; }
    /// <summary>The stored properties it adds to the collection entity's (its own and those of derived types between).</summary>
    public List<StoredProperty> Properties { get; init; } = [];
}

/// <summary>A property in the stored model.</summary>
public sealed record StoredProperty
{
    /// <summary>The property's name.</summary>
    public string Name { get; init; } = "";
    /// <summary>The property's type name (see <see cref="StoredModel.TypeName"/>).</summary>
    public string Type { get; init; } = "";
    /// <summary>Whether a value is required.</summary>
    public bool Required { get; init; }
    /// <summary>The maximum length, if any.</summary>
    public int? MaxLength { get; init; }
    /// <summary>
    /// For an enum (or a nullable or list of one): its underlying integer type (<c>int32</c>, <c>int64</c>...), which is
    /// what documents hold. Null for other types, and in models stored before it was recorded (then unknown).
    /// </summary>
    public string? Underlying { get; init; }
    /// <summary>The names the property had before (<c>HasFormerName</c>), read into it; null when none.</summary>
    public List<string>? FormerNames { get; init; }
    /// <summary>For nested classes: their properties.</summary>
    public List<StoredProperty>? Nested { get; init; }
}

/// <summary>An index in the stored model.</summary>
public sealed record StoredIndex
{
    /// <summary>The index's name (its property paths).</summary>
    public string Name { get; init; } = "";
    /// <summary>Whether the index is unique.</summary>
    public bool Unique { get; init; }
}

/// <summary>A relationship in the stored model.</summary>
public sealed record StoredRelationship
{
    /// <summary>The principal's collection.</summary>
    public string Principal { get; init; } = "";
    /// <summary>The dependent's collection.</summary>
    public string Dependent { get; init; } = "";
    /// <summary>The dependent's foreign key property (for a composite foreign key: its parts joined with commas).</summary>
    public string ForeignKey { get; init; } = "";
    /// <summary>The principal's navigation, if any.</summary>
    public string? PrincipalNavigation { get; init; }
    /// <summary>The dependent's navigation, if any.</summary>
    public string? DependentNavigation { get; init; }
    /// <summary>One-to-one.</summary>
    public bool Unique { get; init; }
    /// <summary>Whether a principal is required.</summary>
    public bool Required { get; init; }
    /// <summary>The delete behaviour.</summary>
    public string OnDelete { get; init; } = "";
}

/// <summary>
/// A property shape stored documents may still hold although the model no longer describes it (see
/// <see cref="StoredModel.RemovedProperties"/>).
/// </summary>
public sealed record StoredRemovedProperty
{
    /// <summary>The collection.</summary>
    public string Collection { get; init; } = "";
    /// <summary>The property's path, dotted for nested ones (<c>Address.Zip</c>).</summary>
    public string Path { get; init; } = "";
    /// <summary>The stored type name (see <see cref="StoredModel.TypeName"/>).</summary>
    public string Type { get; init; } = "";
    /// <summary>For enums: the underlying integer type (see <see cref="StoredProperty.Underlying"/>).</summary>
    public string? Underlying { get; init; }
    /// <summary>For nested classes: their properties as stored.</summary>
    public List<StoredProperty>? Nested { get; init; }

    internal StoredProperty AsProperty() => new() { Name = Path, Type = Type, Underlying = Underlying, Nested = Nested };
}
