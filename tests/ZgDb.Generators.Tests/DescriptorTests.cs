using ZgDb.Generators.Analyzers;

namespace ZgDb.Generators.Tests;

/// <summary>Every diagnostic the analyzer declares is documented: help text, a link to its section of docs/GENERATOR.md, release tracking.</summary>
public sealed class DescriptorTests
{
    [Fact]
    public void Every_diagnostic_has_help_text_a_documented_anchor_and_a_release_entry()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "ZgDb.sln"))) root = root.Parent;
        Assert.True(root is not null, $"no ZgDb.sln above {AppContext.BaseDirectory}");
        var page = File.ReadAllText(Path.Combine(root.FullName, "docs", "GENERATOR.md"));
        var releases = File.ReadAllText(Path.Combine(root.FullName, "Generators", "AnalyzerReleases.Unshipped.md"));
        var descriptors = new ModelAnalyzer().SupportedDiagnostics;
        Assert.Equal(5, descriptors.Length);
        foreach (var descriptor in descriptors)
        {
            Assert.Matches("^ZGDB0[0-9][0-9]$", descriptor.Id);
            Assert.NotEqual("", descriptor.Description.ToString());
            Assert.EndsWith("GENERATOR.md#" + descriptor.Id.ToLowerInvariant(), descriptor.HelpLinkUri);
            Assert.Contains($"<a id=\"{descriptor.Id.ToLowerInvariant()}\"></a>{descriptor.Id}", page);
            Assert.Contains(descriptor.Id + " | " + descriptor.Category + " | " + descriptor.DefaultSeverity, releases);
        }
    }
}
