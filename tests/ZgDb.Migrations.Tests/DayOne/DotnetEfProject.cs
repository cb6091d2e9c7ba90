using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;

namespace ZgDb.Migrations.Tests.DayOne;

/// <summary>
/// A fresh console project in a temp directory, as a new EF Core user makes it: a local tool manifest with dotnet-ef
/// 10.0.15, the provider's and EF Core Design's packages, the model classes and the exported sources. Every dotnet
/// call is bounded in time and its output goes to the test log.
/// </summary>
public sealed class DotnetEfProject : IDisposable
{
    public const string EfVersion = "10.0.15";
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(6);
    private readonly ITestOutputHelper _output;

    public DotnetEfProject(ITestOutputHelper output, string providerPackage, string providerVersion)
    {
        _output = output;
        Directory = Path.Combine(Path.GetTempPath(), "zgdb-dayone-" + Guid.NewGuid().ToString("N")[..8]);
        System.IO.Directory.CreateDirectory(Path.Combine(Directory, ".config"));
        File.WriteAllText(Path.Combine(Directory, "DayOneApp.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="{providerPackage}" Version="{providerVersion}" />
                <PackageReference Include="Microsoft.EntityFrameworkCore.Design" Version="{EfVersion}" PrivateAssets="all" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(Directory, "Program.cs"), "System.Console.WriteLine(\"day one\");\n");
        File.WriteAllText(Path.Combine(Directory, ".config", "dotnet-tools.json"), $$"""
            { "version": 1, "isRoot": true, "tools": { "dotnet-ef": { "version": "{{EfVersion}}", "commands": ["dotnet-ef"], "rollForward": false } } }
            """);
        File.Copy(Path.Combine(AppContext.BaseDirectory, "DayOne", "DayOneModel.cs"), ModelFile);
    }

    public string Directory { get; }

    public string ModelFile => Path.Combine(Directory, "DayOneModel.cs");

    /// <summary>Restores dotnet-ef from the tool manifest; returns null, or why it could not be restored.</summary>
    public string? RestoreTool()
    {
        var (code, text) = Run("tool restore");
        return code == 0 ? null : $"dotnet-ef {EfVersion} could not be restored (dotnet tool restore exited {code}): {text.Trim()}";
    }

    /// <summary>Runs <c>dotnet <paramref name="arguments"/></c> in the project; fails the test on a non-zero exit.</summary>
    public string Dotnet(string arguments)
    {
        var (code, text) = Run(arguments);
        if (code != 0) throw new Xunit.Sdk.XunitException($"dotnet {arguments} exited {code}:\n{text}");
        return text;
    }

    private (int Code, string Output) Run(string arguments)
    {
        var info = new ProcessStartInfo("dotnet", arguments)
        {
            WorkingDirectory = Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // The test host's MSBuild variables would point the child build at the test's SDK resolution.
        foreach (var name in info.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase) || k == "DOTNET_HOST_PATH" || k.StartsWith("VSTEST", StringComparison.Ordinal)).ToList())
            info.Environment.Remove(name);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info)!;
        var text = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (text) text.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (text) text.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(Bound))
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException($"dotnet {arguments} did not finish in {Bound.TotalMinutes} minutes:\n{text}");
        }
        process.WaitForExit();
        _output.WriteLine($"$ dotnet {arguments}   [exit {process.ExitCode}, {clock.Elapsed.TotalSeconds:F0} s]");
        var result = text.ToString();
        _output.WriteLine(result.Length > 4000 ? result[^4000..] : result);
        return (process.ExitCode, result);
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
