using System.Linq.Expressions;
using System.Reflection;
using ZgDb.Query.Plans;
using ZgDb.Query.Translators;
using M = ZgDb.Query.EnumerableMethods;

namespace ZgDb.Query.Planning;

/// <summary>
/// Phase 4 of the pipeline: replaces each collection of the normalized query, with the operators applied directly to
/// it (<see cref="SourceChain"/>), by a plan: the cheapest access path (<see cref="AccessPlanner{T}"/>), then the
/// filters, sort and limits the access path does not serve. Everything else stays LINQ-to-Objects over the plan's
/// output.
/// </summary>
internal sealed class QueryPlanner(DatabaseModel model, Func<Type, string, bool> indexAvailable, bool copyDocuments, ParameterExpression context)
    : ExpressionVisitor
{
    private static readonly MethodInfo PlanChainMethod = typeof(QueryPlanner).GetMethod(nameof(PlanChain), BindingFlags.NonPublic | BindingFlags.Instance)!;

    /// <summary>The plans made, one per collection read.</summary>
    public List<PlanNode> Plans { get; } = [];

    /// <summary>The LINQ-to-Objects operators left over the plans (for Explain).</summary>
    public List<string> InMemory { get; } = [];

    protected override Expression VisitMethodCall(MethodCallExpression node)
    {
        // MinBy, MaxBy, ElementAt, TakeLast... right above a chain: the plan may serve them (ServedPick)
        if (node.Method.DeclaringType == typeof(Enumerable) && node.Arguments.Count == 2 && PickOperators.Contains(node.Method.Name)
            && SourceChain.Read(node.Arguments[0]) is { Rest.Count: 0, Terminal: null } below)
            return Fit((Expression)PlanChainMethod.MakeGenericMethod(below.Element).Invoke(this, [below, node])!, node.Type);
        if (SourceChain.Read(node) is { } chain)
            return Fit((Expression)PlanChainMethod.MakeGenericMethod(chain.Element).Invoke(this, [chain, null])!, node.Type);
        if (node.Method.DeclaringType == typeof(Enumerable)) InMemory.Insert(0, node.Method.Name.ToUpperInvariant());
        return base.VisitMethodCall(node);
    }

    protected override Expression VisitExtension(Expression node) => node is CollectionSourceExpression source
        ? (Expression)PlanChainMethod.MakeGenericMethod(source.ElementType).Invoke(this, [new SourceChain { Element = source.ElementType }, null])!
        : base.VisitExtension(node);

    /// <summary>
    /// A plan yields a plain sequence; where the query typed it as an ordered one (<c>IOrderedEnumerable</c> of an
    /// <c>OrderBy</c> nested in a projection), it is wrapped in that type, already in its order.
    /// </summary>
    private static Expression Fit(Expression planned, Type expected) =>
        expected.IsAssignableFrom(planned.Type) ? planned : Execution.OrderedView.Wrap(planned, expected) ?? Expression.Convert(planned, expected);

    private static readonly HashSet<string> PickOperators =
        [nameof(Enumerable.MinBy), nameof(Enumerable.MaxBy), nameof(Enumerable.ElementAt), nameof(Enumerable.ElementAtOrDefault), nameof(Enumerable.TakeLast)];

    /// <summary>Plans <paramref name="chain"/>, with <paramref name="above"/> (an operator of <see cref="PickOperators"/> over it) served or run in memory.</summary>
    private Expression PlanChain<T>(SourceChain chain, MethodCallExpression? above) where T : class
    {
        var entity = model.FindEntity(typeof(T))
            ?? throw new NotSupportedException($"{typeof(T).Name} is not a collection of this database.");

        // Nested collections inside the lambdas (subqueries) are planned first.
        var predicates = chain.Predicates.Select(p => (LambdaExpression)Visit(p)).ToList();
        var orderings = chain.Orderings.Select(o => ((LambdaExpression)Visit(o.Key), o.Descending)).ToList();
        var limits = chain.Limits.Select(l => (l.Take, Count: Visit(l.Count))).ToList();
        var selector = chain.Selector is null ? null : (LambdaExpression)Visit(chain.Selector);

        var pick = above is null ? null : ServedPick<T>(entity, above, predicates, ref orderings, limits, selector);
        var access = new AccessPlanner<T>(entity, name => indexAvailable(typeof(T), name)).Choose(predicates, orderings, limits.Any(l => l.Take) || pick is not null);
        var node = Build(access);
        if (access.Requirements.Count > 0)
            node = new Guarded<T>(access.Requirements, node, Build(AccessPlanner<T>.ReadEverything(entity, predicates)));
        Plans.Add(node);

        PlanNode Build(AccessChoice<T> access)
        {
            PlanNode node = access.Path;
            // A predicate or ordering that hands the document to the application's code (Where(u => Check(u))) runs
            // over copies; otherwise the filters and sort read the stored documents and only what leaves is copied.
            bool copiedFirst = StoredObjectEscapes.Any([.. predicates, .. orderings.Select(o => o.Item1)])
                               || orderings.Any(o => StoredObjectEscapes.HasOwnCode(o.Item1.ReturnType));
            if (copiedFirst) node = new CopyDocuments<T> { Input = node };
            if (access.Residual is { } residual) node = new Filter(residual) { Input = node, Hint = access.Hint ?? DiscriminatorText.Of(entity, residual) };
            if (orderings.Count > 0 && !access.ServesOrder) node = new Sort(orderings) { Input = node };
            foreach (var (take, count) in limits) node = new SkipTake(take, count, typeof(T)) { Input = node };

            bool counting = chain.Terminal is not null;
            // Count and LongCount run the selector on every document in LINQ-to-Objects (Select(u => u.Age / zero).Count() throws)
            bool selectorMatters = selector is not null && chain.Terminal != M.Any && !SelectorCannotThrow(entity, selector);
            if (counting && limits.Count == 0 && access.Residual is null && !selectorMatters
                && (access.Path is IndexAccess<T> || access.Path is FullScan<T> && predicates.Count == 0))
            {
                var kind = chain.Terminal == M.Count ? CountKind.Count : chain.Terminal == M.LongCount ? CountKind.LongCount : CountKind.Any;
                return new CountWithoutDocuments<T>(access.Path is FullScan<T> ? null : access.Path, kind);
            }
            // a counted selector runs on every document too (Select(u => Describe(u)).Count())
            if (!copiedFirst && (copyDocuments && !counting || StoredObjectEscapes.Any(selector))) node = new CopyDocuments<T> { Input = node };
            if (selector is not null) node = new Project(selector) { Input = node };
            if (chain.Terminal is { } terminal) node = new Plans.Aggregate(terminal, selector?.ReturnType ?? typeof(T)) { Input = node };
            if (pick is not null) node = pick(node);
            return node;
        }

        var expression = node.Build(context);
        foreach (var call in above is null ? chain.Rest : pick is null ? [above] : [])
        {
            InMemory.Add(call.Method.Name.ToUpperInvariant());
            var arguments = call.Arguments.Skip(1).Select(Visit).Prepend(expression).ToArray();
            expression = Expression.Call(call.Method, arguments!);
        }
        return expression;
    }

    /// <summary>
    /// <c>MinBy</c>/<c>MaxBy</c> (by a property whose index order is LINQ's), <c>ElementAt[OrDefault](n)</c> and
    /// <c>TakeLast(n)</c> right above the chain, served by the plan (<see cref="OrderedPick"/>): the ordering, limits
    /// and final step they need are added to the chain's when the access path serves that order (for ElementAt any
    /// plan does: it is Skip/Take over the chain's own order). Null when the operator runs as LINQ-to-Objects.
    /// </summary>
    private Func<PlanNode, PlanNode>? ServedPick<T>(EntityType entity, MethodCallExpression call, List<LambdaExpression> predicates,
        ref List<(LambdaExpression Key, bool Descending)> orderings, List<(bool Take, Expression Count)> limits, LambdaExpression? selector) where T : class
    {
        if (!call.Method.IsGenericMethod) return null;
        var element = selector?.ReturnType ?? typeof(T);
        bool Serves(List<(LambdaExpression, bool)> order) =>
            new AccessPlanner<T>(entity, name => indexAvailable(typeof(T), name)).Choose(predicates, order, limited: true).ServesOrder;
        switch (call.Method.Name)
        {
            case nameof(Enumerable.MinBy) or nameof(Enumerable.MaxBy) when orderings.Count == 0 && limits.Count == 0 && selector is null
                                                                       && call.Arguments[1] is LambdaExpression key
                                                                       && ConditionParts.Path(key.Body, key.Parameters[0]) is [var property]
                                                                       && ConditionParts.OrdersLikeLinq(property.PropertyType):
            {
                // a direct property (its key selector cannot throw), read in index order: the answer comes first
                bool max = call.Method.Name == nameof(Enumerable.MaxBy);
                List<(LambdaExpression, bool)> order = [(key, max)];
                if (!Serves(order)) return null;
                orderings = order;
                return input => new OrderedPick(max ? PickKind.MaxBy : PickKind.MinBy, element, key, null) { Input = input };
            }
            case nameof(Enumerable.ElementAt) or nameof(Enumerable.ElementAtOrDefault) when call.Arguments[1].Type == typeof(int):
            {
                var index = Visit(call.Arguments[1]);
                limits.Add((false, OrderedPick.SkipFor(index)));
                limits.Add((true, Expression.Constant(1)));
                var kind = call.Method.Name == nameof(Enumerable.ElementAt) ? PickKind.ElementAt : PickKind.ElementAtOrDefault;
                return input => new OrderedPick(kind, element, null, index) { Input = input };
            }
            case nameof(Enumerable.TakeLast) when limits.Count == 0:
            {
                // the last n in key order are the first n read backwards (also under OrderBy(primary key), which is that order)
                var document = Expression.Parameter(typeof(T), "d");
                var byKey = Expression.Lambda(Expression.Property(document, entity.Key.Info), document);
                bool descending;
                if (orderings.Count == 0) descending = true;
                else if (orderings is [var only] && ConditionParts.Path(only.Key.Body, only.Key.Parameters[0]) is [var p] && p == entity.Key.Info) descending = !only.Descending;
                else return null;
                List<(LambdaExpression, bool)> order = [(byKey, descending)];
                if (!Serves(order)) return null;
                orderings = order;
                limits.Add((true, Visit(call.Arguments[1])));
                return input => new OrderedPick(PickKind.TakeLast, element, null, null) { Input = input };
            }
            default:
                return null;
        }
    }

    private bool SelectorCannotThrow(EntityType entity, LambdaExpression selector)
    {
        var requirements = new List<NoThrowRequirement>();
        return new ThrowAnalysis(entity, selector.Parameters[0], name => indexAvailable(entity.ClrType, name)).CannotThrow(selector.Body, requirements)
               && requirements.Count == 0;
    }
}
