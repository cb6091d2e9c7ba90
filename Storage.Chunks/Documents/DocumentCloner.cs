using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;

namespace ZgDb.Storage.Documents;

/// <summary>
/// Deep copies of documents, compiled once per type from the model: every stored property is copied, nested
/// classes and lists are copied recursively, immutable values (numbers, strings, dates, Guids, enums) are shared.
/// Stored documents never leave the engine: callers get copies, so mutating a result changes nothing stored.
/// </summary>
internal sealed class DocumentCloner
{
    private readonly Dictionary<Type, IReadOnlyList<EntityProperty>> _shapes = new();
    private readonly ConcurrentDictionary<Type, Delegate> _compiled = new();

    /// <summary>The roots of hierarchies (table-per-hierarchy): a copy of one is a copy of the document's own type.</summary>
    private readonly HashSet<Type> _roots = [];

    public DocumentCloner(DatabaseModel model)
    {
        foreach (var entity in model.Entities)
        {
            Collect(entity.ClrType, entity.Properties);
            if (!entity.HasHierarchy) continue;
            _roots.Add(entity.ClrType);
            foreach (var derived in entity.DerivedTypes) Collect(derived.ClrType, derived.Properties);
        }
    }

    private void Collect(Type type, IReadOnlyList<EntityProperty> properties)
    {
        if (!_shapes.TryAdd(type, properties)) return;
        foreach (var p in properties)
            if (p.Shape != PropertyShape.Scalar && p.NestedProperties.Count > 0) Collect(p.ValueType, p.NestedProperties);
    }

    /// <summary>Returns the compiled copier for <typeparamref name="T"/>.</summary>
    public Func<T, T> For<T>() => (Func<T, T>)_compiled.GetOrAdd(typeof(T), _ => _roots.Contains(typeof(T)) ? Polymorphic<T>() : Compile<T>());

    /// <summary>
    /// The copier of a hierarchy's root: a document of a derived type is copied as that type (with its properties).
    /// The root's own copier is compiled on first use (an abstract root has none).
    /// </summary>
    private Func<T, T> Polymorphic<T>()
    {
        Func<T, T>? own = null;
        var byType = new ConcurrentDictionary<Type, Func<object, object>>();
        return source =>
        {
            if (source is null) return source;
            var type = source.GetType();
            if (type == typeof(T)) return (own ??= Compile<T>())(source);
            return (T)byType.GetOrAdd(type, Boxed)(source);
        };
    }

    private Func<object, object> Boxed(Type derived)
    {
        if (!_shapes.ContainsKey(derived))
            throw new InvalidOperationException($"{derived.Name} is not a type of the model's hierarchies (the validator refuses such documents).");
        return (Func<object, object>)typeof(DocumentCloner).GetMethod(nameof(BoxedCopier), BindingFlags.NonPublic | BindingFlags.Instance)!
            .MakeGenericMethod(derived).Invoke(this, null)!;
    }

    private Func<object, object> BoxedCopier<TDerived>()
    {
        var copy = For<TDerived>();
        return source => copy((TDerived)source)!;
    }

    private Func<T, T> Compile<T>()
    {
        var source = Expression.Parameter(typeof(T), "source");
        var target = Expression.Variable(typeof(T), "target");
        var properties = _shapes[typeof(T)];
        var (create, passed) = Construct(source, properties, this);
        var body = new List<Expression> { Expression.Assign(target, create) };
        foreach (var property in properties.Where(p => !passed.Contains(p.Name)))
        {
            var value = Expression.Property(source, property.Info);
            body.Add(Expression.Assign(Expression.Property(target, property.Info), CopyValue(value, property.ClrType)));
        }
        body.Add(target);
        var copy = Expression.Block([target], body);
        var lambda = Expression.Lambda<Func<T, T>>(
            Expression.Condition(Expression.Equal(source, Expression.Constant(null, typeof(T))), Expression.Constant(null, typeof(T)), copy),
            source);
        return ExpressionCompilation.Compile(lambda);
    }

    /// <summary>
    /// <c>new T()</c>, or for a type built through its constructor (a positional record) <c>new T(copy of source.A, ...)</c>
    /// with each parameter's bound property; the properties not passed (returned) are then assigned, init ones too.
    /// </summary>
    private static (Expression Create, HashSet<string> Passed) Construct(ParameterExpression source, IReadOnlyList<EntityProperty> properties, DocumentCloner cloner)
    {
        var constructor = ModelFactory.BindingConstructor(source.Type)
            ?? throw new InvalidOperationException($"{source.Type.Name} has no constructor ZgDb can use (the model refuses such types).");
        var passed = new HashSet<string>(StringComparer.Ordinal);
        var arguments = new List<Expression>();
        foreach (var parameter in constructor.GetParameters())
        {
            var bound = properties.FirstOrDefault(p => string.Equals(p.Name, parameter.Name, StringComparison.OrdinalIgnoreCase));
            if (bound is not null) passed.Add(bound.Name);
            arguments.Add(bound is null ? Expression.Default(parameter.ParameterType) : cloner.CopyValue(Expression.Property(source, bound.Info), bound.ClrType));
        }
        return (Expression.New(constructor, arguments), passed);
    }

    private Expression CopyValue(Expression value, Type type)
    {
        if (type == typeof(byte[]))
            return NullSafe(value, Expression.Convert(Expression.Call(value, typeof(Array).GetMethod(nameof(Array.Clone))!), type));
        if (ModelFactory.IsScalar(Nullable.GetUnderlyingType(type) ?? type))
            return value;
        if (ModelFactory.ElementType(type) is { } element)
        {
            var copyList = typeof(DocumentCloner).GetMethod(type.IsArray ? nameof(CopyArray) : nameof(CopyList), BindingFlags.NonPublic | BindingFlags.Instance)!
                .MakeGenericMethod(element);
            return Expression.Convert(Expression.Call(Expression.Constant(this), copyList, value), type);
        }
        var copyNested = typeof(DocumentCloner).GetMethod(nameof(CopyNested), BindingFlags.NonPublic | BindingFlags.Instance)!.MakeGenericMethod(type);
        return Expression.Call(Expression.Constant(this), copyNested, value);
    }

    private static Expression NullSafe(Expression value, Expression copy) =>
        Expression.Condition(Expression.Equal(value, Expression.Constant(null, value.Type)), Expression.Constant(null, value.Type), copy);

    /// <summary>How deep nested objects may go: the JSON form's limit, so a cycle stops here, not in a stack overflow.</summary>
    public const int MaxDepth = 64;

    [ThreadStatic] private static int _threadDepth;

    private TNested? CopyNested<TNested>(TNested? value) where TNested : class => value is null ? null : CopyDeeper(value);

    private T CopyDeeper<T>(T value)
    {
        if (++_threadDepth > MaxDepth)
        {
            _threadDepth--;
            throw new DocumentTooDeepException();
        }
        try
        {
            return For<T>()(value);
        }
        finally
        {
            _threadDepth--;
        }
    }

    private List<TElement>? CopyList<TElement>(IEnumerable<TElement>? values)
    {
        if (values is null) return null;
        if (Immutable<TElement>.Value) return new List<TElement>(values);
        var copy = new List<TElement>(values is ICollection<TElement> c ? c.Count : 4);
        foreach (var v in values) copy.Add(CopyElement(v));
        return copy;
    }

    private TElement[]? CopyArray<TElement>(TElement[]? values)
    {
        if (values is null) return null;
        if (Immutable<TElement>.Value) return (TElement[])values.Clone();
        var copy = new TElement[values.Length];
        for (int i = 0; i < values.Length; i++) copy[i] = CopyElement(values[i]);
        return copy;
    }

    private TElement CopyElement<TElement>(TElement value)
    {
        if (value is null) return value;
        if (value is byte[] bytes) return (TElement)(object)bytes.Clone();
        return CopyDeeper(value);
    }

    private static bool IsImmutable(Type type) => type != typeof(byte[]) && ModelFactory.IsScalar(Nullable.GetUnderlyingType(type) ?? type);

    /// <summary>Whether <typeparamref name="TElement"/> needs no copy, computed once per type.</summary>
    private static class Immutable<TElement>
    {
        public static readonly bool Value = IsImmutable(typeof(TElement));
    }
}

/// <summary>A document nests objects deeper than <see cref="DocumentCloner.MaxDepth"/> levels, or holds a cycle.</summary>
internal sealed class DocumentTooDeepException() : Exception($"the document nests objects more than {DocumentCloner.MaxDepth} levels deep, or its objects form a cycle.");
