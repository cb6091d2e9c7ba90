using System.Diagnostics;

namespace ZgDb.Cli.Tests;

/// <summary>Issue 18 §6: what a newcomer hit in the tool, each named after what broke.</summary>
public sealed class NewcomerFindingsTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _db;

    public NewcomerFindingsTests()
    {
        _db = _temp["db"];
        Data.Seed(_db, customers: 40);
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Help_named_the_assembly_ZgDb_Cli_instead_of_zgdb()
    {
        var help = Tool.Run("--help");
        Assert.Equal(0, help.Code);
        Assert.Contains("zgdb [command] [options]", help.Output);
        Assert.DoesNotMatch(@"ZgDb\.Cli\b", help.Output); // the assembly name; "ZgDb.Client" (zgdb serve) is another word
        var version = Tool.Run("--version");
        Assert.Equal(0, version.Code);
        Assert.Matches(@"^\d+\.\d+\.\d+", version.Output.Trim());
    }

    [Fact]
    public void A_misspelt_property_in_where_printed_0_instead_of_an_error()
    {
        var count = Tool.Run("query", _db, "Customers", "--where", "Aeg > 3", "--count");
        Assert.Equal(2, count.Code);
        Assert.Equal("", count.Output);
        Assert.True(count.Error.Contains("the collection 'Customers' has no property 'Aeg' (did you mean 'Age'?)"), count.Error);
        Assert.Contains("position 1", count.Error);
        var nested = Tool.Run("query", _db, "Customers", "--where", "Age > 3 and Address.Ctiy = 'Oslo'");
        Assert.Equal(2, nested.Code);
        Assert.Contains("no property 'Address.Ctiy' (did you mean 'Address.City'?)", nested.Error);
        Assert.Contains("position 13", nested.Error);
        // Case-insensitive names, nested paths and properties that are only sometimes present stay accepted.
        Assert.Equal(0, Tool.Run("query", _db, "Customers", "--where", "age > 3 and address.city = 'Oslo' and Email = null", "--count").Code);
    }

    [Theory]
    [InlineData(null, true, 80, Program.UnboundedWidth)]
    [InlineData("132", true, 80, 132)]
    [InlineData("132", false, 80, 132)]
    [InlineData(null, false, 100, 100)]
    [InlineData("wide", true, 80, Program.UnboundedWidth)]
    [InlineData("0", false, 100, 100)]
    public void Output_width_honours_COLUMNS_and_is_not_squeezed_through_a_pipe(string? columns, bool redirected, int terminal, int expected) =>
        Assert.Equal(expected, Program.OutputWidth(columns, redirected, terminal));

    [Fact]
    public void A_table_through_a_pipe_was_squeezed_to_80_columns()
    {
        // The real tool in its own process, stdout a pipe, no COLUMNS: every column of the table is printed whole.
        var tool = Path.Combine(AppContext.BaseDirectory, "ZgDb.Cli.dll");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { tool, "query", _db, "Customers", "--take", "3" }) start.ArgumentList.Add(arg);
        start.Environment.Remove("COLUMNS");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(60_000), "zgdb query did not finish within 60 s");
        Assert.True(process.ExitCode == 0, error.Result);
        var header = output.Result.Split('\n').First(l => l.Contains("Name"));
        foreach (var column in new[] { "Id", "Name", "Age", "City", "Email", "Score", "Active", "Joined", "Tags", "Address" })
            Assert.True(header.Contains($" {column} "), output.Result);
        Assert.DoesNotContain("…", output.Result);
        Assert.True(header.TrimEnd().Length > 80, $"the table is {header.TrimEnd().Length} columns wide: {header}");
    }
}
