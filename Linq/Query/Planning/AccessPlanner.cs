using System.Linq.Expressions;
using System.Reflection;
using ZgDb.Query.Plans;
using ZgDb.Query.Translators;

namespace ZgDb.Query.Planning;

/// <summary>The chosen way to read a collection: the access path, what of the predicate is left, whether the order is served.</summary>
/// <remarks>
/// <see cref="Requirements"/>: what must hold when the query runs for the path to skip only rows on which no
/// conjunct could throw (see <see cref="ThrowAnalysis"/>); when they fail, the query reads every document instead.
/// </remarks>
internal sealed record AccessChoice<T>(AccessPath<T> Path, LambdaExpression? Residual, bool ServesOrder) where T : class
{
    public IReadOnlyList<NoThrowRequirement> Requirements { get; init; } = [];

    /// <summary>A hint for Explain when an index could serve a conjunct written another way (a culture StartsWith).</summary>
    public string? Hint { get; init; }
}

/// <summary>
/// Chooses the access path for one collection from the conjuncts of its Where predicates and its ordering:
/// primary-key seek/list/range, index seek/list/range/ordered scan, or a full scan. Each candidate says which
/// conjuncts it answers exactly; the others stay as a filter over the candidate documents.
/// </summary>
internal sealed class AccessPlanner<T>(EntityType entity, Func<string, bool> indexAvailable) where T : class
{
    private sealed record Candidate(AccessPath<T> Path, HashSet<int> Served, bool ServesOrder)
    {
        public double Score(bool ordered, bool limited) =>
            Path.Cost * (ordered && ServesOrder ? limited ? 0.01 : 0.5 : 1);
    }

    private ParameterExpression _document = null!;
    private List<Expression> _conjuncts = null!;
    private List<IndexCondition?> _conditions = null!;

    public AccessChoice<T> Choose(IReadOnlyList<LambdaExpression> predicates, IReadOnlyList<(LambdaExpression Key, bool Descending)> orderings, bool limited)
    {
        _document = Expression.Parameter(typeof(T), predicates.FirstOrDefault()?.Parameters[0].Name ?? "d");
        _conjuncts = predicates.SelectMany(p => Conjuncts(Rebind(p))).ToList();
        _conditions = _conjuncts.Select(Analyze).ToList();

        // An index may answer or narrow on a conjunct only if no conjunct up to it can throw: the rows it skips
        // would be rows where LINQ-to-Objects throws. After one that can, every conjunct is only filtered.
        var analysis = new ThrowAnalysis(entity, _document, indexAvailable);
        var requirements = new List<List<NoThrowRequirement>>();
        _usable = 0;
        while (_usable < _conjuncts.Count && analysis.CannotThrow(_conjuncts[_usable], requirements.AddAndReturn([]))) _usable++;
        for (int i = _usable; i < _conditions.Count; i++) _conditions[i] = null;
        bool mayThrow = _usable < _conjuncts.Count;

        // Only a single ordering key can be served (index order is value, then primary key). Not when the filter
        // may throw: LINQ's OrderBy reads (and filters) every document before a Take stops, an ordered read does not.
        IReadOnlyList<PropertyInfo>? orderPath = null;
        bool descending = false;
        if (orderings.Count == 1 && !mayThrow)
        {
            orderPath = ConditionParts.Path(orderings[0].Key.Body, orderings[0].Key.Parameters[0]);
            descending = orderings[0].Descending;
            if (orderPath is not null && !ConditionParts.OrdersLikeLinq(orderPath[^1].PropertyType)) orderPath = null;
        }
        bool byKey = orderPath is not null && orderPath.Count == 1 && orderPath[0] == entity.Key.Info && !entity.HasCompositeKey;

        var candidates = new List<Candidate>
        {
            new(new FullScan<T>(entity, byKey && descending), [], byKey),
        };
        AddPrimaryKey(candidates, byKey, descending);
        foreach (var index in entity.Indexes)
            if (indexAvailable(index.Name)) AddIndex(candidates, index, orderPath, descending, limited);

        AddUnion(candidates, byKey, descending);

        var best = candidates.MinBy(c => c.Score(orderings.Count > 0, limited))!;
        var residual = _conjuncts.Where((_, i) => !best.Served.Contains(i)).ToList();
        var filter = residual.Count == 0 ? null : Expression.Lambda(residual.Aggregate(Expression.AndAlso), _document);
        return new AccessChoice<T>(best.Path, filter, best.ServesOrder && orderings.Count > 0)
        {
            // A full scan skips no row: nothing to check. Otherwise what the conjuncts up to the last one an index
            // can use need (the rows skipped are rows where one of those is false), or all, when the path serves
            // the order (a Take stops it before it reaches every row).
            Hint = OrdinalHint(best.Path),
            Requirements = best.Path is FullScan<T> ? [] : requirements
                .Take(best.ServesOrder && orderings.Count > 0 ? requirements.Count : _conditions.FindLastIndex(c => c is not null) + 1)
                .SelectMany(r => r).Distinct().ToList(),
        };
    }

    /// <summary>
    /// The plan that is always exact, whatever throws: every document in key order, every conjunct filtered in
    /// order, any ordering sorted (used when the <see cref="AccessChoice{T}.Requirements"/> fail).
    /// </summary>
    public static AccessChoice<T> ReadEverything(EntityType entity, IReadOnlyList<LambdaExpression> predicates)
    {
        if (predicates.Count == 0) return new AccessChoice<T>(new FullScan<T>(entity), null, false);
        var document = Expression.Parameter(typeof(T), predicates[0].Parameters[0].Name ?? "d");
        var body = predicates.Select(p => new Rebinder(p.Parameters[0], document).Visit(p.Body)).Aggregate(Expression.AndAlso);
        return new AccessChoice<T>(new FullScan<T>(entity), Expression.Lambda(body, document), false);
    }

    private int _usable;

    private static readonly MethodInfo CultureStartsWith = typeof(string).GetMethod(nameof(string.StartsWith), [typeof(string)])!;

    /// <summary>
    /// A culture-sensitive <c>StartsWith(p)</c> on the first column of an index is never an index range (ignorable
    /// characters match outside the ordinal prefix): say that the ordinal form would be one.
    /// </summary>
    private string? OrdinalHint(AccessPath<T> chosen)
    {
        if (chosen is not FullScan<T>) return null;
        foreach (var conjunct in _conjuncts)
        {
            if (conjunct is not MethodCallExpression { Object: { } target } call || call.Method != CultureStartsWith) continue;
            if (ConditionParts.Path(target, _document) is not { } path) continue;
            var name = string.Join(".", path.Select(p => p.Name));
            if (entity.Indexes.Any(i => i.Properties[0].Name == name && indexAvailable(i.Name)))
                return $"hint: StartsWith(value, StringComparison.Ordinal) would use the index on {name}; StartsWith(value) compares with the culture";
        }
        return null;
    }

    /// <summary>
    /// An OR conjunct whose every branch has an access path better than a scan: the union of those paths. The OR
    /// stays in the filter (each branch's path may serve only part of its branch).
    /// </summary>
    private void AddUnion(List<Candidate> candidates, bool byKey, bool descending)
    {
        foreach (var conjunct in _conjuncts.Take(_usable))
        {
            if (conjunct is not BinaryExpression { NodeType: ExpressionType.OrElse }) continue;
            var branches = new List<AccessPath<T>>();
            foreach (var branch in Disjuncts(conjunct))
            {
                var planner = new AccessPlanner<T>(entity, indexAvailable);
                var path = planner.Choose([Expression.Lambda(branch, _document)], [], limited: false).Path;
                if (path is FullScan<T> || path is UnionAccess<T>) { branches.Clear(); break; }
                branches.Add(path);
            }
            if (branches.Count > 1)
                candidates.Add(new Candidate(new UnionAccess<T>(entity, branches), [], byKey && !descending));
        }
    }

    private static IEnumerable<Expression> Disjuncts(Expression e) => e is BinaryExpression { NodeType: ExpressionType.OrElse } or
        ? Disjuncts(or.Left).Concat(Disjuncts(or.Right))
        : [e];

    private void AddPrimaryKey(List<Candidate> candidates, bool byKey, bool descending)
    {
        if (entity.HasCompositeKey)
        {
            if (CompositeKeyPrefix.Plan<T>(entity, _conditions) is { } composite)
                candidates.Add(new Candidate(composite.Path, composite.Served, ServesOrder: false));
            return;
        }
        var key = new[] { entity.Key.Info };
        for (int i = 0; i < _conditions.Count; i++)
        {
            if (_conditions[i] is not { } c || !SamePath(c.Path, key)) continue;
            if (c.Kind == ConditionKind.Equal)
                candidates.Add(new Candidate(new PrimaryKeySeek<T>(entity, c.Value), Exactly(i), ServesOrder: true));
            else if (c.Kind == ConditionKind.In)
                candidates.Add(new Candidate(new PrimaryKeyIn<T>(entity, c.Value), Exactly(i), ServesOrder: byKey && !descending));
        }
        var (lower, upper, served) = Bounds(key);
        if (lower is not null || upper is not null)
            candidates.Add(new Candidate(new PrimaryKeyRange<T>(entity, lower, upper, byKey && descending), served, byKey));
    }

    private void AddIndex(List<Candidate> candidates, EntityIndex index, IReadOnlyList<PropertyInfo>? orderPath, bool descending, bool limited)
    {
        var columns = index.Properties;
        var prefix = new List<Expression>();
        var served = new HashSet<int>();
        foreach (var column in columns)
        {
            int i = Find(column.Members, ConditionKind.Equal);
            if (i < 0) break;
            prefix.Add(_conditions[i]!.Value);
            if (_conditions[i]!.Exact) served.Add(i);
        }
        int next = prefix.Count;
        Func<T, object?>? orderValue = null;
        bool ordered = next < columns.Count && orderPath is not null && SamePath(orderPath, columns[next].Members);
        if (ordered) orderValue = Getter(columns[next]);
        var order = ordered ? IndexOrder.Index : IndexOrder.Key;

        if (next < columns.Count)
        {
            var (lower, upper, rangeServed) = Bounds(columns[next].Members);
            int startsWith = Find(columns[next].Members, ConditionKind.StartsWith);
            int list = next == 0 ? Find(columns[0].Members, ConditionKind.In) : -1;
            if (lower is not null || upper is not null)
            {
                candidates.Add(new Candidate(new IndexRange<T>(entity, index, [.. prefix], lower, upper, ordered && descending, order, orderValue),
                    [.. served, .. rangeServed], ordered));
            }
            else if (startsWith >= 0)
            {
                var value = _conditions[startsWith]!.Value;
                // StartsWith keeps index order of strings, which is ordinal: never the order of a string OrderBy.
                candidates.Add(new Candidate(new IndexRange<T>(entity, index, [.. prefix], new RangeBound(value, true), null, false, IndexOrder.Key, null) { StartsWith = true },
                    [.. served, startsWith], false));
            }
            else if (list >= 0)
                candidates.Add(new Candidate(new IndexIn<T>(entity, index, _conditions[list]!.Value), _conditions[list]!.Exact ? [list] : [], false));
            else if (prefix.Count > 0)
                candidates.Add(new Candidate(new IndexSeek<T>(entity, index, [.. prefix], order, ordered && descending, orderValue), served, ordered));
            else if (ordered && limited)
                candidates.Add(new Candidate(new IndexOrderedScan<T>(entity, index, descending, orderValue), [], true));
        }
        else
        {
            // Every column equal: the entries come in key order, and any ordering over the result is a sort of equal values... unless it is on the key.
            candidates.Add(new Candidate(new IndexSeek<T>(entity, index, [.. prefix], IndexOrder.Key), served, false));
        }
    }

    /// <summary>The tightest bounds the range conjuncts put on <paramref name="path"/> (the first lower and first upper).</summary>
    private (RangeBound? Lower, RangeBound? Upper, HashSet<int> Served) Bounds(IReadOnlyList<PropertyInfo> path)
    {
        RangeBound? lower = null, upper = null;
        var used = new List<int>();
        for (int i = 0; i < _conditions.Count; i++)
        {
            if (_conditions[i] is not { Kind: ConditionKind.Range } c || !SamePath(c.Path, path)) continue;
            if (c.IsLower && lower is null) lower = new RangeBound(c.Value, c.Inclusive);
            else if (!c.IsLower && upper is null) upper = new RangeBound(c.Value, c.Inclusive);
            else continue;
            used.Add(i);
        }
        // Served exactly: the index returns exactly what the conjunct keeps. An upper bound alone on a nullable
        // path is not (the index orders nulls first, C# says null < x is false): it narrows, then is rechecked.
        var served = used.Where(i => _conditions[i]!.Exact && !(lower is null && _conditions[i]!.IsNullable)).ToHashSet();
        return (lower, upper, served);
    }

    private HashSet<int> Exactly(int i) => _conditions[i]!.Exact ? [i] : [];

    private int Find(IReadOnlyList<PropertyInfo> path, ConditionKind kind)
    {
        for (int i = 0; i < _conditions.Count; i++)
            if (_conditions[i] is { } c && c.Kind == kind && SamePath(c.Path, path)) return i;
        return -1;
    }

    private static bool SamePath(IReadOnlyList<PropertyInfo> a, IReadOnlyList<PropertyInfo> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.Name == p.Second.Name && p.First.DeclaringType == p.Second.DeclaringType);

    private static Func<T, object?> Getter(PropertyPath path) => document => path.GetValue(document);

    /// <summary>One conjunct as a condition on a property path, or null when no index can answer it.</summary>
    private IndexCondition? Analyze(Expression conjunct)
    {
        switch (conjunct)
        {
            case BinaryExpression { NodeType: ExpressionType.Equal } equal:
                return Comparison(equal, ConditionKind.Equal, isLower: false, inclusive: true);
            case BinaryExpression { NodeType: ExpressionType.GreaterThan } b:
                return Comparison(b, ConditionKind.Range, isLower: true, inclusive: false);
            case BinaryExpression { NodeType: ExpressionType.GreaterThanOrEqual } b:
                return Comparison(b, ConditionKind.Range, isLower: true, inclusive: true);
            case BinaryExpression { NodeType: ExpressionType.LessThan } b:
                return Comparison(b, ConditionKind.Range, isLower: false, inclusive: false);
            case BinaryExpression { NodeType: ExpressionType.LessThanOrEqual } b:
                return Comparison(b, ConditionKind.Range, isLower: false, inclusive: true);
            case MethodCallExpression call:
                return MethodTranslators.Translate(call, _document);
            default:
                return null;
        }
    }

    private IndexCondition? Comparison(BinaryExpression node, ConditionKind kind, bool isLower, bool inclusive)
    {
        // A user-defined operator is not the index's comparison, except string == (ordinal equality) and the
        // operators of the BCL value types whose comparisons are their CompareTo (the index's order).
        if (node.Method is not null && node.Method.DeclaringType != typeof(string) && !ComparesLikeIndex(node.Method.DeclaringType)) return null;
        if (kind == ConditionKind.Range && node.Left.Type == typeof(string)) return null;
        for (int side = 0; side < 2; side++)
        {
            var pathSide = side == 0 ? node.Left : node.Right;
            var valueSide = side == 0 ? node.Right : node.Left;
            if (WidenedBound.NarrowFrom(pathSide) is { } narrow && ConditionParts.Path(((UnaryExpression)pathSide).Operand, _document) is { } narrowPath
                && ConditionParts.IsFreeOf(valueSide, _document))
            {
                bool lower = side == 0 ? isLower : !isLower;
                int delta = kind != ConditionKind.Range || inclusive ? 0 : lower ? 1 : -1;
                return new IndexCondition(narrowPath, kind, WidenedBound.Build(valueSide, narrow, delta), Exact: false, lower, Inclusive: true);
            }
            if (ConditionParts.Path(pathSide, _document) is not { } path || !ConditionParts.IsFreeOf(valueSide, _document)) continue;
            var value = ConditionParts.Unwrap(valueSide);
            var type = Nullable.GetUnderlyingType(path[^1].PropertyType) ?? path[^1].PropertyType;
            var valueType = Nullable.GetUnderlyingType(value.Type) ?? value.Type;
            if (valueType != type && !(type.IsEnum && valueType == Enum.GetUnderlyingType(type))) continue;
            bool exact = ConditionParts.ComparesExactly(type);
            // the path on the right flips the comparison: 5 < u.Age is u.Age > 5
            return new IndexCondition(path, kind, Expression.Convert(value, typeof(object)), exact, side == 0 ? isLower : !isLower, inclusive);
        }
        return null;
    }

    private static bool ComparesLikeIndex(Type? type) =>
        type == typeof(decimal) || type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(TimeSpan)
        || type == typeof(DateOnly) || type == typeof(TimeOnly) || type == typeof(Guid);

    private Expression Rebind(LambdaExpression predicate) => new Rebinder(predicate.Parameters[0], _document).Visit(predicate.Body);

    private static IEnumerable<Expression> Conjuncts(Expression e) => e is BinaryExpression { NodeType: ExpressionType.AndAlso } and
        ? Conjuncts(and.Left).Concat(Conjuncts(and.Right))
        : [e];

    private sealed class Rebinder(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
        protected override Expression VisitExtension(Expression node) => node;
    }
}

internal static class ListExtensions
{
    /// <summary>Adds <paramref name="item"/> and returns it.</summary>
    public static TItem AddAndReturn<TItem>(this List<TItem> list, TItem item)
    {
        list.Add(item);
        return item;
    }
}
