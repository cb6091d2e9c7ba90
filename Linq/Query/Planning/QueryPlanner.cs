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
        if (SourceChain.Read(node) is { } chain)
            return Fit((Expression)PlanChainMethod.MakeGenericMethod(chain.Element).Invoke(this, [chain])!, node.Type);
        if (node.Method.DeclaringType == typeof(Enumerable)) InMemory.Insert(0, node.Method.Name.ToUpperInvariant());
        return base.VisitMethodCall(node);
    }

    protected override Expression VisitExtension(Expression node) => node is CollectionSourceExpression source
        ? (Expression)PlanChainMethod.MakeGenericMethod(source.ElementType).Invoke(this, [new SourceChain { Element = source.ElementType }])!
        : base.VisitExtension(node);

    /// <summary>
    /// A plan yields a plain sequence; where the query typed it as an ordered one (<c>IOrderedEnumerable</c> of an
    /// <c>OrderBy</c> nested in a projection), it is wrapped in that type, already in its order.
    /// </summary>
    private static Expression Fit(Expression planned, Type expected) =>
        expected.IsAssignableFrom(planned.Type) ? planned : Execution.OrderedView.Wrap(planned, expected) ?? Expression.Convert(planned, expected);

    private Expression PlanChain<T>(SourceChain chain) where T : class
    {
        var entity = model.FindEntity(typeof(T))
            ?? throw new NotSupportedException($"{typeof(T).Name} is not a collection of this database.");

        // Nested collections inside the lambdas (subqueries) are planned first.
        var predicates = chain.Predicates.Select(p => (LambdaExpression)Visit(p)).ToList();
        var orderings = chain.Orderings.Select(o => ((LambdaExpression)Visit(o.Key), o.Descending)).ToList();
        var limits = chain.Limits.Select(l => (l.Take, Count: Visit(l.Count))).ToList();
        var selector = chain.Selector is null ? null : (LambdaExpression)Visit(chain.Selector);

        var access = new AccessPlanner<T>(entity, name => indexAvailable(typeof(T), name)).Choose(predicates, orderings, limits.Any(l => l.Take));
        var node = Build(access);
        if (access.Requirements.Count > 0)
            node = new Guarded<T>(access.Requirements, node, Build(AccessPlanner<T>.ReadEverything(entity, predicates)));
        Plans.Add(node);

        PlanNode Build(AccessChoice<T> access)
        {
            PlanNode node = access.Path;
            if (access.Residual is { } residual) node = new Filter(residual) { Input = node, Hint = access.Hint };
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
            if (copyDocuments && !counting) node = new CopyDocuments<T> { Input = node };
            if (selector is not null) node = new Project(selector) { Input = node };
            if (chain.Terminal is { } terminal) node = new Plans.Aggregate(terminal, selector?.ReturnType ?? typeof(T)) { Input = node };
            return node;
        }

        var expression = node.Build(context);
        foreach (var call in chain.Rest)
        {
            InMemory.Add(call.Method.Name.ToUpperInvariant());
            var arguments = call.Arguments.Skip(1).Select(Visit).Prepend(expression).ToArray();
            expression = Expression.Call(call.Method, arguments!);
        }
        return expression;
    }

    private bool SelectorCannotThrow(EntityType entity, LambdaExpression selector)
    {
        var requirements = new List<NoThrowRequirement>();
        return new ThrowAnalysis(entity, selector.Parameters[0], name => indexAvailable(entity.ClrType, name)).CannotThrow(selector.Body, requirements)
               && requirements.Count == 0;
    }
}
