using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;

namespace ZgDb.Query;

/// <summary>
/// Phase 1 of every query (<see cref="QueryPipeline"/>): walks the expression once, without re-linq, and computes
/// its shape (the plan cache's key, a <see cref="ShapeKey"/>) and its parameter values. Constants and captured variables become parameters
/// <c>@p0, @p1...</c> in order of appearance; collection roots (including captured ones, such as <c>db.Orders</c>
/// inside a lambda) are part of the shape; <c>null</c> constants are part of the shape too.
/// </summary>
internal sealed class QueryParameterizer : ExpressionVisitor
{
    private static readonly ConcurrentDictionary<MemberInfo, int> MemberIds = new();
    private static int _nextMemberId;

    private ShapeKeyBuilder _key = new();
    private readonly List<object?> _values = [];
    private readonly List<ParameterExpression> _lambdaParameters = [];
    private List<ParameterExpression>? _parameters;
    private bool _rewrite;
    private ZgDatabase? _database;

    /// <summary>When set (by <see cref="ZgQuery"/>'s compiled queries), the node each parameter value was read from, in slot order.</summary>
    private List<Expression>? _slotNodes;

    /// <summary>The query sources evaluated (<see cref="TryEvaluateSource"/>), in order: evaluated by Analyze, reused by Rewrite.</summary>
    private List<object?> _sources = [];
    private int _nextSource;

    /// <summary>
    /// The shape key and the parameter values of <paramref name="query"/>, a query of <paramref name="database"/>,
    /// and the query sources it evaluated (calls such as <c>db.Set&lt;Order&gt;()</c> inside it; pass them to <see cref="Rewrite"/>).
    /// </summary>
    /// <exception cref="NotSupportedException">The query reads a collection of another database.</exception>
    public static (ShapeKey Key, object?[] Values, IReadOnlyList<object?> Sources) Analyze(Expression query, ZgDatabase database, List<Expression>? slotNodes = null)
    {
        var visitor = new QueryParameterizer { _database = database, _slotNodes = slotNodes };
        visitor.Visit(query);
        return (visitor._key.ToKey(), visitor._values.ToArray(), visitor._sources);
    }

    /// <summary>
    /// <paramref name="query"/> with its parameters in place of the lifted values: the form re-linq parses and the
    /// plan is compiled from. The parameters are returned in slot order. <paramref name="sources"/> are the query
    /// sources <see cref="Analyze"/> evaluated for this execution (not evaluated again).
    /// <paramref name="literals"/> says, per parameter, whether the query wrote it as a constant (not a captured value).
    /// </summary>
    public static (Expression Query, IReadOnlyList<ParameterExpression> Parameters) Rewrite(Expression query, IReadOnlyList<object?> sources, out IReadOnlyList<bool> literals)
    {
        var visitor = new QueryParameterizer { _rewrite = true, _parameters = [], _literals = [], _sources = [.. sources] };
        var rewritten = visitor.Visit(query);
        literals = visitor._literals;
        return (rewritten!, visitor._parameters);
    }

    private List<bool>? _literals;

    public override Expression? Visit(Expression? node)
    {
        if (node is null)
        {
            _key.Add(ShapeToken.Null);
            return null;
        }
        bool evaluated = false;
        object? value = null;
        if (TryCapture(node, out value) || (evaluated = TryEvaluateSource(node, out value)))
        {
            if (value is IZgCollection collection)
            {
                CheckDatabase(collection.Database, node);
                _key.Add(ShapeToken.Root, collection.ElementType.TypeHandle.Value);
                return _rewrite ? Expression.Constant(value, node.Type) : node;
            }
            if (value is IQueryable { Provider: ZgQueryProvider provider } query)
            {
                // a query of ZgDb captured or returned inside this one (var big = db.Orders.Where(..); GetOrders()): its operators join this query
                CheckDatabase(provider.Database, node);
                _key.Add(ShapeToken.InlineStart);
                var inlined = Visit(query.Expression);
                _key.Add(ShapeToken.InlineEnd);
                return _rewrite ? inlined : node;
            }
            if (evaluated && !_rewrite) _key.Add(ShapeToken.Evaluated);
            if (value is StringComparison comparison && node is ConstantExpression)
            {
                // part of the shape: the planner serves an Ordinal comparison from an index, not a culture one
                _key.Add(ShapeToken.Comparison, (long)comparison);
                return node;
            }
            if (value is null && node is ConstantExpression)
            {
                _key.Add(ShapeToken.NullConstant, node.Type.TypeHandle.Value);
                return node;
            }
            _key.Add(ShapeToken.Parameter, node.Type.TypeHandle.Value);
            if (!_rewrite)
            {
                _values.Add(value);
                _slotNodes?.Add(node);
                return node;
            }
            var parameter = Expression.Parameter(node.Type, "@p" + _parameters!.Count);
            _parameters.Add(parameter);
            _literals?.Add(node is ConstantExpression);
            return parameter;
        }
        _key.Add(ShapeToken.NodeStart, (long)node.NodeType, node.Type.TypeHandle.Value);
        var result = base.Visit(node);
        _key.Add(ShapeToken.NodeEnd);
        return result;
    }

    private void CheckDatabase(ZgDatabase database, Expression node)
    {
        if (_database is not null && !ReferenceEquals(database, _database))
            throw new NotSupportedException(
                $"The query reads '{node}', a collection of another database ({database.GetType().Name}) than the query's: one query reads one " +
                "database state. Run that part as its own query (ToList() it first) and use the result in this one.");
    }

    /// <summary>
    /// A query source written as a call inside the query (<c>db.Collection&lt;Order&gt;()</c>, <c>repository.Set&lt;Order&gt;()</c>,
    /// <c>GetOrders()</c>, <c>GetDb().Orders</c>): an <see cref="IQueryable"/>-typed method call (or member of one) that uses no
    /// lambda parameter, whose target and arguments are known values. Evaluated once per execution, by Analyze; Rewrite
    /// takes the same values back. Queryable's own operators are not sources: they are the query.
    /// </summary>
    private bool TryEvaluateSource(Expression node, out object? value)
    {
        value = null;
        if (!typeof(IQueryable).IsAssignableFrom(node.Type)) return false;
        if (node is MethodCallExpression { Method: var method } && (method.DeclaringType == typeof(Queryable) || method.DeclaringType == typeof(QueryableExtensions)
                                                                   || method.DeclaringType == typeof(Linq.IncludeExtensions)))
            return false;
        if (node is not (MethodCallExpression or MemberExpression or InvocationExpression)) return false;
        if (!TryEvaluate(node, out _, probeOnly: true)) return false;
        if (!_rewrite)
        {
            bool known = TryEvaluate(node, out value);
            _sources.Add(known ? value : NotEvaluated);
            return known;
        }
        value = _sources[_nextSource++];
        return !ReferenceEquals(value, NotEvaluated);
    }

    private static readonly object NotEvaluated = new();

    /// <summary>The value of <paramref name="node"/> when it is made only of known values, member reads and method calls.</summary>
    private static bool TryEvaluate(Expression? node, out object? value, bool probeOnly = false)
    {
        value = null;
        switch (node)
        {
            case null:
                return true;
            case ConstantExpression constant:
                value = constant.Value;
                return true;
            case MemberExpression member:
            {
                if (!TryEvaluate(member.Expression, out var target, probeOnly)) return false;
                if (probeOnly) return member.Member is FieldInfo or PropertyInfo;
                if (target is null && member.Expression is not null) return false; // the NullReferenceException is the query's to raise
                value = member.Member switch
                {
                    FieldInfo field => field.GetValue(target),
                    PropertyInfo property => property.GetValue(target),
                    _ => null,
                };
                return member.Member is FieldInfo or PropertyInfo;
            }
            case MethodCallExpression call:
            {
                if (!TryEvaluate(call.Object, out var target, probeOnly)) return false;
                var arguments = new object?[call.Arguments.Count];
                for (int i = 0; i < arguments.Length; i++)
                    if (call.Arguments[i] is LambdaExpression or UnaryExpression { NodeType: ExpressionType.Quote } || !TryEvaluate(call.Arguments[i], out arguments[i], probeOnly))
                        return false;
                if (probeOnly) return true;
                if (target is null && call.Object is not null) return false;
                value = call.Method.Invoke(target, BindingFlags.DoNotWrapExceptions, null, arguments, null);
                return true;
            }
            case UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.TypeAs } convert:
                return TryEvaluate(convert.Operand, out value, probeOnly);
            default:
                return false;
        }
    }

    /// <summary>Whether <paramref name="node"/> is a value known before the query runs: a constant, or a chain of field/property reads from one (a captured variable), or a static field.</summary>
    private static bool TryCapture(Expression node, out object? value)
    {
        switch (node)
        {
            case ConstantExpression constant:
                value = constant.Value;
                return true;
            case MemberExpression { Member: FieldInfo { IsStatic: true } field }:
                value = field.GetValue(null);
                return true;
            case MemberExpression member when member.Expression is not null && IsCapturedChain(member.Expression):
                TryCapture(member.Expression, out var target);
                if (target is null)
                {
                    value = null;
                    return false; // let the query raise the NullReferenceException LINQ-to-Objects would raise
                }
                value = member.Member switch
                {
                    FieldInfo field => field.GetValue(target),
                    PropertyInfo property => property.GetValue(target),
                    _ => null,
                };
                return member.Member is FieldInfo or PropertyInfo;
            default:
                value = null;
                return false;
        }
    }

    private static bool IsCapturedChain(Expression node) => node switch
    {
        ConstantExpression => true,
        MemberExpression { Member: FieldInfo { IsStatic: true } } => true,
        MemberExpression { Expression: { } inner, Member: FieldInfo or PropertyInfo } => IsCapturedChain(inner),
        _ => false,
    };

    protected override Expression VisitLambda<T>(Expression<T> node)
    {
        int mark = _lambdaParameters.Count;
        _lambdaParameters.AddRange(node.Parameters);
        var result = base.VisitLambda(node);
        _lambdaParameters.RemoveRange(mark, _lambdaParameters.Count - mark);
        return result;
    }

    protected override Expression VisitParameter(ParameterExpression node)
    {
        _key.Add(ShapeToken.LambdaParameter, _lambdaParameters.LastIndexOf(node));
        return node;
    }

    protected override Expression VisitMember(MemberExpression node)
    {
        AppendMember(node.Member);
        return base.VisitMember(node);
    }

    protected override Expression VisitMethodCall(MethodCallExpression node)
    {
        AppendMember(node.Method);
        return base.VisitMethodCall(InlineExpressionArguments(node));
    }

    /// <summary>
    /// A Queryable operator inside a lambda whose lambda argument is an expression tree held in a variable or returned
    /// by a member (<c>c.Orders.AsQueryable().Any(filter)</c>, <c>.Where(ValidYear)</c>): the C# compiler passes the
    /// variable, not a lambda. Its value is inlined as the quoted lambda (as EF Core does), so the query reads the
    /// operator as if the lambda were written there: its shape is part of the key, its constants become parameters.
    /// </summary>
    private static MethodCallExpression InlineExpressionArguments(MethodCallExpression node)
    {
        if (node.Method.DeclaringType != typeof(Queryable)) return node;
        var parameters = node.Method.GetParameters();
        Expression[]? arguments = null;
        for (int i = 0; i < parameters.Length; i++)
        {
            var argument = node.Arguments[i];
            if (argument is UnaryExpression { NodeType: ExpressionType.Quote } || !typeof(LambdaExpression).IsAssignableFrom(parameters[i].ParameterType)
                || !TryEvaluate(argument, out _, probeOnly: true) || !TryEvaluate(argument, out var value)
                || value is not LambdaExpression lambda || !parameters[i].ParameterType.IsInstanceOfType(lambda))
                continue;
            arguments ??= [.. node.Arguments];
            arguments[i] = Expression.Quote(lambda);
        }
        return arguments is null ? node : node.Update(node.Object, arguments);
    }

    protected override Expression VisitNew(NewExpression node)
    {
        if (node.Constructor is not null) AppendMember(node.Constructor);
        if (node.Members is not null) foreach (var member in node.Members) AppendMember(member);
        return base.VisitNew(node);
    }

    protected override MemberBinding VisitMemberBinding(MemberBinding node)
    {
        _key.Add(ShapeToken.Binding, (long)node.BindingType);
        AppendMember(node.Member);
        return base.VisitMemberBinding(node);
    }

    protected override ElementInit VisitElementInit(ElementInit node)
    {
        AppendMember(node.AddMethod);
        return base.VisitElementInit(node);
    }

    protected override Expression VisitUnary(UnaryExpression node)
    {
        if (node.Method is not null) AppendMember(node.Method);
        return base.VisitUnary(node);
    }

    protected override Expression VisitBinary(BinaryExpression node)
    {
        if (node.Method is not null) AppendMember(node.Method);
        if (node.IsLiftedToNull) _key.Add(ShapeToken.Lifted);
        return base.VisitBinary(node);
    }

    protected override Expression VisitTypeBinary(TypeBinaryExpression node)
    {
        _key.Add(ShapeToken.TypeTest, node.TypeOperand.TypeHandle.Value);
        return base.VisitTypeBinary(node);
    }

    protected override Expression VisitExtension(Expression node) =>
        throw new NotSupportedException($"The expression '{node}' ({node.GetType().Name}) is not supported in a ZgDb query.");

    private void AppendMember(MemberInfo member)
    {
        // A member's identity: reflection hands out one object per member (and per generic instantiation); its
        // interned number is one token.
        int id = MemberIds.GetOrAdd(member, static _ => Interlocked.Increment(ref _nextMemberId));
        _key.Add(ShapeToken.Member, id);
    }
}
