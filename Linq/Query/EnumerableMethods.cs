using System.Linq.Expressions;
using System.Reflection;

namespace ZgDb.Query;

/// <summary>
/// The generic definitions of the <see cref="Enumerable"/> operators the normalized query is built from, taken
/// from typed delegates (so a rename or a wrong overload is a compile error, not a runtime surprise).
/// </summary>
internal static class EnumerableMethods
{
    private static MethodInfo Def(Delegate d) => d.Method.GetGenericMethodDefinition();

    public static readonly MethodInfo Where = Def(new Func<IEnumerable<object>, Func<object, bool>, IEnumerable<object>>(Enumerable.Where));
    public static readonly MethodInfo Select = Def(new Func<IEnumerable<object>, Func<object, object>, IEnumerable<object>>(Enumerable.Select));
    public static readonly MethodInfo SelectMany = Def(new Func<IEnumerable<object>, Func<object, IEnumerable<object>>, Func<object, object, object>, IEnumerable<object>>(Enumerable.SelectMany));
    public static readonly MethodInfo Join = Def(new Func<IEnumerable<object>, IEnumerable<object>, Func<object, object>, Func<object, object>, Func<object, object, object>, IEnumerable<object>>(Enumerable.Join));
    public static readonly MethodInfo GroupJoin = Def(new Func<IEnumerable<object>, IEnumerable<object>, Func<object, object>, Func<object, object>, Func<object, IEnumerable<object>, object>, IEnumerable<object>>(Enumerable.GroupJoin));
    public static readonly MethodInfo OrderBy = Def(new Func<IEnumerable<object>, Func<object, object>, IOrderedEnumerable<object>>(Enumerable.OrderBy));
    public static readonly MethodInfo OrderByDescending = Def(new Func<IEnumerable<object>, Func<object, object>, IOrderedEnumerable<object>>(Enumerable.OrderByDescending));
    public static readonly MethodInfo ThenBy = Def(new Func<IOrderedEnumerable<object>, Func<object, object>, IOrderedEnumerable<object>>(Enumerable.ThenBy));
    public static readonly MethodInfo ThenByDescending = Def(new Func<IOrderedEnumerable<object>, Func<object, object>, IOrderedEnumerable<object>>(Enumerable.ThenByDescending));
    public static readonly MethodInfo Take = Def(new Func<IEnumerable<object>, int, IEnumerable<object>>(Enumerable.Take));
    public static readonly MethodInfo Skip = Def(new Func<IEnumerable<object>, int, IEnumerable<object>>(Enumerable.Skip));
    public static readonly MethodInfo Distinct = Def(new Func<IEnumerable<object>, IEnumerable<object>>(Enumerable.Distinct));
    public static readonly MethodInfo Reverse = Def(new Func<IEnumerable<object>, IEnumerable<object>>(Enumerable.Reverse));
    public static readonly MethodInfo Count = Def(new Func<IEnumerable<object>, int>(Enumerable.Count));
    public static readonly MethodInfo LongCount = Def(new Func<IEnumerable<object>, long>(Enumerable.LongCount));
    public static readonly MethodInfo Any = Def(new Func<IEnumerable<object>, bool>(Enumerable.Any));
    public static readonly MethodInfo All = Def(new Func<IEnumerable<object>, Func<object, bool>, bool>(Enumerable.All));
    public static readonly MethodInfo First = Def(new Func<IEnumerable<object>, object>(Enumerable.First));
    public static readonly MethodInfo FirstOrDefault = Def(new Func<IEnumerable<object>, object?>(Enumerable.FirstOrDefault));
    public static readonly MethodInfo Single = Def(new Func<IEnumerable<object>, object>(Enumerable.Single));
    public static readonly MethodInfo SingleOrDefault = Def(new Func<IEnumerable<object>, object?>(Enumerable.SingleOrDefault));
    public static readonly MethodInfo Last = Def(new Func<IEnumerable<object>, object>(Enumerable.Last));
    public static readonly MethodInfo LastOrDefault = Def(new Func<IEnumerable<object>, object?>(Enumerable.LastOrDefault));
    public static readonly MethodInfo FirstMatching = Def(new Func<IEnumerable<object>, Func<object, bool>, object>(Enumerable.First));
    public static readonly MethodInfo SingleMatching = Def(new Func<IEnumerable<object>, Func<object, bool>, object>(Enumerable.Single));
    public static readonly MethodInfo SingleOrDefaultMatching = Def(new Func<IEnumerable<object>, Func<object, bool>, object?>(Enumerable.SingleOrDefault));
    public static readonly MethodInfo LastMatching = Def(new Func<IEnumerable<object>, Func<object, bool>, object>(Enumerable.Last));
    public static readonly MethodInfo Contains = Def(new Func<IEnumerable<object>, object, bool>(Enumerable.Contains));
    public static readonly MethodInfo GroupBy = Def(new Func<IEnumerable<object>, Func<object, object>, Func<object, object>, IEnumerable<IGrouping<object, object>>>(Enumerable.GroupBy));
    public static readonly MethodInfo Cast = Def(new Func<System.Collections.IEnumerable, IEnumerable<object>>(Enumerable.Cast<object>));
    public static readonly MethodInfo OfType = Def(new Func<System.Collections.IEnumerable, IEnumerable<object>>(Enumerable.OfType<object>));
    public static readonly MethodInfo DefaultIfEmpty = Def(new Func<IEnumerable<object>, IEnumerable<object?>>(Enumerable.DefaultIfEmpty));
    public static readonly MethodInfo DefaultIfEmptyValue = Def(new Func<IEnumerable<object>, object, IEnumerable<object>>(Enumerable.DefaultIfEmpty));
    public static readonly MethodInfo Concat = Def(new Func<IEnumerable<object>, IEnumerable<object>, IEnumerable<object>>(Enumerable.Concat));
    public static readonly MethodInfo Union = Def(new Func<IEnumerable<object>, IEnumerable<object>, IEnumerable<object>>(Enumerable.Union));
    public static readonly MethodInfo Intersect = Def(new Func<IEnumerable<object>, IEnumerable<object>, IEnumerable<object>>(Enumerable.Intersect));
    public static readonly MethodInfo Except = Def(new Func<IEnumerable<object>, IEnumerable<object>, IEnumerable<object>>(Enumerable.Except));
    public static readonly MethodInfo Aggregate = Def(new Func<IEnumerable<object>, Func<object, object, object>, object>(Enumerable.Aggregate));
    public static readonly MethodInfo AggregateSeed = Def(new Func<IEnumerable<object>, object, Func<object, object, object>, object>(Enumerable.Aggregate));
    public static readonly MethodInfo AggregateSeedResult = Def(new Func<IEnumerable<object>, object, Func<object, object, object>, Func<object, object>, object>(Enumerable.Aggregate));
    public static readonly MethodInfo MinGeneric = Def(new Func<IEnumerable<object>, object?>(Enumerable.Min));
    public static readonly MethodInfo MaxGeneric = Def(new Func<IEnumerable<object>, object?>(Enumerable.Max));

    /// <summary>The sequence's element type (<c>IEnumerable&lt;X&gt;</c> of any sequence type).</summary>
    public static Type ElementType(Type sequence) => TryElementType(sequence)
        ?? throw new NotSupportedException($"{sequence.Name} is not a sequence.");

    public static Type? TryElementType(Type sequence)
    {
        if (sequence == typeof(string)) return null;
        if (sequence.IsGenericType && sequence.GetGenericTypeDefinition() == typeof(IEnumerable<>)) return sequence.GetGenericArguments()[0];
        return sequence.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
    }

    /// <summary>Calls a sequence operator, inferring its type arguments from the source and the lambdas' types.</summary>
    public static MethodCallExpression Call(MethodInfo definition, Type[] typeArguments, params Expression[] arguments) =>
        Expression.Call(definition.MakeGenericMethod(typeArguments), arguments);

    /// <summary>
    /// Sum/Average/Min/Max over a sequence of <paramref name="element"/>: the overload C# itself would bind
    /// (the numeric one when it exists, else the generic one), so results and exceptions equal LINQ-to-Objects'.
    /// </summary>
    public static MethodCallExpression NumericAggregate(string name, Expression source, Type element)
    {
        // Looked up by name because these are overload families of one operator; the parameter type picks the overload.
        var numeric = typeof(Enumerable).GetMethod(name, [typeof(IEnumerable<>).MakeGenericType(element)]);
        if (numeric is not null) return Expression.Call(numeric, source);
        if (name == nameof(Enumerable.Min)) return Call(MinGeneric, [element], source);
        if (name == nameof(Enumerable.Max)) return Call(MaxGeneric, [element], source);
        throw new NotSupportedException($"{name} over a sequence of {element.Name} is not supported: LINQ has no such overload.");
    }
}
