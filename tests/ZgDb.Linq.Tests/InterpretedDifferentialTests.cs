using System.Linq.Expressions;
using Xunit;
using Xunit.Abstractions;

namespace ZgDb.Linq.Tests;

/// <summary>
/// Issue 23 §3: under Native AOT every expression tree runs through .NET's interpreter, and comparisons on decimal,
/// DateTime, string and nullable operands were reported to behave differently there. This suite runs the whole
/// differential catalog on the JIT with ZgDb's delegates interpreted (ExpressionCompilation.Interpreted), against
/// LINQ-to-Objects compiled as usual, so every test run checks what a Native AOT application runs
/// (samples/AotConsole runs the same kinds of queries in a published binary).
/// </summary>
public abstract class InterpretedDifferentialSuite<TBackend>(TBackend backend, ITestOutputHelper output) : IClassFixture<TBackend> where TBackend : Backend
{
    [Theory]
    [MemberData(nameof(QueryCatalog.Names), MemberType = typeof(QueryCatalog))]
    public void Query_equals_LINQ_to_Objects_when_interpreted(string name)
    {
        var query = QueryCatalog.All.Single(c => c.Name == name);
        var expected = Canonical.Run(() => query.Run(backend.People.AsQueryable(), backend.Orders.AsQueryable(), backend.Products.AsQueryable()));
        string actual;
        using (ExpressionCompilation.Interpreted())
        {
            Assert.True(ExpressionCompilation.Interpreting);
            actual = Canonical.Run(() => query.Run(backend.Db.People, backend.Db.Orders, backend.Db.Products));
        }
        if (expected != actual) output.WriteLine($"expected: {Cut(expected)}\nactual:   {Cut(actual)}");
        Assert.True(expected == actual, $"'{name}' differs from LINQ-to-Objects when interpreted (see output)");
    }

    private static string Cut(string s) => s.Length > 3000 ? s[..3000] + "…" : s;
}

/// <summary>The interpreted suite's own databases (its fixtures), so no plan compiled by the JIT suites is reused.</summary>
public sealed class InterpretedInMemoryBackend : InMemoryBackend;

/// <summary>On disk and reopened, as <see cref="OnDiskBackend"/>, with its own plan cache.</summary>
public sealed class InterpretedOnDiskBackend : OnDiskBackend;

public sealed class InterpretedInMemoryDifferentialTests(InterpretedInMemoryBackend backend, ITestOutputHelper output)
    : InterpretedDifferentialSuite<InterpretedInMemoryBackend>(backend, output);

public sealed class InterpretedOnDiskDifferentialTests(InterpretedOnDiskBackend backend, ITestOutputHelper output)
    : InterpretedDifferentialSuite<InterpretedOnDiskBackend>(backend, output);

/// <summary>The switch the interpreted suite relies on: it must really interpret, and only inside its scope.</summary>
public sealed class ExpressionCompilationTests
{
    [Fact]
    public void Interpreted_scope_makes_interpreted_delegates_and_ends_with_the_scope()
    {
        Expression<Func<decimal, bool>> atLeast300 = x => x >= 300m;
        Assert.False(ExpressionCompilation.Interpreting); // the test host has dynamic code
        // a compiled delegate runs a DynamicMethod (no declaring type); an interpreted one runs the interpreter's code
        Assert.Null(ExpressionCompilation.Compile(atLeast300).Method.DeclaringType);
        using (ExpressionCompilation.Interpreted())
        {
            var interpreted = ExpressionCompilation.Compile(atLeast300);
            Assert.NotNull(interpreted.Method.DeclaringType);
            Assert.True(interpreted(300m));
            Assert.False(interpreted(299.99m));
        }
        Assert.False(ExpressionCompilation.Interpreting);
    }

    [Fact]
    public async Task Interpreted_scope_does_not_reach_a_flow_that_did_not_ask()
    {
        var outside = Task.Run(async () =>
        {
            await Task.Delay(50);
            return ExpressionCompilation.Interpreting;
        });
        using (ExpressionCompilation.Interpreted()) Assert.False(await outside);
    }
}
