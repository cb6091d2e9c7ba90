using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using ZgDb.Query.Execution;
using ZgDb.Relations;

namespace ZgDb.Query.Compiled;

/// <summary>
/// One query given to <see cref="ZgQuery"/>.Compile: its lambda, and per database (lazily, at the first call on it) the
/// plan and how each of the plan's parameter slots gets its value on a call. Thread-safe.
/// </summary>
internal sealed class CompiledQueryDefinition
{
    private readonly LambdaExpression _query;
    private readonly IParameterSlot[] _slots;
    private readonly ConditionalWeakTable<ZgDatabase, PreparedQuery> _prepared = new();

    public CompiledQueryDefinition(LambdaExpression query, bool sequence)
    {
        var body = query.Body;
        bool isQuery = body is MethodCallExpression { Method.DeclaringType: var declaring } && declaring == typeof(Queryable)
                       || typeof(IQueryable).IsAssignableFrom(body.Type);
        if (!isQuery || sequence && !typeof(IQueryable).IsAssignableFrom(body.Type))
            throw new NotSupportedException(
                $"The compiled query's body '{body}' is not a ZgDb query: it must be a query of the database's collections, ending with a " +
                "Queryable operator (FirstOrDefault, Count, Sum...) or returning an IQueryable<T>.");
        _query = query;
        // One slot per parameter besides the database: the plan reads its value from the call's arguments.
        _slots = query.Parameters.Skip(1).Select((p, i) => (IParameterSlot)Activator.CreateInstance(typeof(ParameterSlot<>).MakeGenericType(p.Type), i)!).ToArray();
    }

    /// <summary>Runs the query on <paramref name="database"/> with <paramref name="arguments"/> (one per lambda parameter after the database).</summary>
    /// <exception cref="ArgumentNullException"><paramref name="database"/> is null.</exception>
    public object? Execute(ZgDatabase database, object?[] arguments)
    {
        ArgumentNullException.ThrowIfNull(database);
        database.ThrowIfDisposed();
        var prepared = _prepared.GetValue(database, Prepare);
        // A parameter read through a null (prefix.Length with prefix null) runs ad hoc: LINQ-to-Objects raises the
        // NullReferenceException only if a row reaches that read, and the ad hoc plan reads it per row, as LINQ does.
        if (prepared.Plan is null || prepared.Bind(arguments) is not { } parameters) return AdHoc(database, arguments);
        var context = new QueryContext(database, database.Engine.ReadState(), parameters) { ResolvesIdentity = prepared.Plan.ResolvesIdentity, Includes = prepared.Includes };
        var result = prepared.Plan.Run(context);
        return prepared.Includes is null ? result : prepared.Includes.ApplyTo(result, context);
    }

    private PreparedQuery Prepare(ZgDatabase database)
    {
        var body = new Substitution(_query.Parameters[0], Expression.Constant(database, _query.Parameters[0].Type), _query.Parameters.Skip(1).ToArray(), _slots).Visit(_query.Body);
        // Include paths that capture values are compiled per execution with those values: such a query runs ad hoc on each call.
        if (IncludesCaptureValues(body)) return new PreparedQuery(null, [], [], null);
        var (query, includes) = IncludeProcessor.Strip(body, database);
        var slotNodes = new List<Expression>();
        var (shape, template, sources) = QueryParameterizer.Analyze(query, database, slotNodes);
        var plan = QueryPipeline.For(database).Lookup(shape, query, sources, template);
        var bindings = slotNodes.Select(Binding).ToArray();
        return new PreparedQuery(plan, template, bindings, includes);
    }

    /// <summary>How a plan parameter gets its value on a call: a constant keeps the first analysis's value; a parameter of the lambda is its argument; anything else (a captured variable, a member of a parameter) is evaluated.</summary>
    private SlotBinding Binding(Expression node)
    {
        if (node is ConstantExpression) return SlotBinding.Fixed;
        if (node is MemberExpression { Expression: ConstantExpression { Value: IParameterSlot slot } }) return SlotBinding.FromArgument(slot.Index);
        var arguments = Expression.Parameter(typeof(object?[]), "arguments");
        var read = new SlotReader(arguments).Visit(node);
        return SlotBinding.Evaluated(ExpressionCompilation.Compile(Expression.Lambda<Func<object?[], object?>>(Expression.Convert(read, typeof(object)), arguments)));
    }

    private object? AdHoc(ZgDatabase database, object?[] arguments)
    {
        var constants = _query.Parameters.Skip(1).Select((p, i) => (Expression)Expression.Constant(arguments[i], p.Type)).ToArray();
        var body = new Substitution(_query.Parameters[0], Expression.Constant(database, _query.Parameters[0].Type), _query.Parameters.Skip(1).ToArray(), constants).Visit(_query.Body);
        var (query, includes) = IncludeProcessor.Strip(body, database);
        return QueryPipeline.For(database).Execute(query, includes);
    }

    private static bool IncludesCaptureValues(Expression body)
    {
        var finder = new CapturedIncludeFinder();
        finder.Visit(body);
        return finder.Found;
    }

    private sealed class CapturedIncludeFinder : ExpressionVisitor
    {
        public bool Found { get; private set; }

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            if (node.Method.DeclaringType == typeof(ZgDb.Linq.IncludeExtensions) && node.Arguments.Skip(1).Any(ContainsConstant)) Found = true;
            return base.VisitMethodCall(node);
        }

        private static bool ContainsConstant(Expression node)
        {
            var finder = new ConstantFinder();
            finder.Visit(node);
            return finder.Found;
        }
    }

    private sealed class ConstantFinder : ExpressionVisitor
    {
        public bool Found { get; private set; }

        protected override Expression VisitConstant(ConstantExpression node)
        {
            Found = true;
            return node;
        }
    }

    /// <summary>The database parameter becomes the database; each other parameter its slot's value read (or a given expression).</summary>
    private sealed class Substitution : ExpressionVisitor
    {
        private readonly Dictionary<ParameterExpression, Expression> _map = [];

        public Substitution(ParameterExpression database, Expression value, ParameterExpression[] parameters, IParameterSlot[] slots)
        {
            _map[database] = value;
            for (int i = 0; i < parameters.Length; i++) _map[parameters[i]] = slots[i].Read();
        }

        public Substitution(ParameterExpression database, Expression value, ParameterExpression[] parameters, Expression[] values)
        {
            _map[database] = value;
            for (int i = 0; i < parameters.Length; i++) _map[parameters[i]] = values[i];
        }

        protected override Expression VisitParameter(ParameterExpression node) => _map.TryGetValue(node, out var value) ? value : node;
    }

    /// <summary>Each slot read becomes <c>(T)arguments[index]</c>.</summary>
    private sealed class SlotReader(ParameterExpression arguments) : ExpressionVisitor
    {
        protected override Expression VisitMember(MemberExpression node) =>
            node.Expression is ConstantExpression { Value: IParameterSlot slot }
                ? Expression.Convert(Expression.ArrayIndex(arguments, Expression.Constant(slot.Index)), node.Type)
                : base.VisitMember(node);
    }
}

/// <summary>A compiled query's plan on one database, and how each call fills its parameters. <see cref="Plan"/> is null when the query runs ad hoc on each call.</summary>
internal sealed class PreparedQuery(CompiledQuery? plan, object?[] template, SlotBinding[] bindings, IncludeProcessor? includes)
{
    public CompiledQuery? Plan { get; } = plan;
    public IncludeProcessor? Includes { get; } = includes;

    /// <summary>
    /// The plan's parameter values for one call (a new array: calls may run at once), or null when a value read through
    /// a member of a null argument (the call then runs ad hoc, where the read happens per row as in LINQ-to-Objects).
    /// </summary>
    public object?[]? Bind(object?[] arguments)
    {
        var values = new object?[template.Length];
        for (int i = 0; i < values.Length; i++)
        {
            var binding = bindings[i];
            if (binding.Argument >= 0) values[i] = arguments[binding.Argument];
            else if (binding.Evaluate is { } evaluate)
            {
                try
                {
                    values[i] = evaluate(arguments);
                }
                catch (NullReferenceException)
                {
                    return null;
                }
            }
            else values[i] = template[i];
        }
        return values;
    }
}

/// <summary>Where one plan parameter's value comes from on a call.</summary>
internal readonly record struct SlotBinding(int Argument, Func<object?[], object?>? Evaluate)
{
    public static SlotBinding Fixed => new(-1, null);

    public static SlotBinding FromArgument(int index) => new(index, null);

    public static SlotBinding Evaluated(Func<object?[], object?> evaluate) => new(-1, evaluate);
}

/// <summary>A compiled query's parameter in its expression: a read of <c>slot.Value</c>, which the parameterizer sees as a captured value.</summary>
internal interface IParameterSlot
{
    int Index { get; }

    Expression Read();
}

/// <summary>The placeholder for one parameter of a compiled query; its <see cref="Value"/> is never set (calls bind their arguments by index).</summary>
internal sealed class ParameterSlot<T>(int index) : IParameterSlot
{
    public readonly T? Value = default;

    public int Index { get; } = index;

    public Expression Read() => Expression.Field(Expression.Constant(this), nameof(Value));
}

/// <summary>A compiled query's sequence result: runs the query each time it is enumerated, checking that the database is still open at each step.</summary>
internal sealed class CompiledSequence<T>(CompiledQueryDefinition query, ZgDatabase database, object?[] arguments) : IEnumerable<T>
{
    public IEnumerator<T> GetEnumerator()
    {
        var rows = (IEnumerable<T>)query.Execute(database, arguments)!;
        return Rows(rows);
    }

    private IEnumerator<T> Rows(IEnumerable<T> rows)
    {
        using var enumerator = rows.GetEnumerator();
        while (true)
        {
            database.ThrowIfDisposed();
            if (!enumerator.MoveNext()) yield break;
            yield return enumerator.Current;
        }
    }

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
}
