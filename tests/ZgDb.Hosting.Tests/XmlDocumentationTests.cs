using System.Xml.Linq;

namespace ZgDb.Hosting.Tests;

/// <summary>
/// Regression: the condition that turns on XML documentation for public assemblies sat in Directory.Build.props,
/// read before the projects set IsPublicLibrary, so no public assembly had its .xml file (no IntelliSense from the
/// packages). The files are copied next to the assemblies into every referencing project's output, as here.
/// </summary>
public sealed class XmlDocumentationTests
{
    [Theory]
    [InlineData("ZgDb", "T:ZgDb.ZgDatabase")]
    [InlineData("ZgDb.Model", "T:ZgDb.ZgDbException")]
    [InlineData("ZgDb.Storage.Chunks", "T:ZgDb.ZgDbOptions")]
    [InlineData("ZgDb.Extensions.Hosting", "T:ZgDb.Extensions.Hosting.ZgDbHealthCheck`1")]
    [InlineData("ZgDb.AspNetCore", "T:ZgDb.AspNetCore.ZgDbExceptionHandler")]
    public void Public_assemblies_ship_their_xml_documentation(string assembly, string member)
    {
        var file = Path.Combine(AppContext.BaseDirectory, assembly + ".xml");
        Assert.True(File.Exists(file), $"{file} is missing: GenerateDocumentationFile is not on for {assembly}");
        var documented = XDocument.Load(file).Descendants("member").Select(m => (string?)m.Attribute("name")).ToHashSet();
        Assert.Contains(member, documented);
    }
}
