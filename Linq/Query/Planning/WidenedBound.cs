using System.Linq.Expressions;
using System.Numerics;

namespace ZgDb.Query.Planning;

/// <summary>
/// A comparison on a byte, sbyte, short, ushort or char property reaches the planner widened: C# has no operators
/// for these types, so <c>r.Id == 5</c> is <c>(int)r.Id == 5</c> and <c>r.Id &gt; 300</c> is legal. The bound is
/// brought back to the property's type when the query runs, clamped to the type's range and made inclusive
/// (<c>&gt; v</c> is <c>&gt;= v + 1</c>), so the index or key range returns a superset the predicate then rechecks
/// (the condition is never exact): an out-of-range bound reads at most the values equal to the type's minimum or maximum.
/// </summary>
internal static class WidenedBound
{
    /// <summary>The property type a widening integral conversion of a non-nullable path came from, or null.</summary>
    public static Type? NarrowFrom(Expression pathSide) =>
        pathSide is UnaryExpression { NodeType: ExpressionType.Convert } convert
        && IsSmallIntegral(convert.Operand.Type) && IsWiderIntegral(convert.Type, convert.Operand.Type)
            ? convert.Operand.Type
            : null;

    /// <summary>The runtime bound: <c>Narrow((object)value, delta, target)</c>, where delta is +1 for an exclusive lower bound, -1 for an exclusive upper one.</summary>
    public static Expression Build(Expression value, Type target, int delta) =>
        Expression.Call(typeof(WidenedBound).GetMethod(nameof(Narrow))!, Expression.Convert(value, typeof(object)), Expression.Constant(delta), Expression.Constant(target, typeof(Type)));

    /// <summary>The integer <paramref name="value"/> plus <paramref name="delta"/>, clamped to <paramref name="target"/>'s range, as a <paramref name="target"/>; null stays null.</summary>
    public static object? Narrow(object? value, int delta, Type target)
    {
        if (value is null) return null;
        var wide = value switch
        {
            int i => (Int128)i,
            long l => l,
            uint u => u,
            ulong ul => ul,
            short s => s,
            ushort us => us,
            byte b => b,
            sbyte sb => sb,
            char c => c,
            _ => throw new InvalidOperationException($"a widened bound of type {value.GetType().Name}."),
        };
        wide += delta;
        var (min, max) = Range(target);
        wide = Int128.Clamp(wide, min, max);
        return target == typeof(char) ? (char)(ushort)wide : Convert.ChangeType((long)wide, target, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static (Int128 Min, Int128 Max) Range(Type type) => Type.GetTypeCode(type) switch
    {
        TypeCode.Byte => (byte.MinValue, byte.MaxValue),
        TypeCode.SByte => (sbyte.MinValue, sbyte.MaxValue),
        TypeCode.Int16 => (short.MinValue, short.MaxValue),
        TypeCode.UInt16 => (ushort.MinValue, ushort.MaxValue),
        TypeCode.Char => (char.MinValue, char.MaxValue),
        _ => throw new InvalidOperationException($"{type.Name} is not a small integral type."),
    };

    private static bool IsSmallIntegral(Type type) => !type.IsEnum && Type.GetTypeCode(type) is TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16 or TypeCode.Char;

    private static bool IsWiderIntegral(Type wide, Type narrow) => !wide.IsEnum && wide != narrow
        && Type.GetTypeCode(wide) is TypeCode.Int32 or TypeCode.Int64 or TypeCode.UInt32 or TypeCode.UInt64;
}
