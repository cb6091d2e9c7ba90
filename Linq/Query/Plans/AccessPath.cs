using System.Linq.Expressions;
using System.Reflection;
using ZgDb.Query.Execution;

namespace ZgDb.Query.Plans;

/// <summary>A bound of a range: a value (an expression evaluated when the query runs) and whether it is included.</summary>
internal readonly record struct RangeBound(Expression Value, bool Inclusive);

/// <summary>
/// A way to read stored documents of the collection of <typeparamref name="T"/>. Yields the stored (shared)
/// documents: the steps above filter them, and the plan copies only those it returns.
/// </summary>
internal abstract class AccessPath<T> : PlanNode where T : class
{
    protected AccessPath(EntityType entity) => Entity = entity;

    public EntityType Entity { get; }

    /// <summary>Whether the documents come in primary-key order (the order of LINQ-to-Objects over the collection).</summary>
    public abstract bool InKeyOrder { get; }

    /// <summary>Calls <paramref name="method"/> (an instance method of this node) with the context and the boxed arguments.</summary>
    protected Expression CallSelf(string method, Expression context, params Expression[] arguments)
    {
        var info = GetType().GetMethod(method, BindingFlags.Instance | BindingFlags.Public)
            ?? throw new InvalidOperationException($"{GetType().Name}.{method} is missing.");
        var parameters = info.GetParameters();
        var args = new Expression[arguments.Length + 1];
        args[0] = context;
        for (int i = 0; i < arguments.Length; i++)
            args[i + 1] = arguments[i].Type == parameters[i + 1].ParameterType ? arguments[i] : Expression.Convert(arguments[i], parameters[i + 1].ParameterType);
        return Expression.Call(Expression.Constant(this), info, args);
    }

    protected static string Range(PlanText text, RangeBound? lower, RangeBound? upper) =>
        (lower is { } lo ? (lo.Inclusive ? "[" : "(") + text.Value(lo.Value) : "(-inf") + ", "
        + (upper is { } hi ? text.Value(hi.Value) + (hi.Inclusive ? "]" : ")") : "+inf)");

    protected static ConstantExpression NoValue { get; } = Expression.Constant(null, typeof(object));

    /// <summary>The cost of reading every document (the planner's unit for "expensive").</summary>
    public const double ScanCost = 1_000_000;
}

/// <summary>Every document of the collection, in key order, loading chunks on demand.</summary>
internal sealed class FullScan<T>(EntityType entity, bool descending = false) : AccessPath<T>(entity) where T : class
{
    public override double Cost => ScanCost;
    public override bool InKeyOrder => !descending;
    public override string Explain(PlanText text) => $"FULL SCAN {Entity.Name}" + (descending ? " DESC" : "");
    public override Expression Build(Expression context) => CallSelf(nameof(Run), context);

    public IEnumerable<T> Run(QueryContext context) => descending
        ? context.Snapshot<T>().KeyRange(null, null, descending: true)
        : context.Snapshot<T>().Scan();
}

/// <summary>The one document whose primary key equals a value (cost 1: at most one chunk).</summary>
internal sealed class PrimaryKeySeek<T>(EntityType entity, Expression key) : AccessPath<T>(entity) where T : class
{
    public override double Cost => 1;
    public override bool InKeyOrder => true;
    public override string Explain(PlanText text) => $"PRIMARY KEY SEEK {Entity.Name}.{Entity.Key.Name} = {text.Value(key)}";
    public override Expression Build(Expression context) => CallSelf(nameof(Run), context, key);

    public IEnumerable<T> Run(QueryContext context, object? key) =>
        key is not null && context.Snapshot<T>().Get(key) is { } document ? [document] : [];
}

/// <summary>The documents whose primary keys are in a list (<c>ids.Contains(u.Id)</c>), in key order.</summary>
internal sealed class PrimaryKeyIn<T>(EntityType entity, Expression keys) : AccessPath<T>(entity) where T : class
{
    private readonly Type _element = EnumerableMethods.ElementType(keys.Type);

    public override double Cost => 10;
    public override bool InKeyOrder => true;
    public override string Explain(PlanText text) => $"PRIMARY KEY SEEK {Entity.Name}.{Entity.Key.Name} IN {text.Value(keys)}";
    public override Expression Build(Expression context) => CallSelf(nameof(Run), context, keys);

    public IEnumerable<T> Run(QueryContext context, System.Collections.IEnumerable? keys)
    {
        ArgumentNullException.ThrowIfNull(keys, "source"); // LINQ-to-Objects' Contains on a null list throws the same
        var snapshot = context.Snapshot<T>();
        // a set with its own comparer (OrdinalIgnoreCase...) is asked about every key, as LINQ-to-Objects asks it
        if (!CapturedList.ComparesByDefaultEquality(keys))
            return snapshot.Scan().Where(document => CapturedList.Contains(keys, _element, snapshot.KeyOf(document)));
        var found = new List<T>();
        var seen = new HashSet<object>(KeyComparer.Equality(Entity.KeyKind));
        foreach (var key in keys)
            if (key is not null && snapshot.Get(key) is { } document && seen.Add(snapshot.KeyOf(document)))
                found.Add(document);
        var comparer = KeyComparer.For(Entity.KeyKind);
        found.Sort((a, b) => comparer.Compare(snapshot.KeyOf(a), snapshot.KeyOf(b)));
        return found;
    }
}

/// <summary>The documents whose primary keys lie in a range, in key order (or reversed); only the chunks overlapping it are read.</summary>
internal sealed class PrimaryKeyRange<T>(EntityType entity, RangeBound? lower, RangeBound? upper, bool descending) : AccessPath<T>(entity) where T : class
{
    public override double Cost => ScanCost * (lower is not null && upper is not null ? 0.11 : 0.33) * 0.5; // sequential: cheaper than an index range
    public override bool InKeyOrder => !descending;
    public override string Explain(PlanText text) => $"PRIMARY KEY RANGE {Entity.Name}.{Entity.Key.Name} {Range(text, lower, upper)}" + (descending ? " DESC" : "");
    public override Expression Build(Expression context) => CallSelf(nameof(Run), context, lower?.Value ?? NoValue, upper?.Value ?? NoValue);

    public IEnumerable<T> Run(QueryContext context, object? low, object? high)
    {
        // A null bound (a nullable parameter holding null) compares false with every key, as in C#.
        if (lower is not null && low is null || upper is not null && high is null) return [];
        return context.Snapshot<T>().KeyRange(
            lower is { } lo ? new Storage.Indexes.IndexBound(low, lo.Inclusive) : null,
            upper is { } hi ? new Storage.Indexes.IndexBound(high, hi.Inclusive) : null,
            descending);
    }
}

/// <summary>How primary keys order and match: strings ordinally, byte arrays by content, everything else by its own comparer (the engine's order).</summary>
internal static class KeyComparer
{
    public static IComparer<object> For(KeyKind kind) => kind switch
    {
        KeyKind.String => Comparer<object>.Create((a, b) => string.CompareOrdinal((string)a, (string)b)),
        KeyKind.Bytes => Comparer<object>.Create((a, b) => KeyKinds.CompareBytes((byte[])a, (byte[])b)),
        _ => Comparer<object>.Default,
    };

    /// <summary>Key equality for sets of boxed keys (a byte-array key is its content, not its reference).</summary>
    public static IEqualityComparer<object> Equality(KeyKind kind) => KeyKinds.BoxedEquality(kind);
}

/// <summary>
/// The union of several access paths, one per branch of an OR (<c>City == a || Age &gt; 90</c>): each document once,
/// in key order. The OR itself is rechecked over the union, so a branch's path may return a superset.
/// </summary>
internal sealed class UnionAccess<T>(EntityType entity, IReadOnlyList<AccessPath<T>> branches) : AccessPath<T>(entity) where T : class
{
    public IReadOnlyList<AccessPath<T>> Branches { get; } = branches;
    public override double Cost => Branches.Sum(b => b.Cost) * 1.2;
    public override bool InKeyOrder => true;
    public override string Explain(PlanText text) => "UNION(" + string.Join(", ", Branches.Select(b => b.Explain(text))) + ")";

    public override Expression Build(Expression context) =>
        CallSelf(nameof(Run), context, Expression.NewArrayInit(typeof(IEnumerable<T>), Branches.Select(b => b.Build(context))));

    public IEnumerable<T> Run(QueryContext context, IEnumerable<T>[] branches)
    {
        var snapshot = context.Snapshot<T>();
        var byKey = new Dictionary<object, T>(KeyComparer.Equality(Entity.KeyKind));
        foreach (var branch in branches)
            foreach (var document in branch)
                byKey.TryAdd(snapshot.KeyOf(document), document);
        var keys = byKey.Keys.ToList();
        keys.Sort(KeyComparer.For(Entity.KeyKind));
        return keys.Select(k => byKey[k]);
    }
}
