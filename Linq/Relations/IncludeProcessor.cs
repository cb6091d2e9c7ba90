using System.Collections;
using System.Linq.Expressions;
using System.Reflection;
using ZgDb.Query.Execution;

namespace ZgDb.Relations;

/// <summary>
/// Takes Include/ThenInclude calls out of a query expression (the query runs without them) and applies them to
/// the entities the query returns: each include path is compiled once, with its navigation expanded by
/// <see cref="NavigationExpander"/>, and its value assigned to the navigation property. The loaders read the
/// <see cref="QueryContext"/> of the query whose results they complete, so an included navigation comes from the
/// same database state as the entity it is set on (inside a transaction, the view the query started from).
/// </summary>
internal sealed class IncludeProcessor
{
    /// <summary>
    /// The include paths as a tree: paths that share a prefix (<c>Include(od =&gt; od.Order.Customer)</c> and
    /// <c>Include(od =&gt; od.Order.OrderDetails)</c>) share its nodes, so <c>od.Order</c> is loaded once and gets both.
    /// </summary>
    private readonly List<Node> _roots = [];

    private sealed record Node(PropertyInfo Navigation, string Path, Func<QueryContext, object, object?> Load)
    {
        public List<Node> Children { get; } = [];
    }

    private IncludeProcessor(Type root) => Root = root;

    public Type Root { get; }
    public bool IsEmpty => _roots.Count == 0;

    /// <summary>Removes the Include calls from <paramref name="expression"/>; returns the remaining query and what to load.</summary>
    public static (Expression Query, IncludeProcessor? Includes) Strip(Expression expression, ZgDatabase database)
    {
        var calls = new List<MethodCallExpression>();
        // Includes sit anywhere in the chain; collect them and rebuild the chain without them.
        var stripped = new Stripper(calls).Visit(expression);
        if (calls.Count == 0) return (expression, null);
        var root = calls[0].Method.GetGenericArguments()[0];
        var processor = new IncludeProcessor(root);
        var context = Expression.Parameter(typeof(QueryContext), "context");
        var expander = new NavigationExpander(database.Model, context);
        Node? last = null;
        foreach (var call in calls) // in source order: Include, ThenInclude, ThenInclude, Include...
        {
            var path = (LambdaExpression)((UnaryExpression)call.Arguments[1]).Operand;
            // A path through references (od => od.Order.Customer.Orders) is Include(od => od.Order)
            // .ThenInclude(o => o.Customer).ThenInclude(c => c.Orders), as in EF Core.
            var levels = Levels(path, expander)
                ?? throw new NotSupportedException($"Include path '{path}' must be a navigation property of {path.Parameters[0].Type.Name}, or a chain of reference navigations (optionally filtered with Where/OrderBy/Skip/Take at its end).");
            if (call.Method.Name == nameof(Linq.IncludeExtensions.Include)) last = null;
            foreach (var (navigation, level) in levels)
            {
                var siblings = last?.Children ?? processor._roots;
                var text = level.Parameters[0].Type.FullName + "|" + level;
                last = siblings.FirstOrDefault(n => n.Navigation == navigation && n.Path == text);
                if (last is null) siblings.Add(last = new Node(navigation, text, Loader(level, navigation, expander, context, database)));
            }
        }
        return (new ClientArguments(root, expander).Visit(stripped), processor);
    }

    /// <summary>
    /// Marks an included entity handed to a method of the application inside the query
    /// (<c>select ClientMethod(e)</c>): the method reads the entity's navigations as properties, so they must be
    /// loaded on it there, not only on the query's results. <see cref="NavigationExpander"/> turns the mark into
    /// <see cref="IncludedInQuery{T}"/>; it is never run itself.
    /// </summary>
    public static T Included<T>(T entity) => throw new InvalidOperationException("Include mark outside a ZgDb query.");

    /// <summary>
    /// The entity with the query's include paths loaded, from the query's own state: a copy (this execution's one
    /// when it resolves identity) when the plan passed the stored document, which must never be written to.
    /// </summary>
    public static T? IncludedInQuery<T>(QueryContext context, T? entity) where T : class
    {
        if (context.Includes is not { } includes || entity is null || !includes.Root.IsInstanceOfType(entity)) return entity;
        var snapshot = context.Snapshot<T>();
        var target = ReferenceEquals(snapshot.Get(snapshot.KeyOf(entity)), entity) ? context.Materialize(entity) : entity;
        includes.Apply(target, context);
        return target;
    }

    /// <summary>Wraps the root entities passed to application methods in <see cref="Included{T}"/>.</summary>
    private sealed class ClientArguments(Type root, NavigationExpander expander) : ExpressionVisitor
    {
        private static readonly MethodInfo Mark = typeof(IncludeProcessor).GetMethod(nameof(Included))!;

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            var visited = (MethodCallExpression)base.VisitMethodCall(node);
            if (IsLibrary(visited.Method.DeclaringType)) return visited;
            var arguments = visited.Arguments.Select(a => IsRootEntity(a) ? Expression.Call(Mark.MakeGenericMethod(a.Type), a) : a).ToArray();
            return visited.Update(visited.Object, arguments);
        }

        private bool IsRootEntity(Expression argument) =>
            root.IsAssignableFrom(argument.Type) && argument.Type.IsClass
            && argument is ParameterExpression or MemberExpression { Member: PropertyInfo or FieldInfo, Expression: not null } && !(argument is MemberExpression { Member: PropertyInfo p } && expander.IsNavigation(p));

        private static bool IsLibrary(Type? type) =>
            type is null || type.Assembly == typeof(IncludeProcessor).Assembly || type.Namespace is { } ns && (ns == "System" || ns.StartsWith("System.", StringComparison.Ordinal));

        protected override Expression VisitExtension(Expression node) => node;
    }

    /// <summary>
    /// The loader of one level of an include chain, compiled with its navigation expanded. A path that captures
    /// nothing (the usual p =&gt; p.Author, or a filter with literal values) is compiled once per database (it takes
    /// the query's context as an argument, so it holds no state); one that captures variables is compiled for this
    /// query, with their current values.
    /// </summary>
    private static Func<QueryContext, object, object?> Loader(LambdaExpression path, PropertyInfo navigation, NavigationExpander expander, ParameterExpression context, ZgDatabase database)
    {
        Func<QueryContext, object, object?> Compile()
        {
            var body = expander.Visit(path.Body);
            var parameter = Expression.Parameter(typeof(object), "entity");
            return ExpressionCompilation.Compile(Expression.Lambda<Func<QueryContext, object, object?>>(
                Expression.Convert(Materialize(Expression.Invoke(Expression.Lambda(body, path.Parameters), Expression.Convert(parameter, path.Parameters[0].Type)), navigation.PropertyType), typeof(object)),
                context, parameter));
        }
        return ClosureFinder.CapturesNothing(path)
            ? database.IncludeLoaders.GetOrAdd($"{path.Parameters[0].Type.FullName}|{path}", _ => Compile())
            : Compile();
    }

    /// <summary>
    /// The levels of an include path, each a navigation and the path that loads it from the previous level's entity:
    /// <c>od =&gt; od.Order.Customer.Orders.Where(f)</c> gives <c>od =&gt; od.Order</c>, <c>o =&gt; o.Customer</c>,
    /// <c>c =&gt; c.Orders.Where(f)</c>. Null when the path is not such a chain (an anonymous projection, a method).
    /// </summary>
    private static List<(PropertyInfo Navigation, LambdaExpression Path)>? Levels(LambdaExpression path, NavigationExpander expander)
    {
        var last = LastNavigation(path.Body, expander);
        if (last is null) return null;
        var references = new List<MemberExpression>();
        for (var owner = last.Expression; owner != path.Parameters[0]; owner = ((MemberExpression)owner).Expression)
        {
            if (owner is not MemberExpression { Member: PropertyInfo property } member || !expander.IsNavigation(property) || ModelFactory.ElementType(property.PropertyType) is not null)
                return null;
            references.Insert(0, member);
        }
        var levels = new List<(PropertyInfo, LambdaExpression)>();
        foreach (var reference in references)
        {
            var entity = Expression.Parameter(reference.Expression!.Type, "e");
            levels.Add(((PropertyInfo)reference.Member, Expression.Lambda(Expression.Property(entity, (PropertyInfo)reference.Member), entity)));
        }
        if (references.Count == 0)
        {
            levels.Add(((PropertyInfo)last.Member, path));
            return levels;
        }
        var previous = Expression.Parameter(last.Expression!.Type, "e");
        var body = new Replacer(last.Expression, previous).Visit(path.Body)!;
        if (new ParameterFinder(path.Parameters[0]).Occurs(body)) return null; // the filter reads the root entity
        levels.Add(((PropertyInfo)last.Member, Expression.Lambda(body, previous)));
        return levels;
    }

    /// <summary>The navigation the path's value comes from: the member under its Where/OrderBy/Skip/Take calls and casts.</summary>
    private static MemberExpression? LastNavigation(Expression body, NavigationExpander expander)
    {
        var current = body;
        while (true)
        {
            switch (current)
            {
                case MethodCallExpression { Method.DeclaringType: var t } call when t == typeof(Enumerable) && call.Arguments.Count > 0:
                    current = call.Arguments[0];
                    continue;
                case UnaryExpression { NodeType: ExpressionType.Convert } convert:
                    current = convert.Operand;
                    continue;
                case MemberExpression { Member: PropertyInfo property, Expression: not null } member when expander.IsNavigation(property):
                    return member;
                default:
                    return null;
            }
        }
    }

    private sealed class Replacer(Expression from, Expression to) : ExpressionVisitor
    {
        public override Expression? Visit(Expression? node) => node == from ? to : base.Visit(node);
    }

    private sealed class ParameterFinder(ParameterExpression parameter) : ExpressionVisitor
    {
        private bool _found;

        public bool Occurs(Expression expression)
        {
            Visit(expression);
            return _found;
        }

        protected override Expression VisitParameter(ParameterExpression node)
        {
            _found |= node == parameter;
            return node;
        }
    }

    /// <summary>A filtered include yields an IEnumerable; make it a list (or array) the navigation property accepts.</summary>
    private static Expression Materialize(Expression value, Type navigationType)
    {
        if (navigationType.IsAssignableFrom(value.Type) && !(value.Type.IsGenericType && value.Type.GetGenericTypeDefinition() == typeof(IEnumerable<>) && navigationType != value.Type))
            return value;
        var element = ZgDb.ModelFactory.ElementType(navigationType) ?? navigationType;
        var method = navigationType.IsArray ? nameof(Enumerable.ToArray) : nameof(Enumerable.ToList);
        return Expression.Call(typeof(Enumerable).GetMethod(method)!.MakeGenericMethod(element), value);
    }

    /// <summary>Loads every include chain on one result entity, reading <paramref name="context"/>'s state.</summary>
    internal void Apply(object? entity, QueryContext context)
    {
        if (entity is null || !Root.IsInstanceOfType(entity)) return;
        foreach (var node in _roots) Load(entity, node, context);
    }

    private static void Load(object entity, Node node, QueryContext context)
    {
        var value = node.Load(context, entity);
        node.Navigation.SetValue(entity, value);
        LoadedSkipLists.Remember(context.Database, entity, node.Navigation, value);
        if (node.Children.Count == 0 || value is null) return;
        foreach (var item in value is IEnumerable many and not string ? many.Cast<object>() : [value])
            foreach (var child in node.Children) Load(item, child, context);
    }

    /// <summary>
    /// Applies the includes to a query's result, reading the state of <paramref name="context"/> (the query's own):
    /// each entity of a sequence as it is enumerated, or a single entity.
    /// </summary>
    public object? ApplyTo(object? result, QueryContext context)
    {
        if (result is IEnumerable sequence and not string && !Root.IsInstanceOfType(result))
        {
            var element = result.GetType().GetInterfaces().Concat([result.GetType()])
                .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
            if (element is null) return result;
            var apply = typeof(IncludeProcessor).GetMethod(nameof(ApplyEach), BindingFlags.NonPublic | BindingFlags.Instance)!.MakeGenericMethod(element);
            return apply.Invoke(this, [sequence, context]);
        }
        Apply(result, context);
        return result;
    }

    private IEnumerable<T> ApplyEach<T>(IEnumerable<T> items, QueryContext context)
    {
        foreach (var item in items)
        {
            Apply(item, context);
            yield return item;
        }
    }

    /// <summary>Finds values an expression takes from outside (closures, captured objects): those must not be cached.</summary>
    private sealed class ClosureFinder : ExpressionVisitor
    {
        private bool _captures;

        public static bool CapturesNothing(LambdaExpression path)
        {
            var finder = new ClosureFinder();
            finder.Visit(path.Body);
            return !finder._captures;
        }

        protected override Expression VisitConstant(ConstantExpression node)
        {
            if (node.Value is not null && !node.Type.IsPrimitive && !node.Type.IsEnum && node.Type != typeof(string) && node.Type != typeof(decimal))
                _captures = true;
            return node;
        }
    }

    private sealed class Stripper(List<MethodCallExpression> calls) : ExpressionVisitor
    {
        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            if (node.Method.DeclaringType == typeof(Linq.IncludeExtensions))
            {
                var source = Visit(node.Arguments[0]);
                calls.Add(node);
                return source;
            }
            return base.VisitMethodCall(node);
        }
    }
}
