using System.Collections;
using System.Linq.Expressions;

namespace ZgDb.Query.Execution;

/// <summary>
/// An ordered subquery (<c>OrderBy</c>, <c>Reverse</c>...) nested in a query is typed <c>IOrderedQueryable&lt;T&gt;</c>
/// or <c>IOrderedEnumerable&lt;T&gt;</c> where it stands (a join source, a projected collection), but its plan yields a
/// plain sequence already in that order (an index read, a sort step). These wrap it in the type the query expects.
/// </summary>
internal static class OrderedView
{
    /// <summary>The sequence as an <c>IOrderedQueryable&lt;T&gt;</c> (LINQ-to-Objects' own <see cref="EnumerableQuery{T}"/>).</summary>
    public static IOrderedQueryable<T> AsOrderedQueryable<T>(IEnumerable<T> ordered) =>
        ordered as IOrderedQueryable<T> ?? new EnumerableQuery<T>(ordered);

    /// <summary>The sequence as an <c>IOrderedEnumerable&lt;T&gt;</c>.</summary>
    public static IOrderedEnumerable<T> AsOrderedEnumerable<T>(IEnumerable<T> ordered) =>
        ordered as IOrderedEnumerable<T> ?? new OrderedSequence<T>(ordered);

    /// <summary><paramref name="expression"/> (a sequence of <paramref name="type"/>'s elements) as <paramref name="type"/>, when that is an ordered sequence type.</summary>
    public static Expression? Wrap(Expression expression, Type type)
    {
        if (!type.IsGenericType) return null;
        var definition = type.GetGenericTypeDefinition();
        string? method = definition == typeof(IOrderedQueryable<>) ? nameof(AsOrderedQueryable)
            : definition == typeof(IOrderedEnumerable<>) ? nameof(AsOrderedEnumerable)
            : null;
        var element = type.GetGenericArguments()[0];
        if (method is null || !typeof(IEnumerable<>).MakeGenericType(element).IsAssignableFrom(expression.Type)) return null;
        return Expression.Call(typeof(OrderedView).GetMethod(method)!.MakeGenericMethod(element), expression);
    }

    /// <summary>A sequence in its final order; a ThenBy applied to it outside the query has no keys to break ties with.</summary>
    private sealed class OrderedSequence<T>(IEnumerable<T> ordered) : IOrderedEnumerable<T>
    {
        public IOrderedEnumerable<T> CreateOrderedEnumerable<TKey>(Func<T, TKey> keySelector, IComparer<TKey>? comparer, bool descending) =>
            throw new NotSupportedException("ThenBy over an ordered sequence a ZgDb query returned: its sort keys are not kept. Write the ThenBy inside the query.");

        public IEnumerator<T> GetEnumerator() => ordered.GetEnumerator();
        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
