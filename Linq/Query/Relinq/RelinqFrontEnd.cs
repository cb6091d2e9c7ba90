using System.Linq.Expressions;
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

    /// <summary>
    /// Parses <paramref name="query"/> and returns the normalized query: an expression over <see cref="Enumerable"/>
    /// operators whose collections are <see cref="CollectionSourceExpression"/>s.
    /// </summary>
    /// <exception cref="NotSupportedException">The query uses an operator or form that ZgDb cannot evaluate.</exception>
    public static Expression Normalize(Expression query)
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
        catch (Exception e) when (e is not NotSupportedException)
        {
            throw new NotSupportedException($"ZgDb cannot evaluate the query '{query}': {e.Message}", e);
        }
        catch (NotSupportedException e)
        {
            throw new NotSupportedException($"ZgDb cannot evaluate the query '{query}': {e.Message}", e);
        }
        return new QueryModelTranslator().Translate(model, QueryModelTranslator.Scope.Empty);
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
