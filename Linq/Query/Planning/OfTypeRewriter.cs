using System.Linq.Expressions;
using System.Reflection;
using M = ZgDb.Query.EnumerableMethods;

namespace ZgDb.Query.Planning;

/// <summary>
/// Phase 3b for collections holding a hierarchy (table-per-hierarchy): <c>OfType&lt;Dog&gt;()</c> over an entity
/// sequence becomes <c>Where(a =&gt; a is Dog)</c> and a cast, and the operators above it (Where, OrderBy, ThenBy,
/// Skip, Take, Select, Count, LongCount, Any) move under the cast with <c>d</c> read as <c>(Dog)a</c>: the collection's
/// plan then serves them (an index on a derived property, a sort, a limit). Exactly LINQ-to-Objects' OfType: a
/// reference type test keeps the non-null documents of that type (their type is what their discriminator named).
/// </summary>
internal sealed class OfTypeRewriter(DatabaseModel model) : ExpressionVisitor
{
    /// <summary>The cast projections this rewriter made (only they are moved: a user's own cast may throw).</summary>
    private readonly HashSet<LambdaExpression> _casts = [];

    public static Expression Rewrite(DatabaseModel model, Expression query) =>
        model.Entities.Any(e => e.HasHierarchy) ? new OfTypeRewriter(model).Visit(query) : query;

    private static readonly HashSet<MethodInfo> Kept = [M.Where, M.OrderBy, M.OrderByDescending, M.ThenBy, M.ThenByDescending, M.Skip, M.Take];
    private static readonly HashSet<MethodInfo> Ending = [M.Count, M.LongCount, M.Any];

    protected override Expression VisitMethodCall(MethodCallExpression node)
    {
        if (node.Method.DeclaringType != typeof(Enumerable) || !node.Method.IsGenericMethod || node.Arguments.Count == 0)
            return base.VisitMethodCall(node);
        var source = Visit(node.Arguments[0]);
        var rest = node.Arguments.Skip(1).Select(a => Visit(a)!).ToList();
        var definition = node.Method.GetGenericMethodDefinition();

        if (definition == M.OfType && ElementOf(source) is { } element && node.Method.GetGenericArguments()[0] is var derived
            && derived != element && element.IsAssignableFrom(derived) && InHierarchy(element))
        {
            var x = Expression.Parameter(element, "x");
            var filtered = M.Call(M.Where, [element], source, Expression.Lambda(Expression.TypeIs(x, derived), x));
            return Cast(filtered, element, derived);
        }
        if (Unwrapped(source) is MethodCallExpression { Arguments: [var inner, LambdaExpression cast] } && _casts.Contains(cast)
            && (Kept.Contains(definition) || Ending.Contains(definition) && rest.Count == 0 || definition == M.Select && rest is [LambdaExpression { Parameters.Count: 1 }]))
        {
            var baseType = cast.Parameters[0].Type;
            var castTo = cast.ReturnType;
            var arguments = rest.Select(a => a is LambdaExpression lambda && lambda.Parameters is [var p] && p.Type == castTo ? Rebind(lambda, baseType, castTo) : a!).ToList();
            var types = node.Method.GetGenericArguments();
            types[0] = baseType;
            var moved = Expression.Call(definition.MakeGenericMethod(types), [inner, .. arguments]);
            return Kept.Contains(definition) ? Cast(moved, baseType, castTo) : moved;
        }
        return node.Update(node.Object, [source, .. rest]);
    }

    /// <summary>The sequence under the <c>AsQueryable()</c> and conversions a re-linq subquery puts around it.</summary>
    private static Expression Unwrapped(Expression sequence)
    {
        while (true)
        {
            if (sequence is UnaryExpression { NodeType: ExpressionType.Convert } convert && !convert.Type.IsValueType) sequence = convert.Operand;
            else if (sequence is MethodCallExpression { Method.Name: nameof(Queryable.AsQueryable), Arguments: [var operand] } call && call.Method.DeclaringType == typeof(Queryable)) sequence = operand;
            else return sequence;
        }
    }

    private Expression Cast(Expression sequence, Type element, Type derived)
    {
        var x = Expression.Parameter(element, "x");
        var cast = Expression.Lambda(Expression.Convert(x, derived), x);
        _casts.Add(cast);
        return M.Call(M.Select, [element, derived], sequence, cast);
    }

    /// <summary><c>d =&gt; body</c> over the derived type as <c>x =&gt; body[d := (Derived)x]</c> over the element type.</summary>
    private static LambdaExpression Rebind(LambdaExpression lambda, Type element, Type derived)
    {
        var x = Expression.Parameter(element, lambda.Parameters[0].Name);
        var body = new Replace(lambda.Parameters[0], Expression.Convert(x, derived)).Visit(lambda.Body);
        return Expression.Lambda(body, x);
    }

    private bool InHierarchy(Type element) =>
        model.Entities.Any(e => e.HasHierarchy && (e.ClrType == element || e.DerivedTypes.Any(d => d.ClrType == element)));

    private static Type? ElementOf(Expression sequence) =>
        sequence.Type.IsGenericType && sequence.Type.GetGenericTypeDefinition() == typeof(IEnumerable<>) ? sequence.Type.GetGenericArguments()[0]
        : sequence.Type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];

    private sealed class Replace(ParameterExpression from, Expression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }
}

/// <summary>What Explain says of a filter that tests documents' types: the type is what the discriminator named.</summary>
internal static class DiscriminatorText
{
    /// <summary>"Discriminator IN ('Dog', 'Puppy')" for the type tests of <paramref name="residual"/> on the document, or null.</summary>
    public static string? Of(EntityType entity, LambdaExpression? residual)
    {
        if (residual is null || !entity.HasHierarchy) return null;
        var tests = new TypeTests(residual.Parameters[0]);
        tests.Visit(residual.Body);
        if (tests.Types.Count == 0) return null;
        var parts = tests.Types.Distinct().Select(type =>
        {
            var values = entity.DerivedTypes.Where(d => type.IsAssignableFrom(d.ClrType)).Select(d => d.DiscriminatorValue)
                .Prepend(type.IsAssignableFrom(entity.ClrType) ? entity.DiscriminatorValue : null).OfType<string>();
            return $"{entity.Discriminator} IN ({string.Join(", ", values.Select(v => $"'{v}'"))})";
        });
        return "the type test reads the discriminator: " + string.Join(", ", parts);
    }

    private sealed class TypeTests(ParameterExpression document) : ExpressionVisitor
    {
        public List<Type> Types { get; } = [];

        protected override Expression VisitTypeBinary(TypeBinaryExpression node)
        {
            if (node.Expression == document) Types.Add(node.TypeOperand);
            return base.VisitTypeBinary(node);
        }

        protected override Expression VisitUnary(UnaryExpression node)
        {
            if (node.NodeType == ExpressionType.TypeAs && node.Operand == document) Types.Add(node.Type);
            return base.VisitUnary(node);
        }
    }
}
