using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;

namespace ZgDb.Query.Plans;

/// <summary>
/// The list of values of an <c>IN</c> access (<c>values.Contains(u.City)</c>). <see cref="Enumerable.Contains{T}(IEnumerable{T}, T)"/>
/// hands the test to the collection's own <c>Contains</c> when it is an <see cref="ICollection{T}"/>: a
/// <c>HashSet</c> with <see cref="StringComparer.OrdinalIgnoreCase"/>, a <c>SortedSet</c> (its comparer's order), a
/// dictionary's keys... Only when that test is the default equality (the index's: ordinal for strings) may an index
/// serve it; otherwise the access reads every document and asks the list itself, as LINQ-to-Objects does.
/// </summary>
internal static class CapturedList
{
    private enum Kind { DefaultEquality, HashSet, OwnSemantics }

    private static readonly ConcurrentDictionary<Type, Kind> Kinds = new();
    private static readonly ConcurrentDictionary<Type, Func<object, object?, bool>> Containers = new();

    /// <summary>Whether <c>Enumerable.Contains(list, v)</c> is the default equality of the values (what an index lookup answers).</summary>
    public static bool ComparesByDefaultEquality(IEnumerable list)
    {
        var type = list.GetType();
        return Kinds.GetOrAdd(type, Classify) switch
        {
            Kind.DefaultEquality => true,
            Kind.HashSet => IsDefaultComparer(type.GetProperty(nameof(HashSet<int>.Comparer))!.GetValue(list), type.GetGenericArguments()[0]),
            _ => false,
        };
    }

    /// <summary><c>Enumerable.Contains(list, value)</c> with the values' element type <paramref name="element"/>: the list's own test.</summary>
    public static bool Contains(IEnumerable list, Type element, object? value) =>
        Containers.GetOrAdd(element, static e => typeof(CapturedList).GetMethod(nameof(ContainsOf), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(e).CreateDelegate<Func<object, object?, bool>>())(list, value);

    private static bool ContainsOf<TElement>(object list, object? value) => ((IEnumerable<TElement>)list).Contains((TElement)value!);

    private static Kind Classify(Type type)
    {
        if (type.IsArray) return Kind.DefaultEquality;
        if (type.IsGenericType)
        {
            var definition = type.GetGenericTypeDefinition();
            if (definition == typeof(List<>)) return Kind.DefaultEquality;
            if (definition == typeof(HashSet<>)) return Kind.HashSet;
        }
        // Any other collection may have its own Contains (a comparer, an order); a plain sequence (an iterator)
        // is searched with the default equality.
        return type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(ICollection<>))
            ? Kind.OwnSemantics
            : Kind.DefaultEquality;
    }

    private static bool IsDefaultComparer(object? comparer, Type element) =>
        comparer is null
        || comparer == typeof(EqualityComparer<>).MakeGenericType(element).GetProperty(nameof(EqualityComparer<int>.Default))!.GetValue(null)
        || element == typeof(string) && comparer == StringComparer.Ordinal;
}
