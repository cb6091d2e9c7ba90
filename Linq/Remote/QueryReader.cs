using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
using ZgDb.Query;

namespace ZgDb.Remote;

/// <summary>
/// The server's half of the remote query format: rebuilds a <see cref="QueryMessage"/> as a LINQ expression over the
/// server's own collection, checking every node first, so the embedded planner runs it as it runs a local query.
/// Refused (<see cref="RemoteQueryRefusedException"/>, naming the node) before anything executes: another format
/// version, a collection the model does not have, an operator outside <see cref="QueryWriter.Operators"/>, a method
/// outside <see cref="AllowedMethods"/>, a member of a type that is not the model's (or a library member of the
/// fixed list), a type token outside <see cref="TypeTokens"/>, a user-defined operator, a tree over
/// <see cref="QueryMessage.MaxNodes"/> nodes or <see cref="QueryMessage.MaxDepth"/> levels.
/// </summary>
public sealed class QueryReader(DatabaseModel model, TypeTokens tokens)
{
    private static readonly MethodInfo[] QueryableMethods = typeof(Queryable).GetMethods(BindingFlags.Public | BindingFlags.Static);
    private readonly Dictionary<string, ParameterExpression> _parameters = new(StringComparer.Ordinal);
    private int _nodes;

    /// <summary>
    /// The rebuilt query over the root <paramref name="collection"/> gives for the message's collection, and whether its
    /// result is one value (Count, LongCount, Any, Sum, Min, Max, Average) rather than a sequence. Throws <see cref="RemoteQueryRefusedException"/>
    /// before anything runs when a node is outside the format.
    /// </summary>
    public (Expression Query, bool IsScalar) Read(QueryMessage message, Func<EntityType, IQueryable> collection)
    {
        if (message.Version != QueryMessage.FormatVersion)
            throw new RemoteQueryRefusedException($"the query format version {message.Version} is not the server's ({QueryMessage.FormatVersion}).");
        var entity = model.FindCollection(message.Collection)
                     ?? throw new RemoteQueryRefusedException($"the model has no collection '{message.Collection}'.");
        var query = Chain(message.Chain, entity, collection, 0);
        return (query, !typeof(IQueryable).IsAssignableFrom(query.Type));
    }

    private Expression Chain(QueryNode node, EntityType entity, Func<EntityType, IQueryable> collection, int depth)
    {
        Count(depth);
        if (node.Kind == "source")
        {
            if (node.Name != entity.CollectionName)
                throw new RemoteQueryRefusedException($"the chain reads collection '{node.Name}', but the query is on '{entity.CollectionName}'.");
            return Expression.Constant(collection(entity));
        }
        if (node is { Kind: "op", Name: "Include" or "ThenInclude" }) return Include(node, entity, collection, depth);
        if (node.Kind != "op" || node.Name is null || !QueryWriter.Operators.TryGetValue(node.Name, out var counts) || node.Args is not { Count: > 0 } args
            || !counts.Contains(args.Count))
            throw new RemoteQueryRefusedException($"'{node.Name ?? node.Kind}' with {node.Args?.Count ?? 0} arguments is not an operator the query format carries (Where, OrderBy, OrderByDescending, ThenBy, ThenByDescending, Skip, Take, Select, Count, LongCount, Any, Sum, Min, Max, Average).");
        var source = Chain(args[0], entity, collection, depth + 1);
        var element = EnumerableMethods.ElementType(source.Type);
        var operands = new List<Expression> { source };
        for (int i = 1; i < args.Count; i++)
            operands.Add(args[i].Kind == "lambda" ? Expression.Quote(Lambda(args[i], element, depth + 1)) : Read(args[i], depth + 1));
        var method = QueryableMethods.FirstOrDefault(m => m.Name == node.Name && Fits(m, operands))
                     ?? throw new RemoteQueryRefusedException($"{node.Name} does not apply to these arguments ({string.Join(", ", operands.Skip(1).Select(o => o.Type.Name))}).");
        try
        {
            // Closed on the source's element type and, for OrderBy/ThenBy/Select/Min/Max, the lambda's result type;
            // Sum and Average over a sequence of numbers are not generic.
            if (!method.IsGenericMethodDefinition) return Expression.Call(method, operands);
            var types = method.GetGenericArguments().Length == 1
                ? new[] { element }
                : [element, ((LambdaExpression)((UnaryExpression)operands[1]).Operand).ReturnType];
            return Expression.Call(method.MakeGenericMethod(types), operands);
        }
        catch (ArgumentException e)
        {
            throw new RemoteQueryRefusedException($"{node.Name}: {e.Message}");
        }
    }

    /// <summary>
    /// Whether a Queryable method takes these operands: same count, a lambda of one parameter where it takes one (of
    /// the same result type where the overload fixes it: <c>Sum(u =&gt; u.Balance)</c> is the decimal one), an int where
    /// it takes an int; a non-generic one (<c>Sum(IQueryable&lt;int&gt;)</c>) only over a source of its element type.
    /// </summary>
    private static bool Fits(MethodInfo candidate, List<Expression> operands)
    {
        var parameters = candidate.GetParameters();
        if (parameters.Length != operands.Count) return false;
        if (!candidate.IsGenericMethodDefinition)
            return parameters.Length == 1 && parameters[0].ParameterType.IsAssignableFrom(operands[0].Type);
        if (candidate.Name is "Sum" or "Average" && parameters.Length == 2)
        {
            var selector = parameters[1].ParameterType.GetGenericArguments()[0].GetGenericArguments();
            if (operands[1] is not UnaryExpression { Operand: LambdaExpression lambda } || selector.Length != 2 || selector[1] != lambda.ReturnType) return false;
        }
        for (int i = 1; i < parameters.Length; i++)
        {
            var wanted = parameters[i].ParameterType;
            bool isLambda = operands[i] is UnaryExpression { NodeType: ExpressionType.Quote };
            bool takesLambda = wanted.IsGenericType && wanted.GetGenericTypeDefinition() == typeof(Expression<>);
            if (isLambda != takesLambda) return false;
            if (takesLambda && wanted.GetGenericArguments()[0].GetGenericArguments().Length != 2) return false; // no index overloads
            if (!takesLambda && wanted != operands[i].Type) return false;
        }
        if (candidate.Name is "ThenBy" or "ThenByDescending" && !typeof(IOrderedQueryable).IsAssignableFrom(operands[0].Type)) return false;
        return true;
    }

    /// <summary>
    /// <c>Include(source, x =&gt; x.Navigation)</c> or <c>ThenInclude</c> over the previous Include's navigation (of a
    /// collection: its element), rebuilt as the embedded provider's own call; the lambda must read one navigation of a
    /// relationship of the server's model.
    /// </summary>
    private Expression Include(QueryNode node, EntityType entity, Func<EntityType, IQueryable> collection, int depth)
    {
        if (node.Args is not [var sourceNode, var lambdaNode])
            throw new RemoteQueryRefusedException($"{node.Name} takes a source and a navigation, got {node.Args?.Count ?? 0} arguments.");
        var source = Chain(sourceNode, entity, collection, depth + 1);
        var element = EnumerableMethods.ElementType(source.Type);
        Type parameterType = element;
        System.Reflection.MethodInfo definition = ZgDb.Linq.IncludeExtensions.IncludeMethod;
        Type? previous = null;
        if (node.Name == "ThenInclude")
        {
            var includable = source.Type.IsGenericType && source.Type.GetGenericTypeDefinition() == typeof(ZgDb.Linq.IIncludableQueryable<,>) ? source.Type : null;
            var last = includable?.GetGenericArguments()[1]
                       ?? throw new RemoteQueryRefusedException("ThenInclude must follow an Include or a ThenInclude.");
            var inner = last != typeof(string) ? EnumerableMethods.TryElementType(last) : null;
            (definition, parameterType, previous) = inner is null
                ? (ZgDb.Linq.IncludeExtensions.ThenIncludeAfterReference, last, last)
                : (ZgDb.Linq.IncludeExtensions.ThenIncludeAfterCollection, inner, inner);
        }
        var lambda = Lambda(lambdaNode, parameterType, depth + 1);
        if (lambda.Body is not MemberExpression { Member: PropertyInfo navigation } || !new QueryWriter(model, tokens).IsNavigation(navigation))
            throw new RemoteQueryRefusedException($"{node.Name}'s lambda must read one navigation of a relationship of the model, got {lambda}.");
        var method = previous is null
            ? definition.MakeGenericMethod(element, lambda.ReturnType)
            : definition.MakeGenericMethod(element, previous, lambda.ReturnType);
        return Expression.Call(method, source, Expression.Quote(lambda));
    }

    private void Count(int depth)
    {
        if (++_nodes > QueryMessage.MaxNodes) throw new RemoteQueryRefusedException($"the query has more than {QueryMessage.MaxNodes} nodes.");
        if (depth > QueryMessage.MaxDepth) throw new RemoteQueryRefusedException($"the query nests deeper than {QueryMessage.MaxDepth} levels.");
    }

    private LambdaExpression Lambda(QueryNode node, Type parameterType, int depth)
    {
        Count(depth);
        if (node.Kind != "lambda" || node.Name is null || node.Args is not [var bodyNode])
            throw new RemoteQueryRefusedException($"expected a lambda of one parameter, got '{node.Kind}'.");
        var parameter = Expression.Parameter(parameterType, node.Name.Split('#')[0]);
        if (!_parameters.TryAdd(node.Name, parameter))
            throw new RemoteQueryRefusedException($"the parameter '{node.Name}' is declared twice.");
        try
        {
            return Expression.Lambda(Read(bodyNode, depth + 1), parameter);
        }
        finally
        {
            _parameters.Remove(node.Name);
        }
    }

    private Expression Read(QueryNode node, int depth)
    {
        Count(depth);
        var args = node.Args ?? [];
        try
        {
            return node.Kind switch
            {
                "param" => _parameters.TryGetValue(node.Name ?? "", out var p) ? p : throw new RemoteQueryRefusedException($"the parameter '{node.Name}' is not in scope."),
                "const" => Constant(node),
                "member" when args.Count == 1 => Member(Read(args[0], depth + 1), node.Name ?? ""),
                "binary" when args.Count == 2 => Binary(node.Name, Read(args[0], depth + 1), Read(args[1], depth + 1)),
                "unary" when args.Count == 1 => Unary(node, Read(args[0], depth + 1)),
                "typeis" when args.Count == 1 => Expression.TypeIs(Read(args[0], depth + 1), tokens.Resolve(node.Type)),
                "cond" when args.Count == 3 => Expression.Condition(Read(args[0], depth + 1), Read(args[1], depth + 1), Read(args[2], depth + 1)),
                "call" => Call(node, args, depth),
                _ => throw new RemoteQueryRefusedException($"a node of kind '{node.Kind}' with {args.Count} arguments is not part of the query format."),
            };
        }
        catch (ArgumentException e)
        {
            throw new RemoteQueryRefusedException($"the node '{node.Kind} {node.Name}' does not type-check: {e.Message}");
        }
        catch (InvalidOperationException e)
        {
            throw new RemoteQueryRefusedException($"the node '{node.Kind} {node.Name}' does not type-check: {e.Message}");
        }
    }

    private Expression Constant(QueryNode node)
    {
        var type = tokens.Resolve(node.Type);
        if (node.Value is not { ValueKind: not JsonValueKind.Null } value)
        {
            if (type.IsValueType && Nullable.GetUnderlyingType(type) is null)
                throw new RemoteQueryRefusedException($"a null constant of the non-nullable type {node.Type}.");
            return Expression.Constant(null, type);
        }
        if (tokens.ModelTypes.Contains(type))
            throw new RemoteQueryRefusedException($"a constant of the model's type {type.Name}: only null travels for it (compare keys instead).");
        try
        {
            return Expression.Constant(value.Deserialize(type), type);
        }
        catch (JsonException e)
        {
            throw new RemoteQueryRefusedException($"the constant {value.GetRawText()} is not a {node.Type}: {e.Message}");
        }
    }

    private Expression Member(Expression target, string name)
    {
        PropertyInfo? property;
        try
        {
            property = target.Type.GetProperty(name, BindingFlags.Public | BindingFlags.Instance);
        }
        catch (AmbiguousMatchException)
        {
            property = null;
        }
        bool allowed = property is not null && property.GetIndexParameters().Length == 0
                       && (tokens.ModelTypes.Contains(target.Type) || AllowedMethods.IsAllowedMember(property));
        if (!allowed)
            throw new RemoteQueryRefusedException($"the member '{name}' of {target.Type.Name} may not be read by a remote query (only properties of the model's types and a fixed list of string, DateTime and Nullable members).");
        return Expression.Property(target, property!);
    }

    private static Expression Binary(string? name, Expression left, Expression right)
    {
        if (!Enum.TryParse<ExpressionType>(name, out var type) || type is not (ExpressionType.Equal or ExpressionType.NotEqual or ExpressionType.LessThan
                or ExpressionType.LessThanOrEqual or ExpressionType.GreaterThan or ExpressionType.GreaterThanOrEqual or ExpressionType.AndAlso
                or ExpressionType.OrElse or ExpressionType.Add or ExpressionType.Subtract or ExpressionType.Multiply or ExpressionType.Divide
                or ExpressionType.Modulo or ExpressionType.Coalesce or ExpressionType.And or ExpressionType.Or or ExpressionType.ExclusiveOr))
            throw new RemoteQueryRefusedException($"the operator '{name}' is not part of the query format.");
        var built = Expression.MakeBinary(type, left, right);
        if (built.Method is { } method && !QueryWriter.IsLibraryOperator(method))
            throw new RemoteQueryRefusedException($"the operator {name} between {left.Type.Name} and {right.Type.Name} is a user-defined method ({method.DeclaringType?.Name}.{method.Name}); only library operators run remotely.");
        return built;
    }

    private Expression Unary(QueryNode node, Expression operand)
    {
        UnaryExpression built = node.Name switch
        {
            "Not" => Expression.Not(operand),
            "Negate" => Expression.Negate(operand),
            "Convert" => Expression.Convert(operand, tokens.Resolve(node.Type)),
            "TypeAs" => Expression.TypeAs(operand, tokens.Resolve(node.Type)),
            _ => throw new RemoteQueryRefusedException($"the unary operator '{node.Name}' is not part of the query format."),
        };
        if (built.Method is { } method && !QueryWriter.IsLibraryOperator(method))
            throw new RemoteQueryRefusedException($"{node.Name} of {operand.Type.Name} calls the user-defined method {method.DeclaringType?.Name}.{method.Name}; only library conversions run remotely.");
        return built;
    }

    private Expression Call(QueryNode node, List<QueryNode> args, int depth)
    {
        var key = node.Name ?? "";
        if (AllowedMethods.Enumerable.TryGetValue(key, out var definition))
        {
            if (args.Count != definition.GetParameters().Length) throw new RemoteQueryRefusedException($"{key} takes {definition.GetParameters().Length} arguments.");
            var source = Read(args[0], depth + 1);
            var element = EnumerableMethods.ElementType(source.Type);
            var rest = args.Skip(1).Select(a => a.Kind == "lambda" ? Lambda(a, element, depth + 1) : Read(a, depth + 1));
            return Expression.Call(definition.MakeGenericMethod(element), [source, .. rest]);
        }
        if (!AllowedMethods.TryGet(key, out var method))
            throw new RemoteQueryRefusedException($"the method '{key}' is not on the server's list of allowed methods (string, Math, DateTime and Enumerable.Any/All/Count/Contains); nothing was run.");
        var operands = args.Select(a => Read(a, depth + 1)).ToList();
        int expected = method.GetParameters().Length + (method.IsStatic ? 0 : 1);
        if (operands.Count != expected) throw new RemoteQueryRefusedException($"{key} takes {expected} operands, got {operands.Count}.");
        return method.IsStatic ? Expression.Call(method, operands) : Expression.Call(operands[0], method, operands.Skip(1));
    }
}
