using System.Linq.Expressions;
using System.Reflection;
using ZgDb.Query.Translators;

namespace ZgDb.Query.Planning;

/// <summary>
/// What must hold, when the query runs, for an expression over a document not to throw on any stored document:
/// a query parameter is not null (<c>StartsWith(@p0)</c>), or no stored document has a null at a property path
/// (<c>u.Name.Equals(..)</c>, <c>u.Score.Value</c>, <c>u.Address.Zip</c>; checked in an index on that path).
/// </summary>
internal abstract record NoThrowRequirement
{
    public sealed record ParameterNotNull(ParameterExpression Parameter) : NoThrowRequirement;

    /// <summary>A value computed from parameters only (<c>start.AddDays(-7)</c>): evaluating it does not throw (else it would throw on every row).</summary>
    public sealed record Evaluates(Expression Value) : NoThrowRequirement;

    /// <summary>No document has a null at <see cref="Path"/> (nor on its way): the index whose first column it is has no null entry.</summary>
    public sealed record NoNullAt(EntityIndex Index, string Path) : NoThrowRequirement;
}

/// <summary>
/// Decides whether a predicate conjunct (or a projection) can throw on some stored document, as LINQ-to-Objects
/// would evaluate it: a member or instance call on a null (<c>u.City.Equals("Paris")</c> with a null city, a path
/// through a null nested object, <c>Nullable.Value</c> without a value), a null argument (<c>StartsWith(null)</c>,
/// <c>Contains</c> on a null list), an integer division, a checked conversion, or any method it does not know.
/// An index may answer, or narrow on, a conjunct only when no conjunct before it (nor itself) can throw: otherwise
/// the rows the index skips are rows on which LINQ-to-Objects would have thrown. Some risks are settled when the
/// query runs (<see cref="NoThrowRequirement"/>): then the plan checks them per execution and reads every document
/// when they fail. Guards are understood: <c>u.Address != null &amp;&amp; u.Address.Zip == z</c>, an earlier
/// <c>Where(u =&gt; u.Address != null)</c>, <c>u.Score.HasValue</c>, <c>a == null ? .. : a.B</c>, <c>a == null || a.B</c>.
/// </summary>
internal sealed class ThrowAnalysis(EntityType entity, ParameterExpression document, Func<string, bool> indexAvailable)
{
    private static readonly HashSet<Type> SafeComparisonTypes =
        [typeof(string), typeof(decimal), typeof(DateTime), typeof(DateTimeOffset), typeof(TimeSpan), typeof(DateOnly), typeof(TimeOnly), typeof(Guid)];

    private static readonly HashSet<string> SafeStringInstance =
        [nameof(string.Equals), nameof(string.CompareTo), nameof(string.ToLower), nameof(string.ToUpper), nameof(string.ToLowerInvariant),
         nameof(string.ToUpperInvariant), nameof(string.GetHashCode), nameof(string.ToString), nameof(string.StartsWith), nameof(string.EndsWith),
         nameof(string.Contains), nameof(string.IndexOf), nameof(string.Trim), nameof(string.TrimStart), nameof(string.TrimEnd)];

    private static readonly HashSet<string> SafeStringStatic =
        [nameof(string.IsNullOrEmpty), nameof(string.IsNullOrWhiteSpace), nameof(string.Equals), nameof(string.Compare), nameof(string.CompareOrdinal), nameof(string.Concat)];

    /// <summary>The facts known true so far (the keys of expressions known not null), from earlier conjuncts.</summary>
    private readonly HashSet<string> _known = [];

    /// <summary>
    /// Whether <paramref name="conjunct"/> cannot throw given the earlier conjuncts (which are then known true), adding
    /// what must hold at run time to <paramref name="requirements"/>. Call in evaluation order.
    /// </summary>
    public bool CannotThrow(Expression conjunct, List<NoThrowRequirement> requirements)
    {
        var found = new List<NoThrowRequirement>();
        bool safe = Safe(conjunct, [.. _known], found);
        if (safe) requirements.AddRange(found.Where(f => !requirements.Contains(f)));
        Facts(conjunct, true, _known);
        return safe;
    }

    private bool Safe(Expression? e, HashSet<string> known, List<NoThrowRequirement> req)
    {
        // A value made of parameters only is the same for every row: when it throws, LINQ-to-Objects throws on the
        // first row that reaches it. Checked per execution (it is evaluated once more for that).
        if (e is MethodCallExpression or BinaryExpression or UnaryExpression or NewExpression or MemberExpression or ConditionalExpression
            && RowIndependent.Of(e))
        {
            var inner = new List<NoThrowRequirement>();
            if (SafeNode(e, known, inner)) req.AddRange(inner);
            else req.Add(new NoThrowRequirement.Evaluates(e));
            return true;
        }
        return SafeNode(e, known, req);
    }

    /// <summary>Finds whether an expression uses anything but query parameters (<c>@pN</c>) and constants.</summary>
    private sealed class RowIndependent : ExpressionVisitor
    {
        private bool _dependent;

        public static bool Of(Expression e)
        {
            var finder = new RowIndependent();
            finder.Visit(e);
            return !finder._dependent;
        }

        protected override Expression VisitParameter(ParameterExpression node)
        {
            if (node.Name?.StartsWith("@p", StringComparison.Ordinal) != true) _dependent = true;
            return node;
        }

        protected override Expression VisitLambda<T>(Expression<T> node)
        {
            _dependent = true;
            return node;
        }

        protected override Expression VisitExtension(Expression node)
        {
            _dependent = true;
            return node;
        }
    }

    private bool SafeNode(Expression? e, HashSet<string> known, List<NoThrowRequirement> req)
    {
        switch (e)
        {
            case null:
            case ConstantExpression:
            case ParameterExpression:
            case DefaultExpression:
                return true;
            case LambdaExpression lambda:
                return Safe(lambda.Body, known, req);
            case MemberExpression member:
                if (member.Expression is null) return true; // a static field or property
                if (!Safe(member.Expression, known, req)) return false;
                if (member.Member.Name == nameof(Nullable<int>.HasValue) && Nullable.GetUnderlyingType(member.Expression.Type) is not null) return true;
                return NotNull(member.Expression, known, req);
            case UnaryExpression unary:
                return SafeUnary(unary, known, req);
            case BinaryExpression binary:
                return SafeBinary(binary, known, req);
            case ConditionalExpression conditional:
            {
                if (!Safe(conditional.Test, known, req)) return false;
                var whenTrue = new HashSet<string>(known);
                Facts(conditional.Test, true, whenTrue);
                var whenFalse = new HashSet<string>(known);
                Facts(conditional.Test, false, whenFalse);
                return Safe(conditional.IfTrue, whenTrue, req) && Safe(conditional.IfFalse, whenFalse, req);
            }
            case TypeBinaryExpression typeBinary:
                return Safe(typeBinary.Expression, known, req);
            case NewExpression created:
                // anonymous types and tuples only assign; another constructor may validate (new DateTime(y, m, d))
                return created.Arguments.All(a => Safe(a, known, req))
                       && (created.Constructor is null || created.Members is not null || IsTuple(created.Type)
                           || created.Arguments.All(a => ConditionParts.IsFreeOf(a, document)));
            case MethodCallExpression call:
                return SafeCall(call, known, req);
            case NewArrayExpression { NodeType: ExpressionType.NewArrayInit } array:
                return array.Expressions.All(a => Safe(a, known, req));
            case MemberInitExpression init:
                return Safe(init.NewExpression, known, req)
                       && init.Bindings.All(b => b is MemberAssignment assignment && Safe(assignment.Expression, known, req));
            case ListInitExpression list:
                // a list or a set only adds; a dictionary's Add throws on a repeated key
                return Safe(list.NewExpression, known, req) && list.Type.IsGenericType
                       && (list.Type.GetGenericTypeDefinition() == typeof(List<>) || list.Type.GetGenericTypeDefinition() == typeof(HashSet<>))
                       && list.Initializers.All(i => i.Arguments.All(a => Safe(a, known, req)));
            default:
                return false;
        }
    }

    private static bool IsTuple(Type type) => type.FullName?.StartsWith("System.ValueTuple`", StringComparison.Ordinal) == true
                                              || type.FullName?.StartsWith("System.Tuple`", StringComparison.Ordinal) == true;

    private bool SafeUnary(UnaryExpression unary, HashSet<string> known, List<NoThrowRequirement> req)
    {
        if (!Safe(unary.Operand, known, req)) return false;
        if (unary.Method is not null && !SafeComparisonTypes.Contains(unary.Method.DeclaringType!)) return false;
        switch (unary.NodeType)
        {
            case ExpressionType.Not or ExpressionType.Negate or ExpressionType.UnaryPlus or ExpressionType.OnesComplement
                or ExpressionType.Quote or ExpressionType.TypeAs or ExpressionType.IsTrue or ExpressionType.IsFalse:
                return true;
            case ExpressionType.ArrayLength:
                return NotNull(unary.Operand, known, req);
            case ExpressionType.Convert:
            {
                if (unary.Method is not null) return false; // decimal to int and the like may overflow
                var from = unary.Operand.Type;
                var to = unary.Type;
                if (Nullable.GetUnderlyingType(from) is { } underlying && to.IsValueType && Nullable.GetUnderlyingType(to) is null)
                    return NotNull(unary.Operand, known, req); // (int)u.Score throws without a value
                if (!from.IsValueType && to.IsValueType) return false; // unboxing
                if (!from.IsValueType && !to.IsAssignableFrom(from)) return known.Contains(IsKey(unary.Operand, to)); // a downcast may fail, unless tested (a is Dog)
                return true;
            }
            default:
                return false;
        }
    }

    private bool SafeBinary(BinaryExpression binary, HashSet<string> known, List<NoThrowRequirement> req)
    {
        switch (binary.NodeType)
        {
            case ExpressionType.AndAlso:
            {
                if (!Safe(binary.Left, known, req)) return false;
                var after = new HashSet<string>(known);
                Facts(binary.Left, true, after);
                return Safe(binary.Right, after, req);
            }
            case ExpressionType.OrElse:
            {
                if (!Safe(binary.Left, known, req)) return false;
                var after = new HashSet<string>(known);
                Facts(binary.Left, false, after);
                return Safe(binary.Right, after, req);
            }
            case ExpressionType.Coalesce:
                return binary.Conversion is null && Safe(binary.Left, known, req) && Safe(binary.Right, known, req);
        }
        if (!Safe(binary.Left, known, req) || !Safe(binary.Right, known, req)) return false;
        bool operatorSafe = binary.Method is null || binary.Method.DeclaringType == typeof(string)
                            || SafeComparisonTypes.Contains(binary.Method.DeclaringType!) && binary.NodeType is ExpressionType.Equal or ExpressionType.NotEqual
                                or ExpressionType.LessThan or ExpressionType.LessThanOrEqual or ExpressionType.GreaterThan or ExpressionType.GreaterThanOrEqual;
        if (!operatorSafe) return false;
        switch (binary.NodeType)
        {
            case ExpressionType.Equal or ExpressionType.NotEqual or ExpressionType.LessThan or ExpressionType.LessThanOrEqual
                or ExpressionType.GreaterThan or ExpressionType.GreaterThanOrEqual or ExpressionType.Add or ExpressionType.Subtract
                or ExpressionType.Multiply or ExpressionType.And or ExpressionType.Or or ExpressionType.ExclusiveOr
                or ExpressionType.LeftShift or ExpressionType.RightShift or ExpressionType.Power:
                return true;
            case ExpressionType.Divide or ExpressionType.Modulo:
            {
                var type = Nullable.GetUnderlyingType(binary.Type) ?? binary.Type;
                if (type == typeof(double) || type == typeof(float)) return true;
                // an integer division by a literal other than 0 and -1 cannot throw (a parameter may be 0 on the next run)
                return binary.Right is ConstantExpression { Value: { } divisor } && Convert.ToDecimal(divisor, System.Globalization.CultureInfo.InvariantCulture) is not (0m or -1m);
            }
            default:
                return false;
        }
    }

    private bool SafeCall(MethodCallExpression call, HashSet<string> known, List<NoThrowRequirement> req)
    {
        // array.Contains(u.Id) as C# 14 binds it: MemoryExtensions.Contains(op_Implicit(array), u.Id); the array must not be null
        if (call.Method.IsStatic && call.Method.DeclaringType == typeof(MemoryExtensions) && call.Method.Name == nameof(MemoryExtensions.Contains)
            && (call.Arguments.Count == 2 || call.Arguments.Count == 3 && call.Arguments[2] is ConstantExpression { Value: null })
            && SpanOperand(call.Arguments[0]) is { Type.IsArray: true } array)
            return Safe(array, known, req) && Safe(call.Arguments[1], known, req) && NotNull(array, known, req);
        if (!Safe(call.Object, known, req) || !call.Arguments.All(a => Safe(a, known, req))) return false;
        var method = call.Method;
        var declaring = method.DeclaringType!;
        if (declaring == typeof(string))
        {
            if (method.IsStatic)
                return SafeStringStatic.Contains(method.Name)
                       && (method.Name != nameof(string.Equals) && method.Name != nameof(string.Compare) || call.Arguments.Skip(2).All(a => a is ConstantExpression));
            if (!SafeStringInstance.Contains(method.Name) || !NotNull(call.Object!, known, req)) return false;
            if (method.Name is nameof(string.Equals) or nameof(string.CompareTo) or nameof(string.GetHashCode) or nameof(string.ToString)
                or nameof(string.ToLower) or nameof(string.ToUpper) or nameof(string.ToLowerInvariant) or nameof(string.ToUpperInvariant))
                return call.Arguments.Skip(1).All(a => a is ConstantExpression);
            if (method.Name is nameof(string.Trim) or nameof(string.TrimStart) or nameof(string.TrimEnd)) return call.Arguments.Count == 0;
            // StartsWith, EndsWith, Contains, IndexOf: the string argument must not be null (ArgumentNullException)
            return call.Arguments[0].Type != typeof(string) || NotNull(call.Arguments[0], known, req);
        }
        if (Nullable.GetUnderlyingType(declaring) is not null)
            return method.Name is nameof(Nullable<int>.GetValueOrDefault) or nameof(Nullable<int>.Equals) or nameof(Nullable<int>.GetHashCode);
        if (!method.IsStatic && declaring.IsValueType && SafeComparisonTypes.Contains(declaring) || declaring.IsPrimitive || declaring.IsEnum)
            return method.Name is nameof(object.Equals) or nameof(IComparable.CompareTo) or nameof(object.GetHashCode)
                   || method.Name == nameof(object.ToString) && call.Arguments.Count == 0;
        if (declaring == typeof(Math))
            return method.Name is nameof(Math.Max) or nameof(Math.Min)
                   || method.Name == nameof(Math.Abs) && call.Type is { } t && (t == typeof(double) || t == typeof(float) || t == typeof(decimal));
        // list.Contains(u.City), set.Contains(u.City), Enumerable.Contains(list, u.City), array.Contains(u.Id): the list must not be null
        if (method.Name == nameof(Enumerable.Contains))
        {
            if (method.IsStatic && declaring == typeof(Enumerable) && call.Arguments.Count == 2) return NotNull(call.Arguments[0], known, req);
            if (!method.IsStatic && call.Arguments.Count == 1 && declaring.IsGenericType
                && (declaring.GetGenericTypeDefinition() == typeof(List<>) || declaring.GetGenericTypeDefinition() == typeof(HashSet<>)))
                return NotNull(call.Object!, known, req);
        }
        return false;
    }

    private static Expression? SpanOperand(Expression span) => span switch
    {
        MethodCallExpression { Arguments.Count: 1 } conversion => conversion.Arguments[0],
        UnaryExpression { NodeType: ExpressionType.Convert } convert => convert.Operand,
        _ => null,
    };

    /// <summary>Whether <paramref name="e"/> is not null on any document (possibly under a requirement checked at run time).</summary>
    private bool NotNull(Expression e, HashSet<string> known, List<NoThrowRequirement> req)
    {
        e = ConditionParts.Unwrap(e);
        if (e.Type.IsValueType && Nullable.GetUnderlyingType(e.Type) is null) return true;
        if (e == document || known.Contains(Key(e))) return true;
        switch (e)
        {
            case ConstantExpression constant:
                return constant.Value is not null;
            case NewExpression or NewArrayExpression or MemberInitExpression or ListInitExpression:
                return true;
            case BinaryExpression { NodeType: ExpressionType.Coalesce } coalesce:
                return NotNull(coalesce.Right, known, req);
            case ParameterExpression parameter when parameter.Name?.StartsWith("@p", StringComparison.Ordinal) == true:
                req.Add(new NoThrowRequirement.ParameterNotNull(parameter));
                return true;
        }
        if (ConditionParts.Path(e, document) is not { } path) return false;
        if (path.Count == 1 && entity.KeyParts.Any(k => path[0] == k.Info)) return true;
        // an index on this path (or a longer one through it) with no null entry: no document has a null on the way
        var name = string.Join(".", path.Select(p => p.Name));
        foreach (var index in entity.Indexes)
        {
            var first = index.Properties[0].Name;
            if ((first == name || first.StartsWith(name + ".", StringComparison.Ordinal)) && indexAvailable(index.Name))
            {
                req.Add(new NoThrowRequirement.NoNullAt(index, first));
                return true;
            }
        }
        return false;
    }

    private static string Key(Expression e) => ConditionParts.Unwrap(e).ToString();

    private static string IsKey(Expression e, Type type) => $"{Key(e)} is {type.FullName}";

    /// <summary>What <paramref name="e"/> being <paramref name="value"/> tells about nulls: adds the expressions then known not null.</summary>
    private static void Facts(Expression e, bool value, HashSet<string> known)
    {
        switch (e)
        {
            case UnaryExpression { NodeType: ExpressionType.Not } not:
                Facts(not.Operand, !value, known);
                break;
            case BinaryExpression { NodeType: ExpressionType.AndAlso } both when value:
                Facts(both.Left, true, known);
                Facts(both.Right, true, known);
                break;
            case BinaryExpression { NodeType: ExpressionType.OrElse } either when !value:
                Facts(either.Left, false, known);
                Facts(either.Right, false, known);
                break;
            case BinaryExpression { NodeType: ExpressionType.NotEqual or ExpressionType.Equal } comparison:
            {
                bool notNull = comparison.NodeType == ExpressionType.NotEqual == value;
                if (!notNull) break;
                if (IsNull(comparison.Right)) known.Add(Key(comparison.Left));
                else if (IsNull(comparison.Left)) known.Add(Key(comparison.Right));
                break;
            }
            case TypeBinaryExpression { NodeType: ExpressionType.TypeIs } test when value && !test.TypeOperand.IsValueType:
                // a is Dog: a is not null, and a cast of it to Dog (or a base of Dog) cannot fail
                known.Add(Key(test.Expression));
                for (var type = test.TypeOperand; type is not null && type.IsAssignableTo(test.Expression.Type) && type != test.Expression.Type; type = type.BaseType)
                {
                    known.Add(IsKey(test.Expression, type));
                    known.Add(Key(Expression.Convert(test.Expression, type))); // ((Dog)a) is then not null either
                }
                break;
            case MemberExpression { Member.Name: nameof(Nullable<int>.HasValue), Expression: { } target } when value && Nullable.GetUnderlyingType(target.Type) is not null:
                known.Add(Key(target));
                break;
        }
    }

    private static bool IsNull(Expression e) => ConditionParts.Unwrap(e) is ConstantExpression { Value: null }
                                               || e is UnaryExpression { Operand: ConstantExpression { Value: null } };
}
