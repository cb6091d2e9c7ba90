using System.Linq.Expressions;
using System.Text.Json;
using ZgDb.Query;

namespace ZgDb.Remote;

/// <summary>
/// The client's half of the remote query format: writes a source chain (<c>Where</c>, <c>OrderBy/ThenBy</c>,
/// <c>Skip/Take</c>, member <c>Select</c>, <c>Count/LongCount/Any/Sum/Min/Max/Average</c>) as <see cref="QueryNode"/>s, or says it cannot
/// (<see cref="TryWriteOperator"/> returns null) when the operator holds anything the format does not carry: a method
/// outside <see cref="AllowedMethods"/>, a constructor, a constant of a type the model does not store, a nested query.
/// Values that do not depend on the lambda's parameter (captured variables, <c>DateTime.Now</c>) are computed here, on
/// the client, once per execution, and travel as constants, as the embedded provider's parameterizer reads them.
/// </summary>
public sealed class QueryWriter(DatabaseModel model, TypeTokens tokens)
{
    /// <summary>The Queryable operators the format carries, with the argument counts it carries them with.</summary>
    internal static readonly IReadOnlyDictionary<string, int[]> Operators = new Dictionary<string, int[]>
    {
        ["Where"] = [2], ["OrderBy"] = [2], ["OrderByDescending"] = [2], ["ThenBy"] = [2], ["ThenByDescending"] = [2],
        ["Skip"] = [2], ["Take"] = [2], ["Select"] = [2], ["Count"] = [1, 2], ["LongCount"] = [1, 2], ["Any"] = [1, 2],
        ["Sum"] = [1, 2], ["Min"] = [1, 2], ["Max"] = [1, 2], ["Average"] = [1, 2],
    };

    /// <summary>The <c>source</c> node of a chain whose root is <paramref name="node"/>, a collection of the model; otherwise null.</summary>
    public QueryNode? TryWriteSource(Expression node) =>
        node is ConstantExpression { Value: IZgCollection collection } && model.FindEntity(collection.ElementType) is { } entity
            ? new QueryNode { Kind = "source", Name = entity.CollectionName }
            : null;

    /// <summary>One operator <paramref name="call"/> over an already written <paramref name="source"/>, or null when the format cannot carry it.</summary>
    public QueryNode? TryWriteOperator(MethodCallExpression call, QueryNode source)
    {
        if (ZgDb.Linq.IncludeExtensions.IsInclude(call.Method)) return TryWriteInclude(call, source);
        if (call.Method.DeclaringType != typeof(Queryable) || !Operators.TryGetValue(call.Method.Name, out var counts)
            || !counts.Contains(call.Arguments.Count)) return null;
        var node = new QueryNode { Kind = "op", Name = call.Method.Name, Args = [source] };
        for (int i = 1; i < call.Arguments.Count; i++)
        {
            var argument = call.Arguments[i];
            QueryNode? written = StripQuotes(argument) is LambdaExpression lambda
                ? lambda.Parameters.Count == 1 ? Lambda(lambda, []) : null
                : Write(argument, []);
            if (written is null) return null;
            if (call.Method.Name == "Select" && !IsMemberSelector(StripQuotes(argument))) return null;
            node.Args.Add(written);
        }
        return node;
    }

    /// <summary>
    /// <c>Include(x =&gt; x.Navigation)</c> and <c>ThenInclude(x =&gt; x.Navigation)</c>: a lambda reading one navigation of
    /// a relationship of the model (not a filtered include, not a many-to-many navigation: null, so the query refuses).
    /// </summary>
    private QueryNode? TryWriteInclude(MethodCallExpression call, QueryNode source)
    {
        if (StripQuotes(call.Arguments[1]) is not LambdaExpression { Parameters: [var parameter], Body: MemberExpression { Member: System.Reflection.PropertyInfo navigation, Expression: var target } }
            || target != parameter || !IsNavigation(navigation)) return null;
        var name = call.Method.Name == nameof(ZgDb.Linq.IncludeExtensions.Include) ? "Include" : "ThenInclude";
        var lambda = new QueryNode { Kind = "lambda", Name = ParameterName(parameter, []), Args = [new QueryNode { Kind = "member", Name = navigation.Name, Args = [new QueryNode { Kind = "param", Name = ParameterName(parameter, []) }] }] };
        return new QueryNode { Kind = "op", Name = name, Args = [source, lambda] };
    }

    /// <summary>Whether <paramref name="property"/> is the principal or dependent navigation of one of the model's relationships.</summary>
    internal bool IsNavigation(System.Reflection.PropertyInfo property) =>
        model.Relationships.Any(r => Same(r.PrincipalNavigation, property) || Same(r.DependentNavigation, property));

    private static bool Same(System.Reflection.PropertyInfo? declared, System.Reflection.PropertyInfo used) =>
        declared is not null && declared.Name == used.Name && declared.DeclaringType is { } type && (type == used.DeclaringType || type.IsAssignableFrom(used.ReflectedType));

    /// <summary><c>Select</c> travels only as a member read (<c>u =&gt; u.Name</c>, <c>u =&gt; u.Address.City</c>); anything else is built on the client.</summary>
    private static bool IsMemberSelector(Expression argument) =>
        argument is LambdaExpression { Body: var body } && StripConvert(body) is MemberExpression or ParameterExpression;

    private static Expression StripConvert(Expression e) => e is UnaryExpression { NodeType: ExpressionType.Convert } u ? StripConvert(u.Operand) : e;

    private static Expression StripQuotes(Expression e) => e is UnaryExpression { NodeType: ExpressionType.Quote } q ? StripQuotes(q.Operand) : e;

    private QueryNode? Lambda(LambdaExpression lambda, List<ParameterExpression> scope)
    {
        var parameter = lambda.Parameters[0];
        scope.Add(parameter);
        var body = Write(lambda.Body, scope);
        scope.RemoveAt(scope.Count - 1);
        return body is null ? null : new QueryNode { Kind = "lambda", Name = ParameterName(parameter, scope), Args = [body] };
    }

    private static string ParameterName(ParameterExpression parameter, List<ParameterExpression> outer) => $"{parameter.Name}#{outer.Count}";

    private QueryNode? Write(Expression node, List<ParameterExpression> scope)
    {
        if (node is not ParameterExpression and not LambdaExpression && !UsesParameter(node, scope))
            return node is ConstantExpression constant ? Constant(constant.Value, node.Type) : Evaluated(node);
        switch (node)
        {
            case ParameterExpression p:
                int index = scope.IndexOf(p);
                return index < 0 ? null : new QueryNode { Kind = "param", Name = ParameterName(p, scope.Take(index).ToList()) };
            case MemberExpression { Expression: { } target } m when (tokens.ModelTypes.Contains(target.Type) && m.Member is System.Reflection.PropertyInfo) || AllowedMethods.IsAllowedMember(m.Member):
                return Node("member", m.Member.Name, null, Write(target, scope));
            case BinaryExpression b when AllowedBinary(b):
                if (b.Method is { Name: "Concat" } concat && AllowedMethods.KeyOf(concat) is { } concatKey)
                    return Node("call", concatKey, null, Write(b.Left, scope), Write(b.Right, scope));
                return Node("binary", b.NodeType.ToString(), null, Write(b.Left, scope), Write(b.Right, scope));
            case UnaryExpression { NodeType: ExpressionType.Not or ExpressionType.Negate } u when u.Method is null:
                return Node("unary", u.NodeType.ToString(), null, Write(u.Operand, scope));
            case UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked or ExpressionType.TypeAs } u
                when (u.Method is null || IsLibraryOperator(u.Method)) && tokens.TryToken(u.Type, out var token):
                return Node("unary", u.NodeType == ExpressionType.TypeAs ? "TypeAs" : "Convert", token, Write(u.Operand, scope));
            case TypeBinaryExpression { NodeType: ExpressionType.TypeIs } t when tokens.TryToken(t.TypeOperand, out var isToken):
                return Node("typeis", null, isToken, Write(t.Expression, scope));
            case ConditionalExpression c:
                return Node("cond", null, null, Write(c.Test, scope), Write(c.IfTrue, scope), Write(c.IfFalse, scope));
            case MethodCallExpression call when AllowedMethods.KeyOf(call.Method) is { } key:
                var args = new List<QueryNode?>();
                if (call.Object is not null) args.Add(Write(call.Object, scope));
                foreach (var argument in call.Arguments)
                    args.Add(StripQuotes(argument) is LambdaExpression { Parameters.Count: 1 } lambda ? Lambda(lambda, scope) : Write(argument, scope));
                return Node("call", key, null, [.. args]);
            default:
                return null;
        }
    }

    private static QueryNode? Node(string kind, string? name, string? type, params QueryNode?[] args) =>
        args.Any(a => a is null) ? null : new QueryNode { Kind = kind, Name = name, Type = type, Args = args.Length == 0 ? null : args.Select(a => a!).ToList() };

    private static bool AllowedBinary(BinaryExpression b) =>
        b.NodeType is ExpressionType.Equal or ExpressionType.NotEqual or ExpressionType.LessThan or ExpressionType.LessThanOrEqual
            or ExpressionType.GreaterThan or ExpressionType.GreaterThanOrEqual or ExpressionType.AndAlso or ExpressionType.OrElse
            or ExpressionType.Add or ExpressionType.Subtract or ExpressionType.Multiply or ExpressionType.Divide or ExpressionType.Modulo
            or ExpressionType.Coalesce or ExpressionType.And or ExpressionType.Or or ExpressionType.ExclusiveOr
        && b.Conversion is null && (b.Method is null || IsLibraryOperator(b.Method));

    /// <summary>An operator method of a library type (string ==, decimal +, DateTime &lt;); a user-defined operator never travels.</summary>
    internal static bool IsLibraryOperator(System.Reflection.MethodInfo method) =>
        method.DeclaringType is { } t && (t == typeof(string) || t == typeof(decimal) || t == typeof(DateTime) || t == typeof(DateTimeOffset)
                                          || t == typeof(TimeSpan) || t == typeof(DateOnly) || t == typeof(TimeOnly) || t == typeof(Guid));

    private QueryNode? Evaluated(Expression node)
    {
        if (ContainsQuery(node)) return null;
        object? value;
        try
        {
            value = Expression.Lambda(Expression.Convert(node, typeof(object))).Compile(preferInterpretation: true).DynamicInvoke();
        }
        catch
        {
            return null; // the client runs this part itself, and throws there as LINQ-to-Objects would
        }
        return Constant(value, node.Type);
    }

    private QueryNode? Constant(object? value, Type type)
    {
        if (value is IQueryable || !tokens.TryToken(type, out var token)) return null;
        if (value is not null && value.GetType() != type && Nullable.GetUnderlyingType(type) != value.GetType()) return null; // a subtype: not a stored value
        return new QueryNode { Kind = "const", Type = token, Value = value is null ? null : JsonSerializer.SerializeToElement(value, type, ZgJson.Default) };
    }

    private static bool ContainsQuery(Expression node)
    {
        var finder = new QueryFinder();
        finder.Visit(node);
        return finder.Found;
    }

    private static bool UsesParameter(Expression node, List<ParameterExpression> scope)
    {
        var finder = new ParameterFinder(scope);
        finder.Visit(node);
        return finder.Found;
    }

    private sealed class ParameterFinder(List<ParameterExpression> scope) : ExpressionVisitor
    {
        public bool Found { get; private set; }
        protected override Expression VisitParameter(ParameterExpression node)
        {
            if (scope.Contains(node)) Found = true;
            return node;
        }
        protected override Expression VisitLambda<T>(Expression<T> node)
        {
            Found = true; // a lambda inside: kept as it is (its parameters are the lambda's own)
            return node;
        }
    }

    private sealed class QueryFinder : ExpressionVisitor
    {
        public bool Found { get; private set; }
        protected override Expression VisitConstant(ConstantExpression node)
        {
            if (node.Value is IQueryable) Found = true;
            return node;
        }
        protected override Expression VisitMember(MemberExpression node)
        {
            if (typeof(IQueryable).IsAssignableFrom(node.Type)) Found = true;
            return base.VisitMember(node);
        }
        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            if (typeof(IQueryable).IsAssignableFrom(node.Type)) Found = true;
            return base.VisitMethodCall(node);
        }
    }
}
