using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;
using ZgDb.Generators.Diagnostics;
using ZgDb.Generators.Reading;

namespace ZgDb.Generators.Analyzers;

/// <summary>
/// Reads each concrete <c>ZgDatabase</c> subclass's model (its collections, the entities' attributes and conventions,
/// and the literal calls of its OnModelCreating) and reports, where the model is declared, what ZgDatabase.Open
/// would refuse with a ZgDbModelException (docs/GENERATOR.md).
/// </summary>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ModelAnalyzer : DiagnosticAnalyzer
{
    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        ZgDbDiagnostics.UnsupportedPropertyType, ZgDbDiagnostics.UnusableKey, ZgDbDiagnostics.IndexOnUnmappedProperty,
        ZgDbDiagnostics.ForeignKeyTypeMismatch, ZgDbDiagnostics.TwoCollectionsOfOneType);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        // Generated code is read (a generated partial OnModelCreating configures the model too) but not reported on.
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.Analyze);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            if (ZgDbSymbols.Find(start.Compilation) is not { } symbols) return;
            // One report per place and message: two database classes sharing an entity would otherwise report it twice.
            var reported = new ConcurrentDictionary<(string, Location, string), bool>();
            start.RegisterSymbolStartAction(symbolStart =>
            {
                var database = (INamedTypeSymbol)symbolStart.Symbol;
                if (database.TypeKind != TypeKind.Class || database.IsAbstract || !symbols.IsDatabase(database)) return;
                var fluent = new FluentConfiguration();
                if (OnModelCreatingOutsideThisClass(database, symbols)) fluent.MarkUnreadable();
                symbolStart.RegisterOperationBlockAction(block =>
                {
                    if (block.OwningSymbol is IMethodSymbol { Name: "OnModelCreating", IsOverride: true } method
                        && SymbolEqualityComparer.Default.Equals(method.ContainingType, database))
                        lock (fluent)
                            foreach (var operation in block.OperationBlocks) fluent.Read(operation, symbols);
                });
                symbolStart.RegisterSymbolEndAction(end =>
                {
                    var model = new StaticModel(database, symbols, fluent);
                    foreach (var diagnostic in ModelChecks.Run(model))
                        if (reported.TryAdd((diagnostic.Id, diagnostic.Location, diagnostic.GetMessage()), true))
                            end.ReportDiagnostic(diagnostic);
                });
            }, SymbolKind.NamedType);
        });
    }

    /// <summary>
    /// Whether the OnModelCreating that runs is an application base class's: this class does not override it and a base
    /// between it and ZgDatabase does. (When this class overrides it and calls base.OnModelCreating, FluentConfiguration sees the call.)
    /// </summary>
    private static bool OnModelCreatingOutsideThisClass(INamedTypeSymbol database, ZgDbSymbols symbols)
    {
        if (database.GetMembers("OnModelCreating").Any(m => m is IMethodSymbol { IsOverride: true })) return false;
        for (var current = database.BaseType; current is not null && !SymbolEqualityComparer.Default.Equals(current, symbols.ZgDatabase); current = current.BaseType)
            if (current.GetMembers("OnModelCreating").Any(m => m is IMethodSymbol { IsOverride: true })) return true;
        return false;
    }
}
