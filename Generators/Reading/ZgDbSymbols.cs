using Microsoft.CodeAnalysis;

namespace ZgDb.Generators.Reading;

/// <summary>ZgDb's types as the compilation sees them; null when the compilation does not reference ZgDb (then nothing is checked).</summary>
internal sealed class ZgDbSymbols
{
    private ZgDbSymbols(INamedTypeSymbol zgDatabase, INamedTypeSymbol zgCollection, INamedTypeSymbol modelBuilder, INamedTypeSymbol entityTypeBuilder)
    {
        ZgDatabase = zgDatabase;
        ZgCollection = zgCollection;
        ModelBuilder = modelBuilder;
        EntityTypeBuilder = entityTypeBuilder;
    }

    public INamedTypeSymbol ZgDatabase { get; }
    public INamedTypeSymbol ZgCollection { get; }
    public INamedTypeSymbol ModelBuilder { get; }
    public INamedTypeSymbol EntityTypeBuilder { get; }

    public static ZgDbSymbols? Find(Compilation compilation) =>
        compilation.GetTypeByMetadataName("ZgDb.ZgDatabase") is { } database
        && compilation.GetTypeByMetadataName("ZgDb.ZgCollection`1") is { } collection
        && compilation.GetTypeByMetadataName("ZgDb.ModelBuilder") is { } builder
        && compilation.GetTypeByMetadataName("ZgDb.EntityTypeBuilder`1") is { } entityBuilder
            ? new ZgDbSymbols(database, collection, builder, entityBuilder)
            : null;

    /// <summary>A type of ZgDb's fluent API (ModelBuilder, EntityTypeBuilder&lt;T&gt;, the relationship and property builders).</summary>
    public bool IsBuilder(ITypeSymbol type) =>
        type.ContainingAssembly is { } assembly && SymbolEqualityComparer.Default.Equals(assembly, ModelBuilder.ContainingAssembly)
        && type.Name.EndsWith("Builder", System.StringComparison.Ordinal);

    /// <summary>A method of ZgDb's model assembly (the fluent API) or ZgDatabase's own (empty) OnModelCreating: handing a builder to it hides nothing.</summary>
    public bool IsZgDbMethod(IMethodSymbol method) =>
        SymbolEqualityComparer.Default.Equals(method.ContainingAssembly, ModelBuilder.ContainingAssembly)
        || SymbolEqualityComparer.Default.Equals(method.OriginalDefinition.ContainingType, ZgDatabase); // base.OnModelCreating: configures nothing

    /// <summary>Whether <paramref name="type"/> derives from ZgDatabase.</summary>
    public bool IsDatabase(INamedTypeSymbol type)
    {
        for (var current = type.BaseType; current is not null; current = current.BaseType)
            if (SymbolEqualityComparer.Default.Equals(current, ZgDatabase)) return true;
        return false;
    }
}
