using System.Text.Json;

namespace ZgDb.Cli.Tests;

public sealed class FilterTests
{
    private static readonly JsonElement Doc = JsonDocument.Parse("""
        {"Id":7,"Name":"Ada O'Neil","Age":36,"City":null,"Score":12.5,"Active":true,"Joined":"2021-03-04T05:06:07Z",
         "Tags":["a","b"],"Address":{"Street":"1 Main","City":"Oslo"}}
        """).RootElement;

    [Theory]
    [InlineData("Age > 25", true)]
    [InlineData("Age >= 36 and Age <= 36", true)]
    [InlineData("Age < 36", false)]
    [InlineData("Age = 36.0", true)]
    [InlineData("Age != 36", false)]
    [InlineData("Age <> 35", true)]
    [InlineData("Score > 12.25", true)]
    [InlineData("Score = 1.25e1", true)]
    [InlineData("Age > -1", true)]
    [InlineData("Name = 'Ada O''Neil'", true)]
    [InlineData("Name = \"Ada O'Neil\"", true)]
    [InlineData("name = 'Ada O''Neil'", true)]
    [InlineData("Name startswith 'Ada' and Name endswith 'Neil'", true)]
    [InlineData("Name contains 'O''N'", true)]
    [InlineData("Name > 'Ae'", false)]
    [InlineData("City = null", true)]
    [InlineData("City != null", false)]
    [InlineData("Missing = null", true)]
    [InlineData("Missing > 1", false)]
    [InlineData("Missing != 1", true)]
    [InlineData("Age > '3'", false)]
    [InlineData("Active = true", true)]
    [InlineData("Active == false", false)]
    [InlineData("Joined >= '2021-01-01' and Joined < '2022'", true)]
    [InlineData("Tags contains 'b'", true)]
    [InlineData("Tags contains 'c'", false)]
    [InlineData("Address.City = 'Oslo'", true)]
    [InlineData("address.city = 'Oslo'", true)]
    [InlineData("Address.Zip = null", true)]
    [InlineData("Age > 40 or Address.City = 'Oslo'", true)]
    [InlineData("Age > 40 or Age < 30 and Age = 36", false)]
    [InlineData("(Age > 40 or Age < 50) and Age = 36", true)]
    [InlineData("not Age > 40", true)]
    [InlineData("!(Age > 30) || Active = false", false)]
    [InlineData("Age > 30 && not (City != null)", true)]
    public void Evaluates(string filter, bool expected) => Assert.Equal(expected, Cli.Filter.Parse(filter)(Doc));

    [Theory]
    [InlineData("Age >", "expected a value")]
    [InlineData("Age 25", "expected an operator")]
    [InlineData("> 25", "expected a property name")]
    [InlineData("Age > 25 and", "expected a property name, found the end")]
    [InlineData("(Age > 25", "expected ')'")]
    [InlineData("Name = 'open", "unterminated text")]
    [InlineData("Name = Bob", "(quote text: 'Bob')")]
    [InlineData("Age > 25 #", "unexpected character '#'")]
    [InlineData("Age > 25 Age", "unexpected 'Age'")]
    public void Reports_syntax_errors_with_their_position(string filter, string expected)
    {
        var e = Assert.Throws<Cli.FilterSyntaxException>(() => Cli.Filter.Parse(filter));
        Assert.Contains(expected, e.Message);
        Assert.Contains("position", e.Message);
    }
}

public sealed class QueryTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly string _db;
    private readonly List<Customer> _customers;

    public QueryTests()
    {
        _db = _temp["db"];
        Data.Seed(_db);
        using var app = ZgDatabase.Open<ShopDb>(_db, Data.Manual);
        _customers = app.Customers.AsEnumerable().ToList();
    }

    public void Dispose() => _temp.Dispose();

    private List<int> QueryIds(string where, int take = 1_000_000)
    {
        var result = Tool.Run("query", _db, "Customers", "--where", where, "--take", take.ToString(), "--json");
        Assert.True(result.Code == 0, result.ToString());
        return result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("Id").GetInt32()).ToList();
    }

    [Fact]
    public void Matches_LINQ_to_Objects_on_the_same_documents()
    {
        Assert.Equal(_customers.Where(c => c.Age > 25).Select(c => c.Id), QueryIds("Age > 25"));
        Assert.Equal(_customers.Where(c => c.Age > 25).Select(c => c.Id).Take(10), QueryIds("Age > 25", take: 10));
        Assert.Equal(_customers.Where(c => c.City == "Oslo" && c.Age <= 40).Select(c => c.Id), QueryIds("City = 'Oslo' and Age <= 40"));
        Assert.Equal(_customers.Where(c => c.City == null || c.Email == null).Select(c => c.Id), QueryIds("City = null or Email = null"));
        Assert.Equal(_customers.Where(c => c.Tags.Contains("t3")).Select(c => c.Id), QueryIds("Tags contains 't3'"));
        Assert.Equal(_customers.Where(c => c.Address?.Street.StartsWith("1") == true).Select(c => c.Id), QueryIds("Address.Street startswith '1'"));
        Assert.Equal(_customers.Where(c => c.Score >= 50.5 && c.Active).Select(c => c.Id), QueryIds("Score >= 50.5 and Active = true"));
        Assert.Equal(_customers.Where(c => c.Joined >= new DateTime(2022, 6, 1)).Select(c => c.Id), QueryIds("Joined >= '2022-06-01'"));
        Assert.Equal(_customers.Where(c => !(c.Age > 30 && c.City != "Lima")).Select(c => c.Id), QueryIds("not (Age > 30 and City != 'Lima')"));
    }

    [Fact]
    public void Prints_a_table_counts_and_reports_bad_filters()
    {
        var result = Tool.Run("query", _db, "Customers", "--where", "Age > 25 and City = 'Oslo'", "--take", "3");
        Assert.True(result.Code == 0, result.ToString());
        Assert.Contains("Name", result.Output);
        Assert.Contains("Oslo", result.Output);
        Assert.Contains("3 document(s) shown", result.Output);
        var count = Tool.Run("query", _db, "Customers", "--where", "Age > 25", "--count");
        Assert.Equal(_customers.Count(c => c.Age > 25).ToString(), count.Output.Trim());
        var bad = Tool.Run("query", _db, "Customers", "--where", "Age >> 3");
        Assert.Equal(2, bad.Code);
        Assert.Contains("position", bad.Error);
        var missing = Tool.Run("query", _db, "Nope");
        Assert.Equal(2, missing.Code);
        Assert.Contains("no collection 'Nope'", missing.Error);
        var notes = Tool.Run("query", _db, "Notes", "--where", "Id >= 'note-049'", "--json");
        Assert.Equal(3, notes.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length); // note-049, note-050, zz-last (in the WAL)
    }
}
