namespace ZgDb.Migrations.SourceGeneration;

/// <summary>Names for a generated DbContext.</summary>
public sealed record DbContextSourceOptions
{
    /// <summary>The class name (default: the database class's name + "Context", e.g. <c>BlogDbContext</c>).</summary>
    public string? ContextName { get; init; }

    /// <summary>The namespace (default: the database class's namespace).</summary>
    public string? Namespace { get; init; }

    /// <summary>The mapping choices (nested classes as JSON or owned columns, a string collation); must be the export's.</summary>
    public EfCore.EfMappingOptions? Mapping { get; init; }
}
