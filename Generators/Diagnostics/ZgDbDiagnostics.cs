using Microsoft.CodeAnalysis;

namespace ZgDb.Generators.Diagnostics;

/// <summary>
/// The compile-time diagnostics (docs/GENERATOR.md): each is a model ZgDatabase.Open refuses with a
/// ZgDbModelException, reported where the model is declared. Messages read as the runtime's: "Entity 'T', property 'P': ...".
/// </summary>
internal static class ZgDbDiagnostics
{
    private const string Category = "ZgDb.Model";
    private const string HelpUri = "https://github.com/zgdb/zgdb/blob/main/docs/GENERATOR.md";

    /// <summary>ZGDB001: a stored property (of an entity or of a nested type it stores) whose type ZgDb cannot store.</summary>
    public static readonly DiagnosticDescriptor UnsupportedPropertyType = new(
        "ZGDB001", "Property type cannot be stored", "Entity '{0}', property '{1}': {2}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        "ZgDatabase.Open refuses an entity with a stored property whose type is not a number, bool, char, string, decimal, a date or time type, " +
        "Guid, an enum, byte[], a nullable of these, a nested class or a list or array of these. Leave the property out with [NotMapped] or " +
        "Ignore(...), or store a supported type.", HelpUri + "#zgdb001");

    /// <summary>ZGDB002: an entity with no key, a key of a type ZgDb cannot use, or a key attribute that names no usable property.</summary>
    public static readonly DiagnosticDescriptor UnusableKey = new(
        "ZGDB002", "Entity key cannot be used", "Entity '{0}'{1}: {2}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        "ZgDatabase.Open refuses an entity without a primary key (a property 'Id' or '<Type>Id', [Key], [PrimaryKey(...)] or HasKey), with two " +
        "[Key] properties, or with a key part that is not a stored property of an integer, char, string, Guid, DateTime, DateTimeOffset, " +
        "DateOnly, decimal, enum or byte[] type (not nullable).", HelpUri + "#zgdb002");

    /// <summary>ZGDB003: an index (HasIndex in OnModelCreating) on a property that is not stored, or not a scalar.</summary>
    public static readonly DiagnosticDescriptor IndexOnUnmappedProperty = new(
        "ZGDB003", "Index on a property that is not stored", "Entity '{0}', property '{1}': {2}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        "ZgDatabase.Open refuses an index on a property the entity does not store ([NotMapped], ignored, get-only, a navigation) or on a " +
        "value that is not a scalar (a nested object, a list, byte[]).", HelpUri + "#zgdb003");

    /// <summary>ZGDB004: a relationship found by convention whose foreign key's type differs from the principal's key type.</summary>
    public static readonly DiagnosticDescriptor ForeignKeyTypeMismatch = new(
        "ZGDB004", "Foreign key type differs from the principal's key", "Entity '{0}', property '{1}': {2}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        "ZgDatabase.Open refuses a relationship whose foreign key (or its nullable form) is not of the principal key's type: " +
        "a foreign key int? to a long key, or a string to a Guid key, never matches.", HelpUri + "#zgdb004");

    /// <summary>ZGDB005: two ZgCollection properties of the database class with one entity type.</summary>
    public static readonly DiagnosticDescriptor TwoCollectionsOfOneType = new(
        "ZGDB005", "Two collections of one entity type", "Entity '{0}': {1}", Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
        "ZgDatabase.Open refuses a database class with two ZgCollection<T> properties of the same T: an entity type belongs to one collection.",
        HelpUri + "#zgdb005");
}
