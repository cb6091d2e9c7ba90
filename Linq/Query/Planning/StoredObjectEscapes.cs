using System.Linq.Expressions;
using System.Reflection;

namespace ZgDb.Query.Planning;

/// <summary>
/// Finds where a query hands a value that may be a stored object (a document, a nested object or a list read from
/// one) to code that is not the planner's: a method of the application (<c>Select(u =&gt; Describe(u))</c>,
/// <c>Where(u =&gt; Check(u.Address))</c>, an entity's own method), a constructor of the application, an invoked
/// delegate, a comparer given to an operator (<c>Distinct(comparer)</c>, <c>OrderBy(u =&gt; u, comparer)</c>), or a
/// library method that writes to its target (<c>u.Tags.Remove(..)</c>). Stored documents are shared by every reader:
/// the plan copies the documents such code could reach (<see cref="QueryPlanner"/>). Library code that only reads
/// (string and math methods, <c>Enumerable</c>'s operators, whose lambdas are part of the query and checked here, a
/// list's <c>Contains</c>) sees stored documents, as the planner's compiled code does.
/// </summary>
internal sealed class StoredObjectEscapes : ExpressionVisitor
{
    private static readonly HashSet<string> Writers = new(StringComparer.Ordinal)
    {
        "Add", "AddRange", "AddFirst", "AddLast", "Clear", "Insert", "InsertRange", "Remove", "RemoveAt", "RemoveAll",
        "RemoveRange", "RemoveWhere", "RemoveFirst", "RemoveLast", "Reverse", "Sort", "Fill", "Resize", "Push", "Pop",
        "Enqueue", "Dequeue", "TryAdd", "TryRemove", "TryPop", "TryDequeue", "set_Item", "CopyTo", "SetValue",
        "Initialize", "UnionWith", "IntersectWith", "ExceptWith", "SymmetricExceptWith", "TrimExcess", "EnsureCapacity",
        "ForEach", "ConvertAll", "Exists", "Find", "FindAll", "FindIndex", "FindLast", "FindLastIndex", "TrueForAll",
    };

    private bool _escapes;

    private StoredObjectEscapes() { }

    /// <summary>Whether anything in <paramref name="expressions"/> hands a possibly stored object to code outside the plan.</summary>
    public static bool Any(params IEnumerable<Expression?> expressions)
    {
        var finder = new StoredObjectEscapes();
        foreach (var expression in expressions)
        {
            if (expression is null) continue;
            finder.Visit(expression);
            if (finder._escapes) return true;
        }
        return false;
    }

    public override Expression? Visit(Expression? node) => _escapes ? node : base.Visit(node);

    protected override Expression VisitMethodCall(MethodCallExpression node)
    {
        var method = node.Method;
        if (!IsLibrary(method.DeclaringType))
            _escapes |= MayBeStored(node.Object) || node.Arguments.Any(MayBeStored);
        else if (node.Object is { } target && Writers.Contains(method.Name) && MayBeStored(target)
                 || method.DeclaringType == typeof(Array) && Writers.Contains(method.Name) && node.Arguments.Any(MayBeStored))
            _escapes = true;
        else
            _escapes |= node.Arguments.Any(a => IsCallback(a.Type) && !IsOwn(a))
                        // a library method that calls the value's own Equals/GetHashCode/CompareTo/ToString (set.Contains(u.Address), Distinct, OrderBy(u => u.Address))
                        || node.Arguments.Prepend(node.Object).Any(a => a is not null && RunsOwnCode(a));
        return base.VisitMethodCall(node);
    }

    protected override Expression VisitBinary(BinaryExpression node)
    {
        // an operator the application defined (u.Address == home with Address.op_Equality)
        if (node.Method is { } method && !IsLibrary(method.DeclaringType)) _escapes |= MayBeStored(node.Left) || MayBeStored(node.Right);
        return base.VisitBinary(node);
    }

    /// <summary>
    /// Whether a type has comparison or formatting code of the application (an override of <c>Equals</c>,
    /// <c>GetHashCode</c> or <c>ToString</c>, or <c>IComparable</c>) that library code runs on its values: an ordering
    /// by such a value or a set holding it calls that code with the stored object.
    /// </summary>
    public static bool HasOwnCode(Type type)
    {
        if (!type.IsClass || type == typeof(string) || IsLibrary(type)) return false;
        return type.GetMethod(nameof(Equals), [typeof(object)])?.DeclaringType != typeof(object)
               || type.GetMethod(nameof(GetHashCode), Type.EmptyTypes)?.DeclaringType != typeof(object)
               || type.GetMethod(nameof(ToString), Type.EmptyTypes)?.DeclaringType != typeof(object)
               || type.GetInterfaces().Any(i => i == typeof(IComparable) || i.IsGenericType && i.GetGenericTypeDefinition() is var d
                                                && (d == typeof(IComparable<>) || d == typeof(IEquatable<>)));
    }

    /// <summary>A value (or the elements of a sequence, or the result of a lambda) that may be stored and whose type <see cref="HasOwnCode"/>.</summary>
    private static bool RunsOwnCode(Expression argument)
    {
        if (argument is UnaryExpression { NodeType: ExpressionType.Quote } quote) argument = quote.Operand;
        if (argument is LambdaExpression lambda) return HasOwnCode(lambda.ReturnType) && ReadsData.In(lambda.Body);
        var type = argument.Type;
        var element = type.IsGenericType && type.GetGenericArguments() is [var only] && typeof(IEnumerable<>).MakeGenericType(only).IsAssignableFrom(type) ? only : null;
        return (HasOwnCode(type) || element is not null && HasOwnCode(element)) && MayBeStored(argument);
    }

    protected override Expression VisitInvocation(InvocationExpression node)
    {
        if (node.Expression is not LambdaExpression) _escapes |= node.Arguments.Any(MayBeStored);
        return base.VisitInvocation(node);
    }

    protected override Expression VisitNew(NewExpression node)
    {
        if (node.Constructor is { } constructor && !ResultSafety.IsAnonymousType(node.Type) && !IsLibrary(constructor.DeclaringType))
            _escapes |= node.Arguments.Any(MayBeStored);
        return base.VisitNew(node);
    }

    protected override Expression VisitExtension(Expression node) => node;

    /// <summary>
    /// A comparer or a delegate given to an operator (not a lambda of the query): application code that is handed the
    /// operator's elements or keys, which may be stored objects unless they are values.
    /// </summary>
    private static bool IsCallback(Type type)
    {
        foreach (var candidate in type.GetInterfaces().Append(type))
        {
            if (!candidate.IsGenericType) continue;
            var definition = candidate.GetGenericTypeDefinition();
            if (definition == typeof(IEqualityComparer<>) || definition == typeof(IComparer<>))
                return !ResultSafety.IsValue(candidate.GetGenericArguments()[0]);
        }
        return typeof(Delegate).IsAssignableFrom(type) && type.GetMethod("Invoke")!.GetParameters().Any(p => !ResultSafety.IsValue(p.ParameterType));
    }

    /// <summary>
    /// Whether <paramref name="value"/> may be a stored object: a reference type other than a string (looked at through
    /// conversions: a boxed number is a value), computed from the query's data (a lambda parameter, a navigation or a
    /// subquery) and not only from its parameters (captured values, which the application owns).
    /// </summary>
    private static bool MayBeStored(Expression? value)
    {
        while (value is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.ConvertChecked or ExpressionType.TypeAs } convert) value = convert.Operand;
        if (value is null || ResultSafety.IsValue(value.Type) || value is ConstantExpression or LambdaExpression or UnaryExpression { NodeType: ExpressionType.Quote }) return false;
        return ReadsData.In(value);
    }

    /// <summary>A lambda of the query, or a comparer ZgDb put there (entity keys): not application code.</summary>
    private static bool IsOwn(Expression argument) => argument is LambdaExpression or UnaryExpression { NodeType: ExpressionType.Quote }
        || argument is ConstantExpression constant && (constant.Value is null || constant.Value.GetType().Assembly == typeof(StoredObjectEscapes).Assembly);

    private static bool IsLibrary(Type? type) =>
        type is null || type.Assembly == typeof(StoredObjectEscapes).Assembly
        || type.Namespace is { } ns && (ns == "System" || ns.StartsWith("System.", StringComparison.Ordinal) || ns.StartsWith("Remotion.", StringComparison.Ordinal));

    /// <summary>Whether an expression uses a lambda parameter, the query's context (navigations) or a collection source.</summary>
    private sealed class ReadsData : ExpressionVisitor
    {
        private bool _reads;

        public static bool In(Expression expression)
        {
            var finder = new ReadsData();
            finder.Visit(expression);
            return finder._reads;
        }

        public override Expression? Visit(Expression? node) => _reads ? node : base.Visit(node);

        protected override Expression VisitParameter(ParameterExpression node)
        {
            if (node.Name is not { } name || !name.StartsWith("@p", StringComparison.Ordinal)) _reads = true;
            return node;
        }

        protected override Expression VisitExtension(Expression node)
        {
            _reads = true;
            return node;
        }
    }
}
