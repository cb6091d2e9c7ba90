namespace ZgDb.Migrations.QueryCheck;

/// <summary>How the check recognizes the parts of a recorded ZgDb query it maps onto EF Core, through ZgDb's public types only.</summary>
internal static class QueryRoots
{
    /// <summary>The entity type of a query's root, when <paramref name="value"/> is a <see cref="ZgCollection{T}"/>; else null.</summary>
    public static Type? CollectionElementType(object? value) =>
        value?.GetType() is { IsGenericType: true } type && type.GetGenericTypeDefinition() == typeof(ZgCollection<>)
            ? type.GetGenericArguments()[0]
            : null;

    /// <summary>The element type of a sequence type (<c>IEnumerable&lt;T&gt;</c> or one implementing it; a string is not a sequence here), else null.</summary>
    public static Type? SequenceElementType(Type sequence)
    {
        if (sequence == typeof(string)) return null;
        if (sequence.IsGenericType && sequence.GetGenericTypeDefinition() == typeof(IEnumerable<>)) return sequence.GetGenericArguments()[0];
        return sequence.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
    }
}
