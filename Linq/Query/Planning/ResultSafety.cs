using System.Runtime.CompilerServices;

namespace ZgDb.Query.Planning;

/// <summary>
/// Decides whether a query's result can be built from stored documents without copying them: only when nothing in
/// it can reach a stored object (scalars, strings, anonymous types and groupings of those). Otherwise every
/// document leaving a plan is copied first.
/// </summary>
internal static class ResultSafety
{
    public static bool IsDetached(Type type) => IsDetached(type, 0);

    /// <summary>Whether a value of <paramref name="type"/> (not a query's result) can be no stored object: a scalar, a string, or a tuple of those.</summary>
    public static bool IsValue(Type type) => IsDetached(type, 1);

    /// <summary>Whether <paramref name="type"/> is an anonymous type the compiler made.</summary>
    public static bool IsAnonymousType(Type type) => IsAnonymous(type);

    private static bool IsDetached(Type type, int depth)
    {
        if (depth > 8) return false;
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (underlying.IsPrimitive || underlying.IsEnum || underlying == typeof(string) || underlying == typeof(decimal)
            || underlying == typeof(DateTime) || underlying == typeof(DateTimeOffset) || underlying == typeof(TimeSpan)
            || underlying == typeof(Guid) || underlying == typeof(DateOnly) || underlying == typeof(TimeOnly))
            return true;
        if (!type.IsGenericType) return false;
        var definition = type.GetGenericTypeDefinition();
        var arguments = type.GetGenericArguments();
        // The query's own result sequence (only at the top: a nested IEnumerable<T> may be a stored list) and the
        // groupings and tuples the query creates: their elements decide.
        bool sequence = definition == typeof(IEnumerable<>) || definition == typeof(IQueryable<>) || definition == typeof(IOrderedQueryable<>)
                        || definition == typeof(IOrderedEnumerable<>);
        if (sequence && depth == 0 || definition == typeof(IGrouping<,>) || definition == typeof(KeyValuePair<,>)
            || type.FullName?.StartsWith("System.ValueTuple`", StringComparison.Ordinal) == true
            || IsAnonymous(type))
            return arguments.All(a => IsDetached(a, depth + 1));
        return false;
    }

    private static bool IsAnonymous(Type type) =>
        type.IsDefined(typeof(CompilerGeneratedAttribute), false) && type.Name.Contains("AnonymousType", StringComparison.Ordinal);
}
