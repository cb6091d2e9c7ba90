using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using M = ZgDb.Query.EnumerableMethods;

namespace ZgDb.Query.Planning;

/// <summary>
/// Entity identity in a query. LINQ-to-Objects over an object graph compares entities by reference; ZgDb's
/// documents leave the store as copies. Two rules make the results agree:
/// <list type="bullet">
/// <item>one execution materializes each stored document at most once (<see cref="Execution.QueryContext.Materialize{T}(T)"/>,
/// when <see cref="Execution.QueryContext.ResolvesIdentity"/>), so <c>Distinct</c>, <c>Union</c>, <c>GroupBy(o =&gt; o.Customer)</c>, an anonymous
/// key holding an entity... see one object per document;</item>
/// <item>entities are compared by primary key (<see cref="Rewrite"/>), as EF Core does: <c>o.Customer == captured</c>,
/// <c>Contains(entity)</c>, and the set operators, groupings and joins whose compared values are entities get
/// <see cref="EntityKeyComparer{T}"/>, so an entity from outside the query (a captured one, a list of them) matches
/// the document with its key.</item>
/// </list>
/// </summary>
internal sealed class EntityIdentity(DatabaseModel model) : ExpressionVisitor
{
    private static readonly MethodInfo ContainsWithComparer =
        new Func<IEnumerable<object>, object, IEqualityComparer<object>?, bool>(Enumerable.Contains).Method.GetGenericMethodDefinition();

    private static readonly MethodInfo SameMethod = typeof(EntityKeyComparer).GetMethod(nameof(EntityKeyComparer.Same))!;

    /// <summary>Whether an operator compares values that are, or hold, entities (then every entity must be materialized once).</summary>
    public bool ComparesEntities { get; private set; }

    /// <summary><paramref name="query"/> with entity comparisons by key.</summary>
    public Expression Rewrite(Expression query) => Visit(query);

    protected override Expression VisitExtension(Expression node) => node;

    protected override Expression VisitBinary(BinaryExpression node)
    {
        var visited = (BinaryExpression)base.VisitBinary(node);
        if (visited.NodeType is not (ExpressionType.Equal or ExpressionType.NotEqual) || visited.Method is not null) return visited;
        if (IsNullConstant(visited.Left) || IsNullConstant(visited.Right)) return visited;
        RefuseStringReferenceEquality(visited, visited.Left, visited.Right);
        // c.Orders == c.Orders: a collection navigation is one list per entity and execution (RelatedDocuments keeps it)
        if (M.TryElementType(visited.Left.Type) is { } item && Entity(item) is not null) ComparesEntities = true;
        var entity = Entity(visited.Left.Type) ?? Entity(visited.Right.Type);
        if (entity is null || visited.Left.Type != visited.Right.Type) return visited;
        if (IsConstructed(node, entity, visited.Left) || IsConstructed(node, entity, visited.Right))
            return Expression.MakeBinary(visited.NodeType, visited.Left, visited.Right); // by reference: a new object equals nothing read
        Expression same = Expression.Call(SameMethod.MakeGenericMethod(entity.ClrType), Expression.Constant(EntityKeyComparer.For(entity)), visited.Left, visited.Right);
        return visited.NodeType == ExpressionType.Equal ? same : Expression.Not(same);
    }

    protected override Expression VisitMethodCall(MethodCallExpression node)
    {
        var visited = (MethodCallExpression)base.VisitMethodCall(node);
        // Equals(c1.Orders, c2.Orders), ReferenceEquals(a, b), a.Equals(b): one object per document and execution
        if (visited.Method.Name is nameof(object.Equals) or nameof(ReferenceEquals)
            && (visited.Method.IsStatic ? visited.Arguments : visited.Arguments.Prepend(visited.Object!)).Any(a => a is not null && HoldsEntityOrEntities(Unconverted(a).Type)))
            ComparesEntities = true;
        if (visited.Method == ReferenceEqualsMethod) RefuseStringReferenceEquality(visited, visited.Arguments[0], visited.Arguments[1]);
        // list.Contains(entity) on a list of entities (captured ones, say): by key, as Enumerable.Contains with the comparer
        if (!visited.Method.IsStatic && visited.Method.Name == nameof(List<object>.Contains) && visited.Arguments.Count == 1
            && Entity(visited.Arguments[0].Type) is { } element
            && typeof(IEnumerable<>).MakeGenericType(element.ClrType).IsAssignableFrom(visited.Object!.Type))
        {
            ComparesEntities = true;
            return Expression.Call(ContainsWithComparer.MakeGenericMethod(element.ClrType), visited.Object, visited.Arguments[0],
                Expression.Constant(EntityKeyComparer.For(element), typeof(IEqualityComparer<>).MakeGenericType(element.ClrType)));
        }
        if (visited.Method.DeclaringType != typeof(Enumerable) || !visited.Method.IsGenericMethod) return visited;
        var definition = visited.Method.GetGenericMethodDefinition();
        var arguments = visited.Method.GetGenericArguments();
        Type? compared = definition == M.Distinct || definition == M.Union || definition == M.Intersect || definition == M.Except || definition == M.Contains
            ? arguments[0]
            : definition == M.GroupBy || definition == M.Join || definition == M.GroupJoin ? definition == M.GroupBy ? arguments[1] : arguments[2]
            : null;
        if (compared is null) return visited;
        if (HoldsEntity(compared, 0)) ComparesEntities = true;
        if (Entity(compared) is not { } entity) return visited;
        // the overload with an IEqualityComparer<T> last
        var withComparer = typeof(Enumerable).GetMethods().Single(m => m.Name == definition.Name && m.IsGenericMethodDefinition
            && m.GetGenericArguments().Length == definition.GetGenericArguments().Length
            && m.GetParameters().Length == definition.GetParameters().Length + 1
            && m.GetParameters()[^1].ParameterType.IsGenericType && m.GetParameters()[^1].ParameterType.GetGenericTypeDefinition() == typeof(IEqualityComparer<>)
            && m.GetParameters().Take(definition.GetParameters().Length).Select(p => p.ParameterType.Name)
                .SequenceEqual(definition.GetParameters().Select(p => p.ParameterType.Name)));
        var comparer = Expression.Constant(EntityKeyComparer.For(entity), typeof(IEqualityComparer<>).MakeGenericType(entity.ClrType));
        return Expression.Call(withComparer.MakeGenericMethod(arguments), [.. visited.Arguments, comparer]);
    }

    /// <summary>
    /// Whether <paramref name="side"/> of an entity comparison is an entity constructed inside the query. LINQ-to-Objects
    /// compares it by reference: never equal to anything (both sides still evaluated). Without a key given
    /// (<c>== new Employee()</c>) ZgDb does the same, which is also what the key rule gives (no stored document has a
    /// default key). With a key given (<c>c.Orders.FirstOrDefault() == new Order { OrderID = 10276 }</c>, or
    /// constructor arguments) the key rule would find a match and LINQ-to-Objects none: refused, naming the
    /// expression. An entity captured from outside the query, or read by it, still compares by key.
    /// </summary>
    private static bool IsConstructed(Expression comparison, EntityType entity, Expression side)
    {
        switch (Unconverted(side))
        {
            case NewExpression { Arguments.Count: 0 }:
            case MemberInitExpression init when init.NewExpression.Arguments.Count == 0
                                                && !init.Bindings.Any(b => entity.KeyParts.Any(k => k.Info == b.Member || k.Name == b.Member.Name)):
                return true;
            case NewExpression or MemberInitExpression:
                var keys = string.Join(" && ", entity.KeyParts.Select(p => $"e.{p.Name} == ..."));
                throw new NotSupportedException($"ZgDb cannot evaluate '{comparison}': it compares a {entity.Name} with one constructed inside the query, " +
                                                $"which LINQ-to-Objects compares by reference (never equal) while ZgDb compares entities by key. Compare the keys instead ({keys}).");
            default:
                return false;
        }
    }

    private static readonly MethodInfo ReferenceEqualsMethod = typeof(object).GetMethod(nameof(ReferenceEquals))!;

    /// <summary>
    /// <c>(object)c.City == (object)"London"</c> compares strings by reference: in C# its result depends on where each
    /// string was made (a literal is interned, a string read from disk or built at run time is not), so no store can
    /// give LINQ-to-Objects' answer. Refused whenever one side is a string seen as another reference type.
    /// </summary>
    private static void RefuseStringReferenceEquality(Expression comparison, Expression left, Expression right)
    {
        if (IsNullConstant(left) || IsNullConstant(right)) return;
        if (left.Type == typeof(string) && right.Type == typeof(string) && comparison is BinaryExpression) return; // string's own ==, by value
        if (Unconverted(left).Type != typeof(string) && Unconverted(right).Type != typeof(string)) return;
        throw new NotSupportedException($"ZgDb cannot evaluate '{comparison}': it compares strings by reference (a cast to object), whose result in C# " +
                                        "depends on where each string was made, not on its text. Compare the strings themselves (== or string.Equals).");
    }

    private static Expression Unconverted(Expression e)
    {
        while (e is UnaryExpression { NodeType: ExpressionType.Convert or ExpressionType.TypeAs } u) e = u.Operand;
        return e;
    }

    private bool HoldsEntityOrEntities(Type type) => Entity(type) is not null || M.TryElementType(type) is { } item && Entity(item) is not null;

    /// <summary>Whether a query over <paramref name="type"/> results compares entities by reference, or hands the same one out twice.</summary>
    private bool HoldsEntity(Type type, int depth)
    {
        if (depth > 6) return false;
        if (Entity(type) is not null) return true;
        if (!type.IsGenericType) return false;
        if (type.IsDefined(typeof(CompilerGeneratedAttribute), false) || type.FullName?.StartsWith("System.", StringComparison.Ordinal) == true)
            return type.GetGenericArguments().Any(a => HoldsEntity(a, depth + 1));
        return false;
    }

    private EntityType? Entity(Type type) => type.IsClass ? model.FindEntity(type) : null;

    private static bool IsNullConstant(Expression e) =>
        e is ConstantExpression { Value: null } || e is UnaryExpression { NodeType: ExpressionType.Convert, Operand: ConstantExpression { Value: null } };
}

/// <summary>Compares entities by primary key (the same document), null with null.</summary>
internal abstract class EntityKeyComparer
{
    private static readonly ConditionalWeakTable<EntityType, EntityKeyComparer> Comparers = new();

    public static EntityKeyComparer For(EntityType entity) => Comparers.GetValue(entity, e =>
        (EntityKeyComparer)Activator.CreateInstance(typeof(EntityKeyComparer<>).MakeGenericType(e.ClrType), e)!);

    /// <summary><c>a == b</c> for entities: the same document.</summary>
    public static bool Same<T>(EntityKeyComparer comparer, T? a, T? b) where T : class => ((EntityKeyComparer<T>)comparer).Equals(a, b);
}

/// <inheritdoc cref="EntityKeyComparer"/>
internal sealed class EntityKeyComparer<T>(EntityType entityType) : EntityKeyComparer, IEqualityComparer<T> where T : class
{
    private readonly Func<T, object?> _key = entityType.HasCompositeKey
        ? Storage.Documents.CompositeKeyReader.Compile<T, object?>(entityType)
        : CompileKey(entityType.Key.Info);

    private static Func<T, object?> CompileKey(PropertyInfo key)
    {
        var entity = Expression.Parameter(typeof(T), "e");
        return ExpressionCompilation.Compile(Expression.Lambda<Func<T, object?>>(Expression.Convert(Expression.Property(entity, key), typeof(object)), entity));
    }

    public bool Equals(T? x, T? y) => ReferenceEquals(x, y) || x is not null && y is not null && object.Equals(_key(x), _key(y));

    public int GetHashCode(T obj) => _key(obj)?.GetHashCode() ?? 0;
}
