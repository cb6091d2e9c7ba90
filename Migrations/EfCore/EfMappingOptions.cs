namespace ZgDb.Migrations.EfCore;

/// <summary>How nested classes (and lists of them) of a ZgDb model become EF Core owned types.</summary>
public enum NestedTypeMapping
{
    /// <summary>
    /// Every top-level nested class is one JSON column (<c>OwnsOne(...).ToJson()</c> / <c>OwnsMany(...).ToJson()</c>),
    /// with everything nested inside it: the document as ZgDb stores it. The default.
    /// </summary>
    Json,

    /// <summary>
    /// Relational owned types: a nested class becomes columns of its owner's table (<c>OwnsOne</c>, table splitting:
    /// <c>Address_City</c>, <c>Address_Zip</c>); a list of nested classes becomes a table of its own (<c>OwnsMany</c>) keyed by
    /// the owner's key plus an <c>Id</c> EF Core generates, with a cascading foreign key to the owner.
    /// </summary>
    OwnedColumns,
}

/// <summary>Choices of the EF Core mapping (the replay, the generated DbContext and the export all apply the same ones).</summary>
public sealed record EfMappingOptions
{
    /// <summary>The default mapping: nested classes as JSON columns, the database's default collation.</summary>
    public static EfMappingOptions Default { get; } = new();

    /// <summary>How nested classes are stored (default <see cref="NestedTypeMapping.Json"/>).</summary>
    public NestedTypeMapping NestedTypes { get; init; } = NestedTypeMapping.Json;

    /// <summary>
    /// A collation for every string column (EF Core's <c>UseCollation</c>), or null for the database's default. On
    /// PostgreSQL <c>"C"</c> orders and compares strings by code point, as ZgDb's ordinal comparisons
    /// (docs/MIGRATIONS.md, "The same answers"). The name must exist in the target (SQLite knows BINARY, NOCASE, RTRIM).
    /// </summary>
    public string? StringCollation { get; init; }
}

/// <summary>The names of <see cref="NestedTypeMapping.OwnedColumns"/>'s tables for lists of nested classes.</summary>
internal static class OwnedColumns
{
    /// <summary>The owner's table and the navigation: <c>Orders_Lines</c> (two lists of the same class get two tables).</summary>
    public static string TableName(string ownerTable, EfOwnedPlan owned) => ownerTable + "_" + owned.Navigation;

    /// <summary>The generated key column: <c>Id</c>, or <c>RowId</c> when the nested class has a property named Id.</summary>
    public static string KeyName(EfOwnedPlan owned) =>
        owned.Properties.Any(p => p.Name == "Id") || owned.Ignored.Contains("Id") ? "RowId" : "Id";
}
