using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace ZgDb.Cli.Tests;

/// <summary>
/// The rule of docs/ARCHITECTURE.md, "Boundaries": internals are visible only to test and benchmark projects and
/// between the three core assemblies that ship together (ZgDb.Model, ZgDb.Storage.Chunks, ZgDb). Every other assembly
/// (the CLI, the exporter, hosting, server, client) reads the engine through public API: for the tools, the
/// infrastructure API of ZgDb.Tooling. Read from the built assemblies' InternalsVisibleToAttribute lists, so a grant
/// added to any project file fails here.
/// </summary>
public sealed partial class AssemblyBoundaryTests
{
    private static readonly HashSet<string> Core = new(StringComparer.Ordinal) { "ZgDb.Model", "ZgDb.Storage.Chunks", "ZgDb" };

    /// <summary>Test helpers that are not named *.Tests: benchmarks and the crash tests' child process.</summary>
    private static readonly HashSet<string> TestHelpers = new(StringComparer.Ordinal) { "ZgDb.Benchmarks", "ZgDb.CrashChild" };

    [Fact]
    public void Internals_are_visible_only_to_tests_benchmarks_and_the_core_assemblies()
    {
        var grants = ProductAssemblies()
            .SelectMany(p => Load(p).GetCustomAttributes<InternalsVisibleToAttribute>()
                .Select(a => (Assembly: p.Name, Grantee: a.AssemblyName.Split(',')[0].Trim())))
            .ToList();
        Assert.NotEmpty(grants);
        var refused = grants
            .Where(g => !g.Grantee.EndsWith(".Tests", StringComparison.Ordinal) && !TestHelpers.Contains(g.Grantee))
            .Where(g => !(Core.Contains(g.Assembly) && Core.Contains(g.Grantee)))
            .Select(g => $"{g.Assembly} grants InternalsVisibleTo {g.Grantee}")
            .ToList();
        Assert.True(refused.Count == 0, "Only tests, benchmarks and the core assemblies may see internals; read the engine through ZgDb.Tooling (DatabaseDirectory, ZgDbTooling) instead:\n" + string.Join("\n", refused));
    }

    /// <summary>
    /// A shipped assembly: referenced by this test project, or (the Roslyn analyzer, which the ZgDb package carries as
    /// an analyzer and no project references as a library) loaded from its project's build output.
    /// </summary>
    private static Assembly Load((string Name, string Project) product)
    {
        try
        {
            return Assembly.Load(product.Name);
        }
        catch (FileNotFoundException)
        {
            var built = Directory.EnumerateFiles(Path.Combine(Path.GetDirectoryName(product.Project)!, "bin"), product.Name + ".dll", SearchOption.AllDirectories)
                .OrderByDescending(File.GetLastWriteTimeUtc).FirstOrDefault();
            Assert.True(built is not null, $"{product.Name} is neither referenced by this test project nor built beside {product.Project}");
            return Assembly.LoadFrom(built);
        }
    }

    /// <summary>The assembly (and project file) of every project outside tests/, samples/ and benchmarks/ (what ships), read from the project files.</summary>
    private static List<(string Name, string Project)> ProductAssemblies()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "ZgDb.sln"))) root = root.Parent;
        Assert.True(root is not null, $"no ZgDb.sln above {AppContext.BaseDirectory}");
        string[] notShipped = ["tests", "samples", "benchmarks"];
        var names = Directory.EnumerateFiles(root.FullName, "*.csproj", SearchOption.AllDirectories)
            .Where(p => !notShipped.Contains(Path.GetRelativePath(root.FullName, p).Split(Path.DirectorySeparatorChar)[0]))
            .Where(p => !p.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Select(p => (Name: AssemblyNameElement().Match(File.ReadAllText(p)) is { Success: true } m ? m.Groups[1].Value : Path.GetFileNameWithoutExtension(p), Project: p))
            .OrderBy(p => p.Name, StringComparer.Ordinal)
            .ToList();
        foreach (var expected in new[] { "ZgDb.Cli", "ZgDb.Migrations", "ZgDb.Extensions.Hosting", "ZgDb.Server", "ZgDb.Client", "ZgDb.Generators" })
            Assert.Contains(expected, names.Select(n => n.Name));
        return names;
    }

    [GeneratedRegex("<AssemblyName>([^<]+)</AssemblyName>")]
    private static partial Regex AssemblyNameElement();
}
