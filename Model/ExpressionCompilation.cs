using System.Linq.Expressions;
using System.Runtime.CompilerServices;

namespace ZgDb;

/// <summary>
/// The one place ZgDb turns an expression tree into a delegate. Under Native AOT (no dynamic code)
/// <c>Expression.Compile</c> always runs the trees through System.Linq.Expressions' interpreter; under the JIT it
/// emits IL. The interpreter and the compiler must give the same answers (issue 23 §3: comparisons on decimal,
/// DateTime, string and nullable operands differed), so the tests can ask for the interpreter on the JIT too:
/// <see cref="Interpreted"/> scopes it to the calling flow (an <see cref="AsyncLocal{T}"/>), so a test that uses it
/// does not change what a test running beside it compiles.
/// </summary>
internal static class ExpressionCompilation
{
    private static readonly AsyncLocal<bool> ForceInterpretation = new();

    /// <summary>True when delegates made now are interpreted: no dynamic code (Native AOT), or inside <see cref="Interpreted"/>.</summary>
    public static bool Interpreting => !RuntimeFeature.IsDynamicCodeSupported || ForceInterpretation.Value;

    /// <summary>Compiles <paramref name="lambda"/>, interpreted when <see cref="Interpreting"/>.</summary>
    public static TDelegate Compile<TDelegate>(Expression<TDelegate> lambda) where TDelegate : Delegate =>
        lambda.Compile(preferInterpretation: Interpreting);

    /// <summary>Compiles an untyped <paramref name="lambda"/>, interpreted when <see cref="Interpreting"/>.</summary>
    public static Delegate Compile(LambdaExpression lambda) => lambda.Compile(preferInterpretation: Interpreting);

    /// <summary>Until disposed, every delegate this flow (and the tasks it starts) makes is interpreted; for the tests.</summary>
    public static IDisposable Interpreted()
    {
        bool before = ForceInterpretation.Value;
        ForceInterpretation.Value = true;
        return new Restore(before);
    }

    private sealed class Restore(bool before) : IDisposable
    {
        public void Dispose() => ForceInterpretation.Value = before;
    }
}
