using System.Globalization;
using System.Linq.Expressions;
using System.Text.RegularExpressions;

namespace ZgDb.Query.Plans;

/// <summary>
/// One step of a query plan. Access paths (<see cref="AccessPath{T}"/>) read stored documents of one collection;
/// the steps over them (<see cref="Filter"/>, <see cref="Sort"/>, <see cref="SkipTake"/>...) transform the sequence.
/// Each node builds the expression that runs it (compiled once per cached plan) and explains itself.
/// </summary>
internal abstract class PlanNode
{
    /// <summary>The node this one reads from (null for an access path).</summary>
    public PlanNode? Input { get; init; }

    /// <summary>A relative estimate of the work, for choosing between access paths (lower is better).</summary>
    public abstract double Cost { get; }

    /// <summary>This node alone as text, e.g. <c>INDEX RANGE User.Age [25, +inf)</c>; empty for invisible steps.</summary>
    public abstract string Explain(PlanText text);

    /// <summary>The expression that produces this node's sequence, given the <c>QueryContext</c> parameter.</summary>
    public abstract Expression Build(Expression context);

    /// <summary>The whole chain from the access path to this node: <c>A -&gt; B -&gt; C</c>.</summary>
    public string ExplainChain(PlanText text)
    {
        var own = Explain(text);
        var input = Input?.ExplainChain(text);
        if (string.IsNullOrEmpty(input)) return own;
        return string.IsNullOrEmpty(own) ? input : input + " -> " + own;
    }
}

/// <summary>Prints expressions and parameter values for <see cref="PlanNode.Explain"/>.</summary>
internal sealed class PlanText(object?[] parameters)
{
    /// <summary>A bound or key: the parameter's actual value when it is one, else the expression.</summary>
    public string Value(Expression value) => value switch
    {
        ParameterExpression p when p.Name is { } name && name.StartsWith("@p", StringComparison.Ordinal)
            && int.TryParse(name.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out int slot) && slot < parameters.Length => Literal(parameters[slot]),
        ConstantExpression c => Literal(c.Value),
        UnaryExpression { NodeType: ExpressionType.Convert } u => Value(u.Operand),
        _ => TryEvaluate(value, out var computed) ? Literal(computed) : Code(value),
    };

    /// <summary>Whether <paramref name="value"/>, made of parameters only, computes without an exception with these parameter values.</summary>
    public bool Evaluates(Expression value) => TryEvaluate(value, out _);

    /// <summary>A value computed from parameters only (<c>@p0.AddDays(@p1)</c>) with this execution's parameter values (Explain only: compiles).</summary>
    private bool TryEvaluate(Expression value, out object? computed)
    {
        computed = null;
        var binder = new ParameterValues(parameters);
        var bound = binder.Visit(value);
        if (binder.Unknown) return false;
        try
        {
            computed = Expression.Lambda<Func<object?>>(Expression.Convert(bound, typeof(object))).Compile(preferInterpretation: true)();
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException and not Storage.Engine.ChunkLoadRequired)
        {
            return false;
        }
    }

    /// <summary>Puts the parameter values in place of <c>@pN</c>; anything else that varies (a lambda's parameter) makes it unknown.</summary>
    private sealed class ParameterValues(object?[] parameters) : ExpressionVisitor
    {
        public bool Unknown { get; private set; }

        protected override Expression VisitParameter(ParameterExpression node)
        {
            if (node.Name is { } name && name.StartsWith("@p", StringComparison.Ordinal)
                && int.TryParse(name.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out int slot) && slot < parameters.Length)
                return Expression.Constant(parameters[slot], node.Type);
            Unknown = true;
            return node;
        }

        protected override Expression VisitLambda<T>(Expression<T> node)
        {
            Unknown = true;
            return node;
        }

        protected override Expression VisitExtension(Expression node)
        {
            Unknown = true;
            return node;
        }
    }

    public static string Literal(object? value) => value switch
    {
        null => "null",
        string s => "'" + s + "'",
        DateTime d => d.ToString("O", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        System.Collections.IEnumerable e => "(" + string.Join(", ", e.Cast<object?>().Take(5).Select(Literal)) + (e.Cast<object?>().Skip(5).Any() ? ", ..." : "") + ")",
        _ => value.ToString() ?? "",
    };

    /// <summary>A lambda's body with its parameter left out: <c>u =&gt; u.Name.StartsWith(@p1)</c> prints <c>Name.StartsWith(@p1)</c>.</summary>
    public static string Code(LambdaExpression lambda)
    {
        var text = Code(lambda.Body);
        foreach (var p in lambda.Parameters)
            text = Regex.Replace(text, @"(?<![\w@])" + Regex.Escape(p.Name ?? "") + @"\.", "");
        return text;
    }

    public static string Code(Expression expression)
    {
        var text = new ReadableNavigations().Visit(expression).ToString();
        text = Regex.Replace(text, @"Convert\(([^(),]*), [\w.`\[\]]+\)", "$1");
        text = text.Replace("AndAlso", "AND").Replace("OrElse", "OR");
        return text;
    }
}

/// <summary>
/// Shows the navigation lookups the expander made (<c>RelatedDocuments.Dependents(context, relationship, key)</c>) as the
/// navigations they came from (<c>s.Purchases</c>), for Explain.
/// </summary>
internal sealed class ReadableNavigations : ExpressionVisitor
{
    protected override Expression VisitMethodCall(MethodCallExpression node)
    {
        if (node.Method.DeclaringType == typeof(Relations.RelatedDocuments))
        {
            var keyArgument = node.Arguments[^1] is UnaryExpression { NodeType: ExpressionType.Convert } convert ? convert.Operand : node.Arguments[^1];
            if (keyArgument is MemberExpression { Expression: { } owner })
            {
                var navigation = node.Arguments.Count == 3 && node.Arguments[1] is ConstantExpression { Value: Relationship relationship }
                    ? relationship.PrincipalNavigation
                    : node.Arguments.Count == 3 && node.Arguments[1] is ConstantExpression { Value: SkipNavigation skip } // a many-to-many list
                    ? skip.Navigation
                    : owner.Type.GetProperties().SingleOrDefault(p => p.PropertyType == node.Method.GetGenericArguments()[0]);
                if (navigation is not null) return Expression.Property(Visit(owner), navigation);
            }
        }
        return base.VisitMethodCall(node);
    }

    protected override Expression VisitUnary(UnaryExpression node)
    {
        // the expander's conversion of a dependents list to the navigation's type
        var operand = Visit(node.Operand);
        if (node.NodeType == ExpressionType.Convert && operand is MemberExpression && node.Operand is MethodCallExpression) return operand;
        return node.Update(operand);
    }

    protected override Expression VisitExtension(Expression node) => node;
}
