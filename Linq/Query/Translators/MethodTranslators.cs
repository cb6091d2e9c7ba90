using System.Linq.Expressions;
using System.Reflection;

namespace ZgDb.Query.Translators;

/// <summary>
/// Recognizes one method in a Where predicate and turns a call of it into an <see cref="IndexCondition"/>.
/// Matched by <see cref="MethodInfo"/> identity, never by name.
/// </summary>
internal interface IMethodTranslator
{
    bool Matches(MethodInfo method);
    IndexCondition? Translate(MethodCallExpression call, ParameterExpression document);
}

/// <summary>The translators the planner consults, keyed by method.</summary>
internal static class MethodTranslators
{
    public static readonly IReadOnlyList<IMethodTranslator> All =
    [
        new EnumerableContainsTranslator(),
        new ListContainsTranslator(),
        new SpanContainsTranslator(),
        new StringStartsWithOrdinalTranslator(),
        new StringEqualsTranslator(),
    ];

    public static IndexCondition? Translate(MethodCallExpression call, ParameterExpression document)
    {
        foreach (var translator in All)
            if (translator.Matches(call.Method))
                return translator.Translate(call, document);
        return null;
    }

    /// <summary>The same method, whatever generic instantiation (a method of a constructed type keeps its definition's token).</summary>
    public static bool SameDefinition(MethodInfo method, MethodInfo definition)
    {
        var m = method.IsGenericMethod ? method.GetGenericMethodDefinition() : method;
        return m.MetadataToken == definition.MetadataToken && m.Module == definition.Module;
    }
}

/// <summary><c>values.Contains(u.City)</c> (Enumerable.Contains): the path equals one of the values.</summary>
internal sealed class EnumerableContainsTranslator : IMethodTranslator
{
    private static readonly MethodInfo Method = EnumerableMethods.Contains;
    public bool Matches(MethodInfo method) => method.IsGenericMethod && method.GetGenericMethodDefinition() == Method;

    public IndexCondition? Translate(MethodCallExpression call, ParameterExpression document) =>
        ConditionParts.Path(call.Arguments[1], document) is { } path && ConditionParts.IsFreeOf(call.Arguments[0], document)
            && ConditionParts.Unwrap(call.Arguments[1]).Type == path[^1].PropertyType
            ? new IndexCondition(path, ConditionKind.In, call.Arguments[0], ConditionParts.ComparesExactly(path[^1].PropertyType))
            : null;
}

/// <summary><c>list.Contains(u.City)</c> on a <see cref="List{T}"/>: the path equals one of the values.</summary>
internal sealed class ListContainsTranslator : IMethodTranslator
{
    private static readonly MethodInfo Method = typeof(List<>).GetMethod(nameof(List<object>.Contains))!;
    public bool Matches(MethodInfo method) => method.DeclaringType is { IsGenericType: true } t && t.GetGenericTypeDefinition() == typeof(List<>)
                                              && MethodTranslators.SameDefinition(method, Method);

    public IndexCondition? Translate(MethodCallExpression call, ParameterExpression document) =>
        call.Object is { } list && ConditionParts.Path(call.Arguments[0], document) is { } path && ConditionParts.IsFreeOf(list, document)
            && call.Arguments[0].Type == path[^1].PropertyType
            ? new IndexCondition(path, ConditionKind.In, list, ConditionParts.ComparesExactly(path[^1].PropertyType))
            : null;
}

/// <summary>
/// <c>u.Name.StartsWith(p, StringComparison.Ordinal)</c>: the ordinal range [p, next(p)). The culture-sensitive
/// <c>StartsWith(string)</c> is not translated: ignorable characters make it match strings outside that range.
/// </summary>
internal sealed class StringStartsWithOrdinalTranslator : IMethodTranslator
{
    private static readonly MethodInfo Method = typeof(string).GetMethod(nameof(string.StartsWith), [typeof(string), typeof(StringComparison)])!;
    public bool Matches(MethodInfo method) => method == Method;

    public IndexCondition? Translate(MethodCallExpression call, ParameterExpression document) =>
        call.Object is { } target && ConditionParts.Path(target, document) is { } path
            && call.Arguments[1] is ConstantExpression { Value: StringComparison.Ordinal }
            && ConditionParts.IsFreeOf(call.Arguments[0], document)
            ? new IndexCondition(path, ConditionKind.StartsWith, call.Arguments[0], Exact: true)
            : null;
}

/// <summary><c>string.Equals(u.Email, e)</c>, <c>u.Email.Equals(e)</c> and the Ordinal overloads: ordinal equality.</summary>
internal sealed class StringEqualsTranslator : IMethodTranslator
{
    private static readonly MethodInfo Static = typeof(string).GetMethod(nameof(string.Equals), [typeof(string), typeof(string)])!;
    private static readonly MethodInfo StaticComparison = typeof(string).GetMethod(nameof(string.Equals), [typeof(string), typeof(string), typeof(StringComparison)])!;
    private static readonly MethodInfo Instance = typeof(string).GetMethod(nameof(string.Equals), [typeof(string)])!;
    private static readonly MethodInfo InstanceComparison = typeof(string).GetMethod(nameof(string.Equals), [typeof(string), typeof(StringComparison)])!;

    public bool Matches(MethodInfo method) => method == Static || method == StaticComparison || method == Instance || method == InstanceComparison;

    public IndexCondition? Translate(MethodCallExpression call, ParameterExpression document)
    {
        var operands = call.Object is null ? call.Arguments.Take(2).ToArray() : [call.Object, call.Arguments[0]];
        if (call.Method == StaticComparison || call.Method == InstanceComparison)
            if (call.Arguments[^1] is not ConstantExpression { Value: StringComparison.Ordinal }) return null;
        // instance Equals on a null path throws in LINQ-to-Objects; only the path-as-argument form is exact then
        for (int side = 0; side < 2; side++)
        {
            if (ConditionParts.Path(operands[side], document) is { } path && ConditionParts.IsFreeOf(operands[1 - side], document))
                return new IndexCondition(path, ConditionKind.Equal, operands[1 - side], Exact: call.Object is null || side == 1);
        }
        return null;
    }
}

/// <summary>
/// <c>array.Contains(u.Id)</c> as C# 14 binds it in expression trees: <c>MemoryExtensions.Contains(op_Implicit(array), u.Id)</c>
/// (an array converted to a span): the path equals one of the array's values.
/// </summary>
internal sealed class SpanContainsTranslator : IMethodTranslator
{
    private static readonly MethodInfo ReadOnlySpanContains = new Func<ReadOnlySpan<int>, int, bool>(MemoryExtensions.Contains).Method.GetGenericMethodDefinition();

    private static readonly MethodInfo ReadOnlySpanContainsComparer = new Func<ReadOnlySpan<int>, int, IEqualityComparer<int>?, bool>(MemoryExtensions.Contains).Method.GetGenericMethodDefinition();

    public bool Matches(MethodInfo method) => method.IsGenericMethod
        && method.GetGenericMethodDefinition() is var definition && (definition == ReadOnlySpanContains || definition == ReadOnlySpanContainsComparer);

    /// <summary>The implicit conversion <c>T[]</c> to <c>ReadOnlySpan&lt;T&gt;</c>, found by its signature.</summary>
    private static MethodInfo? ArrayToSpan(Type array) =>
        typeof(ReadOnlySpan<>).MakeGenericType(array.GetElementType()!).GetMethod("op_Implicit", [array]);

    public IndexCondition? Translate(MethodCallExpression call, ParameterExpression document)
    {
        var span = call.Arguments[0];
        if (call.Arguments.Count == 3 && call.Arguments[2] is not ConstantExpression { Value: null }) return null; // a custom comparer
        var array = span switch
        {
            MethodCallExpression { Arguments: [var a] } conversion when a.Type.IsArray && conversion.Method == ArrayToSpan(a.Type) => a,
            UnaryExpression { NodeType: ExpressionType.Convert, Operand: var a } when a.Type.IsArray => a,
            _ => null,
        };
        return array is not null && ConditionParts.Path(call.Arguments[1], document) is { } path && ConditionParts.IsFreeOf(array, document)
               && call.Arguments[1].Type == path[^1].PropertyType
            ? new IndexCondition(path, ConditionKind.In, array, ConditionParts.ComparesExactly(path[^1].PropertyType))
            : null;
    }
}
