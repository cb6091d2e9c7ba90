using System.Collections;
using System.Linq.Expressions;
using System.Reflection;
using Remotion.Linq;
using Remotion.Linq.Parsing.ExpressionVisitors.Transformation;
using Remotion.Linq.Parsing.ExpressionVisitors.TreeEvaluation;
using Remotion.Linq.Parsing.Structure;

namespace ZgDb.Query.Relinq;

/// <summary>
/// The one seam to Remotion.Linq (re-linq): parses a parameterized query expression into re-linq's QueryModel and
/// translates that into ZgDb's normalized form (see <see cref="QueryModelTranslator"/>). No re-linq type leaves
/// this folder.
/// </summary>
internal static class RelinqFrontEnd
{
    private static readonly Lock ParserLock = new();
    private static long _parses;

    // Partial evaluation is switched off: the parameterizer has already lifted every constant and captured value
    // into a query parameter, and whatever is left (DateTime.Now, method calls on parameters) must run on every
    // execution, not once when the plan is cached.
    // Only the query operators re-linq knows by MethodInfo (Queryable's and Enumerable's) are parsed as operators.
    // Its default provider also matches any instance method named Contains on a collection by name
    // (set.Contains(x), list.Contains(x)) and rewrites it as Enumerable.Contains, which loses what the call was:
    // a HashSet or SortedSet with its own comparer, or a null list's NullReferenceException. Those stay calls.
    private static readonly QueryParser Parser = new(new ExpressionTreeParser(
        Remotion.Linq.Parsing.Structure.NodeTypeProviders.MethodInfoBasedNodeTypeRegistry.CreateFromRelinqAssembly(),
        ExpressionTreeParser.CreateDefaultProcessor(ExpressionTransformerRegistry.CreateDefault(), new NothingIsEvaluatable())));

    /// <summary>How many expressions re-linq has parsed in this process (the plan cache's tests count on it).</summary>
    public static long ParseCount => Interlocked.Read(ref _parses);

    private static readonly Remotion.Linq.Parsing.Structure.NodeTypeProviders.MethodInfoBasedNodeTypeRegistry Registry =
        Remotion.Linq.Parsing.Structure.NodeTypeProviders.MethodInfoBasedNodeTypeRegistry.CreateFromRelinqAssembly();

    /// <summary>The Queryable operators <see cref="QueryModelTranslator"/> maps (re-linq parses more, and knows fewer than .NET has).</summary>
    private static readonly HashSet<string> Translated =
    [
        nameof(Queryable.Where), nameof(Queryable.Select), nameof(Queryable.SelectMany), nameof(Queryable.OrderBy), nameof(Queryable.OrderByDescending),
        nameof(Queryable.ThenBy), nameof(Queryable.ThenByDescending), nameof(Queryable.Join), nameof(Queryable.GroupJoin), nameof(Queryable.GroupBy),
        nameof(Queryable.Take), nameof(Queryable.Skip), nameof(Queryable.Reverse), nameof(Queryable.Count), nameof(Queryable.LongCount),
        nameof(Queryable.Any), nameof(Queryable.All), nameof(Queryable.First), nameof(Queryable.FirstOrDefault), nameof(Queryable.Single),
        nameof(Queryable.SingleOrDefault), nameof(Queryable.Last), nameof(Queryable.LastOrDefault), nameof(Queryable.Distinct), nameof(Queryable.Contains),
        nameof(Queryable.Sum), nameof(Queryable.Average), nameof(Queryable.Min), nameof(Queryable.Max), nameof(Queryable.Cast), nameof(Queryable.OfType),
        nameof(Queryable.DefaultIfEmpty), nameof(Queryable.Concat), nameof(Queryable.Union), nameof(Queryable.Intersect), nameof(Queryable.Except),
        nameof(Queryable.Aggregate),
    ];

    /// <summary>
    /// Parses <paramref name="query"/> and returns the normalized query: an expression over <see cref="Enumerable"/>
    /// operators whose collections are <see cref="CollectionSourceExpression"/>s. A Queryable operator that re-linq or
    /// the translator does not know (MinBy, Chunk, TakeLast, Zip, an overload with a comparer, one added by a later
    /// .NET...) on the query's source chain is not an error: the part under it is parsed and planned, and the operator
    /// runs as its <see cref="Enumerable"/> counterpart (LINQ-to-Objects) over that part's results.
    /// </summary>
    /// <exception cref="NotSupportedException">The query uses an operator or form that ZgDb cannot evaluate.</exception>
    public static Expression Normalize(Expression query)
    {
        if (query is ConstantExpression { Value: ILiftedQuery lifted }) return lifted.Normalized;
        query = new NestedOperators().Visit(query);
        if (query is MethodCallExpression call && IsQueryOperator(call) && !IsTranslated(call)) return LiftToObjects(call);
        try
        {
            return MatchingTerminal(query, Parse(Lift(query)));
        }
        catch (NotSupportedException original) when (query is MethodCallExpression top && IsQueryOperator(top))
        {
            // an operator re-linq parses but the translator cannot map here (GroupBy after a projection...): LINQ-to-Objects
            // over the rest; when that cannot be either, the parser's own message stands
            try
            {
                return LiftToObjects(top);
            }
            catch (NotSupportedException)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(original);
                throw;
            }
        }
    }

    /// <summary>
    /// re-linq parses <c>First(p)</c>, <c>Single(p)</c>, <c>SingleOrDefault(p)</c> and <c>Last(p)</c> as <c>Where(p)</c> and the
    /// operator without a predicate, whose exceptions say "Sequence contains no elements" where LINQ-to-Objects says
    /// "no matching element" (and "more than one matching element"). The normalized operator takes the predicate
    /// overload with <c>_ => true</c> over the filtered rows, so its message is LINQ's own; the filter stays in the plan.
    /// </summary>
    private static Expression MatchingTerminal(Expression query, Expression normalized)
    {
        if (query is not MethodCallExpression { Arguments.Count: 2 } top || top.Method.DeclaringType != typeof(Queryable)
            || normalized is not MethodCallExpression { Arguments.Count: 1, Method.IsGenericMethod: true } terminal
            || terminal.Method.Name != top.Method.Name
            || !WithPredicate.TryGetValue(terminal.Method.GetGenericMethodDefinition(), out var matching))
            return normalized;
        var element = terminal.Method.GetGenericArguments()[0];
        return EnumerableMethods.Call(matching, [element], terminal.Arguments[0], Expression.Lambda(Expression.Constant(true), Expression.Parameter(element, "_")));
    }

    /// <summary>The operators <see cref="MatchingTerminal"/> restores, each with its predicate overload.</summary>
    private static readonly Dictionary<MethodInfo, MethodInfo> WithPredicate = new()
    {
        [EnumerableMethods.First] = EnumerableMethods.FirstMatching,
        [EnumerableMethods.Single] = EnumerableMethods.SingleMatching,
        [EnumerableMethods.SingleOrDefault] = EnumerableMethods.SingleOrDefaultMatching,
        [EnumerableMethods.Last] = EnumerableMethods.LastMatching,
    };

    private static Expression Parse(Expression query)
    {
        QueryModel model;
        try
        {
            lock (ParserLock)
            {
                Interlocked.Increment(ref _parses);
                model = Parser.GetParsedQuery(query);
            }
        }
        catch (Exception e) when (e is not NotSupportedException and not Storage.Engine.ChunkLoadRequired)
        {
            throw new NotSupportedException($"ZgDb cannot evaluate the query '{query}': {e.Message}", e);
        }
        catch (NotSupportedException e)
        {
            throw new NotSupportedException($"ZgDb cannot evaluate the query '{query}': {e.Message}", e);
        }
        return new QueryModelTranslator().Translate(model, QueryModelTranslator.Scope.Empty);
    }

    private static bool IsQueryOperator(MethodCallExpression call) =>
        call.Method.DeclaringType == typeof(Queryable) && call.Arguments.Count > 0 && typeof(IQueryable).IsAssignableFrom(call.Arguments[0].Type);

    private static bool IsTranslated(MethodCallExpression call) =>
        Translated.Contains(call.Method.Name) && Registry.IsRegistered(call.Method)
        // ThenBy needs the OrderBy re-linq parsed: not over an operator run in memory
        && !(call.Method.Name is nameof(Queryable.ThenBy) or nameof(Queryable.ThenByDescending) && call.Arguments[0] is ConstantExpression { Value: ILiftedQuery });

    /// <summary>
    /// The query with each operator of its source chains (and second sources) that cannot be parsed replaced by a
    /// constant re-linq takes as a source (<see cref="LiftedQuery{T}"/>), holding that operator's normalized form.
    /// </summary>
    private static Expression Lift(Expression query)
    {
        if (query is not MethodCallExpression call || !IsQueryOperator(call)) return query;
        var arguments = call.Arguments.Select(a => a is not (LambdaExpression or UnaryExpression { NodeType: ExpressionType.Quote }) && typeof(IQueryable).IsAssignableFrom(a.Type) ? Lift(a) : a).ToArray();
        var lifted = call.Update(call.Object, arguments);
        if (IsTranslated(lifted)) return lifted;
        var element = EnumerableMethods.ElementType(call.Type);
        var placeholder = (IQueryable)Activator.CreateInstance(typeof(LiftedQuery<>).MakeGenericType(element), LiftToObjects(lifted), call.Type)!;
        return placeholder.Expression; // re-linq takes a constant query whose Expression is that very constant as a source
    }

    /// <summary><paramref name="call"/> as its <see cref="Enumerable"/> counterpart over the normalized source(s).</summary>
    private static Expression LiftToObjects(MethodCallExpression call)
    {
        var arguments = call.Arguments.Select(a => Argument(a, call.Method.Name)).ToArray();
        return Expression.Call(Counterpart(call, arguments), arguments);
    }

    /// <summary>The <see cref="Enumerable"/> operator that <paramref name="call"/> (a Queryable one) stands for, taking <paramref name="arguments"/>.</summary>
    private static MethodInfo Counterpart(MethodCallExpression call, Expression[] arguments)
    {
        var method = call.Method;
        return typeof(Enumerable).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.Name == method.Name && m.GetParameters().Length == arguments.Length && m.IsGenericMethodDefinition == method.IsGenericMethod
                        && (!method.IsGenericMethod || m.GetGenericArguments().Length == method.GetGenericArguments().Length))
            .Select(m => method.IsGenericMethod ? TryMake(m, method.GetGenericArguments()) : m)
            .FirstOrDefault(m => m is not null && m.GetParameters().Zip(arguments).All(p => p.First.ParameterType.IsAssignableFrom(p.Second.Type)))
            ?? throw new NotSupportedException($"ZgDb cannot evaluate '{call}': {method.Name} has no LINQ-to-Objects counterpart. Call AsEnumerable() before it.");
    }

    /// <summary>
    /// A Queryable operator re-linq or the translator does not know, inside a lambda (a subquery:
    /// <c>Select(c =&gt; db.Orders.Where(o =&gt; ..).MinBy(o =&gt; o.Freight))</c>), becomes its <see cref="Enumerable"/>
    /// counterpart in place. Its source stays a subquery re-linq parses (planned, read from the query's one state with
    /// the rest), its lambdas stay in the tree (a query inside them is a subquery too), and it runs as LINQ-to-Objects
    /// over the subquery's results, once per outer element as the lambda is.
    /// </summary>
    private sealed class NestedOperators : ExpressionVisitor
    {
        private int _lambdas;

        protected override Expression VisitLambda<T>(Expression<T> node)
        {
            _lambdas++;
            try
            {
                return base.VisitLambda(node);
            }
            finally
            {
                _lambdas--;
            }
        }

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            var visited = (MethodCallExpression)base.VisitMethodCall(node);
            // AsEnumerable() over a subquery (db.Orders.Where(..).AsEnumerable().GroupBy(..)) is an identity for a query
            // that equals LINQ-to-Objects: the operators after it take the subquery itself (re-linq knows no AsEnumerable)
            if (_lambdas > 0 && visited.Method is { Name: nameof(Enumerable.AsEnumerable), IsGenericMethod: true } asEnumerable
                && asEnumerable.DeclaringType == typeof(Enumerable) && typeof(IQueryable).IsAssignableFrom(visited.Arguments[0].Type))
                return visited.Arguments[0];
            if (_lambdas == 0 || !IsQueryOperator(visited) || IsTranslated(visited)) return visited;
            var arguments = visited.Arguments.Select(a => a is UnaryExpression { NodeType: ExpressionType.Quote, Operand: LambdaExpression lambda } ? lambda : a).ToArray();
            // re-linq refuses an Enumerable operator it does not know wherever it meets one as a query's source, so the
            // operator is a compiled delegate invoked on its arguments: re-linq parses those (the source is a subquery)
            var parameters = arguments.Select((a, i) => Expression.Parameter(a.Type, "a" + i)).ToArray();
            var counterpart = Counterpart(visited, parameters);
            Expression body = Expression.Call(counterpart, parameters);
            // a sequence the enclosing expression takes as a query (an operator over it, a lambda returning IQueryable):
            // the delegate returns it as one (re-linq takes no method call as a query's source)
            if (!visited.Type.IsAssignableFrom(body.Type))
                body = Execution.OrderedView.Wrap(body, typeof(IOrderedQueryable<>).MakeGenericType(EnumerableMethods.ElementType(visited.Type))) is { } queryable
                       && visited.Type.IsAssignableFrom(queryable.Type)
                    ? queryable
                    : Expression.Convert(body, visited.Type);
            return Expression.Invoke(Expression.Constant(ExpressionCompilation.Compile(Expression.Lambda(body, parameters))), arguments);
        }

        protected override Expression VisitExtension(Expression node) => node;
    }

    private static MethodInfo? TryMake(MethodInfo definition, Type[] arguments)
    {
        try
        {
            return definition.MakeGenericMethod(arguments);
        }
        catch (ArgumentException)
        {
            return null; // a constraint the type arguments do not meet: another overload
        }
    }

    /// <summary>An argument of an operator run in memory: a query becomes its normalized form, a quoted lambda a delegate.</summary>
    private static Expression Argument(Expression argument, string method)
    {
        if (argument is UnaryExpression { NodeType: ExpressionType.Quote, Operand: LambdaExpression lambda })
        {
            if (new QueryFinder().Has(lambda))
                throw new NotSupportedException($"ZgDb cannot evaluate {method}({lambda}): it runs {method} in memory, and a query inside its lambda would " +
                                                $"read another database state. Call AsEnumerable() before {method}, or move the inner query out of it.");
            return lambda;
        }
        return typeof(IQueryable).IsAssignableFrom(argument.Type) ? Normalize(argument) : argument;
    }

    /// <summary>Finds a collection or a Queryable operator (a subquery) in an expression.</summary>
    private sealed class QueryFinder : ExpressionVisitor
    {
        private bool _found;

        public bool Has(Expression e)
        {
            Visit(e);
            return _found;
        }

        protected override Expression VisitConstant(ConstantExpression node)
        {
            if (node.Value is IZgCollection or ILiftedQuery) _found = true;
            return node;
        }

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            if (node.Method.DeclaringType == typeof(Queryable)) _found = true;
            return base.VisitMethodCall(node);
        }

        protected override Expression VisitExtension(Expression node) => node;
    }

    private sealed class NothingIsEvaluatable : EvaluatableExpressionFilterBase
    {
        public override bool IsEvaluatableMember(MemberExpression node) => false;
        public override bool IsEvaluatableMethodCall(MethodCallExpression node) => false;
        public override bool IsEvaluatableNew(NewExpression node) => false;
        public override bool IsEvaluatableMemberInit(MemberInitExpression node) => false;
        public override bool IsEvaluatableListInit(ListInitExpression node) => false;
        public override bool IsEvaluatableNewArray(NewArrayExpression node) => false;
        public override bool IsEvaluatableInvocation(InvocationExpression node) => false;
        public override bool IsEvaluatableUnary(UnaryExpression node) => false;
        public override bool IsEvaluatableBinary(BinaryExpression node) => false;
        public override bool IsEvaluatableConditional(ConditionalExpression node) => false;
        public override bool IsEvaluatableTypeBinary(TypeBinaryExpression node) => false;
        public override bool IsEvaluatableLambda(LambdaExpression node) => false;
    }
}

/// <summary>An operator ZgDb runs in memory, standing in a query re-linq parses as one of its sources.</summary>
internal interface ILiftedQuery
{
    /// <summary>The operator over its normalized source(s).</summary>
    Expression Normalized { get; }
}

/// <summary>The constant re-linq sees for an operator run in memory (never enumerated: the translator takes <see cref="Normalized"/>).</summary>
internal sealed class LiftedQuery<T> : IOrderedQueryable<T>, ILiftedQuery
{
    public LiftedQuery(Expression normalized, Type queryType)
    {
        Normalized = normalized;
        Expression = Expression.Constant(this, queryType);
    }

    public Expression Normalized { get; }
    public Type ElementType => typeof(T);
    public Expression Expression { get; }
    public IQueryProvider Provider => throw new NotSupportedException("A lifted operator is not a query of its own.");
    public IEnumerator<T> GetEnumerator() => throw new NotSupportedException("A lifted operator is not a query of its own.");
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    public override string ToString() => Normalized.ToString();
}
