using System.Collections.Immutable;
using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;
using ZgDb.Generators.Analyzers;

namespace ZgDb.Generators.Tests;

/// <summary>
/// One model source, checked both ways: compiled with Roslyn and run through <see cref="ModelAnalyzer"/> (the
/// diagnostics), and loaded and opened with <c>ZgDatabase.OpenInMemory</c> (what the runtime says of the same classes).
/// A source marks the span a diagnostic must point at with <c>[|...|]</c>.
/// </summary>
internal sealed class AnalyzerRun
{
    private static readonly ImmutableArray<MetadataReference> References = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
        .Split(Path.PathSeparator).Where(p => p.EndsWith(".dll", StringComparison.Ordinal))
        .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();

    private AnalyzerRun(CSharpCompilation compilation, TextSpan? marked, ImmutableArray<Diagnostic> diagnostics)
    {
        Compilation = compilation;
        Marked = marked;
        Diagnostics = diagnostics;
    }

    public CSharpCompilation Compilation { get; }

    /// <summary>The span the source marked with [|...|], if any.</summary>
    public TextSpan? Marked { get; }

    /// <summary>The analyzer's diagnostics (ZGDB*).</summary>
    public ImmutableArray<Diagnostic> Diagnostics { get; }

    /// <summary>Compiles <paramref name="markedSource"/> (asserting it has no compiler error) and runs the analyzer on it.</summary>
    public static AnalyzerRun Of(string markedSource, string usings = "using System; using System.Collections.Generic; using System.IO; using System.Linq; using System.Threading.Tasks; using System.ComponentModel.DataAnnotations; using System.ComponentModel.DataAnnotations.Schema; using ZgDb;\n")
    {
        var source = usings + markedSource;
        int start = source.IndexOf("[|", StringComparison.Ordinal);
        TextSpan? marked = null;
        if (start >= 0)
        {
            int end = source.IndexOf("|]", start, StringComparison.Ordinal);
            marked = TextSpan.FromBounds(start, end - 2);
            source = source.Remove(end, 2).Remove(start, 2);
        }
        var tree = CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest), path: "Model.cs");
        var compilation = CSharpCompilation.Create("Model" + Guid.NewGuid().ToString("N"), [tree], References,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, "the model does not compile: " + string.Join("; ", errors));
        var diagnostics = compilation.WithAnalyzers([new ModelAnalyzer()]).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
        return new AnalyzerRun(compilation, marked, diagnostics);
    }

    /// <summary>Loads the compiled model and opens <paramref name="database"/> in memory: the exception it throws, or null when it opens.</summary>
    public Exception? Open(string database)
    {
        using var stream = new MemoryStream();
        var emitted = Compilation.Emit(stream);
        Assert.True(emitted.Success, string.Join("; ", emitted.Diagnostics));
        stream.Position = 0;
        var assembly = AssemblyLoadContext.Default.LoadFromStream(stream);
        var type = assembly.GetTypes().Single(t => t.Name == database);
        var open = typeof(ZgDatabase).GetMethod(nameof(ZgDatabase.OpenInMemory))!.MakeGenericMethod(type);
        try
        {
            ((IDisposable)open.Invoke(null, [null])!).Dispose();
            return null;
        }
        catch (TargetInvocationException e)
        {
            return e.InnerException;
        }
    }

    /// <summary>
    /// Asserts the analyzer reports exactly one diagnostic, <paramref name="id"/>, at the marked span, and that opening
    /// <paramref name="database"/> throws a ZgDbModelException with the diagnostic's message.
    /// </summary>
    public static Diagnostic AssertRefused(string markedSource, string id, string database = "Db")
    {
        var run = Of(markedSource);
        var diagnostic = Assert.Single(run.Diagnostics);
        Assert.Equal(id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.NotNull(run.Marked);
        Assert.Equal(run.Marked, diagnostic.Location.SourceSpan);
        var refused = Assert.IsType<ZgDbModelException>(run.Open(database));
        Assert.Equal(refused.Message, diagnostic.GetMessage());
        return diagnostic;
    }

    /// <summary>Asserts the analyzer is silent and <paramref name="database"/> opens.</summary>
    public static void AssertAccepted(string source, string database = "Db")
    {
        var run = Of(source);
        Assert.Empty(run.Diagnostics);
        Assert.Null(run.Open(database));
    }
}
