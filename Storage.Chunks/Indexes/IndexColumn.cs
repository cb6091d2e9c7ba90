using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;

namespace ZgDb.Storage.Indexes;

/// <summary>The scalar kinds an index column can hold (also the type tags of index files: never renumber).</summary>
internal enum IndexValueKind : byte
{
    Boolean = 1,
    Byte = 2,
    SByte = 3,
    Int16 = 4,
    UInt16 = 5,
    Int32 = 6,
    UInt32 = 7,
    Int64 = 8,
    UInt64 = 9,
    Single = 10,
    Double = 11,
    Decimal = 12,
    Char = 13,
    String = 14,
    Guid = 15,
    DateTime = 16,
    DateTimeOffset = 17,
    TimeSpan = 18,
    DateOnly = 19,
    TimeOnly = 20,
    /// <summary>A byte array (primary keys only; a length-prefixed run of bytes).</summary>
    Bytes = 21,
    /// <summary>A composite primary key (primary keys only; its parts follow in key order, see <see cref="IndexFile.Encode{TKey}"/>).</summary>
    Composite = 22,
}

/// <summary>
/// One property path of an index: how to read its value from a document (null when a step on the way is null),
/// how values order (null first, strings ordinal, everything else by the type's own <see cref="IComparable{T}"/>)
/// and how a caller's value is brought to the column's type. Immutable; shared by every state of the index.
/// </summary>
internal sealed class IndexColumn
{
    private readonly Comparison<object> _compare;

    public IndexColumn(PropertyPath path, string entity)
    {
        Path = path;
        ValueType = Nullable.GetUnderlyingType(path.ValueType) ?? path.ValueType;
        Kind = (ValueType == typeof(byte[]) ? null : KindOf(ValueType)) ?? throw new ZgDbModelException(entity, path.Name, $"an index cannot hold values of type {ValueType.Name}.");
        _compare = ValueType == typeof(string)
            ? (a, b) => string.CompareOrdinal((string)a, (string)b)
            : (Comparison<object>)typeof(IndexColumn).GetMethod(nameof(TypedComparison), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(ValueType).Invoke(null, null)!;
    }

    public PropertyPath Path { get; }

    /// <summary>The column's CLR type, without <see cref="Nullable{T}"/>; an enum stays an enum.</summary>
    public Type ValueType { get; }

    public IndexValueKind Kind { get; }

    /// <summary>A readable, stable description of the column's type, part of the index's signature.</summary>
    public string TypeName => StoredModel.TypeName(ValueType);

    /// <summary>Orders two column values: null first, then by value.</summary>
    public int Compare(object? a, object? b)
    {
        if (a is null) return b is null ? 0 : -1;
        if (b is null) return 1;
        return _compare(a, b);
    }

    /// <summary>
    /// Orders two values as an index file stores them (an enum as its integer): null first, strings ordinal, the
    /// rest by their own order, the same order <see cref="Compare"/> gives the column's typed values.
    /// </summary>
    public static int CompareStored(object? a, object? b)
    {
        if (a is null) return b is null ? 0 : -1;
        if (b is null) return 1;
        if (a is string x && b is string y) return string.CompareOrdinal(x, y);
        return ((IComparable)a).CompareTo(b);
    }

    /// <summary>
    /// Brings a caller's value (a query constant) to the column's type: the same value of another integral type
    /// (an enum's number, an int for a long column), exactly. Throws <see cref="ArgumentException"/> for a value
    /// that has no exact equivalent in the column's type (25.5 for an int column): the caller must widen its bound.
    /// </summary>
    public object? Normalize(object? value, string index)
    {
        if (value is null || value.GetType() == ValueType) return value;
        var original = value is Enum ? Convert.ChangeType(value, Enum.GetUnderlyingType(value.GetType()), CultureInfo.InvariantCulture) : value;
        var target = ValueType.IsEnum ? Enum.GetUnderlyingType(ValueType) : ValueType;
        if (IsNumber(original.GetType()) && IsNumber(target))
        {
            try
            {
                var converted = Convert.ChangeType(original, target, CultureInfo.InvariantCulture);
                if (Equals(Convert.ChangeType(converted, original.GetType(), CultureInfo.InvariantCulture), original))
                    return ValueType.IsEnum ? Enum.ToObject(ValueType, converted) : converted;
            }
            catch (OverflowException)
            {
                // no exact equivalent: reported below
            }
        }
        throw new ArgumentException($"Index '{index}': the value {value} ({value.GetType().Name}) has no exact {ValueType.Name} equivalent for column {Path.Name}.");
    }

    private static bool IsNumber(Type type) => Type.GetTypeCode(type) is >= TypeCode.SByte and <= TypeCode.Decimal;

    /// <summary>Compiles <c>doc =&gt; (object?)doc.A?.B?.C</c> for a path.</summary>
    public static Func<T, object?> CompileGetter<T>(PropertyPath path)
    {
        var doc = Expression.Parameter(typeof(T), "doc");
        var owner = path.Members[0].DeclaringType!;
        if (owner.IsAssignableFrom(typeof(T)))
            return ExpressionCompilation.Compile(Expression.Lambda<Func<T, object?>>(Read(doc, path.Members, 0), doc));
        // A derived type's property (table-per-hierarchy): documents of other types have no value (null).
        var derived = Expression.Variable(owner, "derived");
        var body = Expression.Block([derived], Expression.Assign(derived, Expression.TypeAs(doc, owner)),
            Expression.Condition(Expression.Equal(derived, Expression.Constant(null, owner)), Expression.Constant(null, typeof(object)), Read(derived, path.Members, 0)));
        return ExpressionCompilation.Compile(Expression.Lambda<Func<T, object?>>(body, doc));
    }

    private static Expression Read(Expression target, IReadOnlyList<PropertyInfo> members, int step)
    {
        var access = Expression.Property(target, members[step]);
        if (step == members.Count - 1) return Expression.Convert(access, typeof(object));
        var value = Expression.Variable(members[step].PropertyType, "step" + step);
        var rest = Read(value, members, step + 1);
        if (value.Type.IsValueType)
            return Expression.Block([value], Expression.Assign(value, access), rest);
        return Expression.Block([value], Expression.Assign(value, access),
            Expression.Condition(Expression.Equal(value, Expression.Constant(null, value.Type)), Expression.Constant(null, typeof(object)), rest));
    }

    private static Comparison<object> TypedComparison<TValue>()
    {
        var comparer = Comparer<TValue>.Default;
        return (a, b) => comparer.Compare((TValue)a, (TValue)b);
    }

    public static IndexValueKind? KindOf(Type type)
    {
        if (type.IsEnum) type = Enum.GetUnderlyingType(type);
        return Type.GetTypeCode(type) switch
        {
            TypeCode.Boolean => IndexValueKind.Boolean,
            TypeCode.Byte => IndexValueKind.Byte,
            TypeCode.SByte => IndexValueKind.SByte,
            TypeCode.Int16 => IndexValueKind.Int16,
            TypeCode.UInt16 => IndexValueKind.UInt16,
            TypeCode.Int32 => IndexValueKind.Int32,
            TypeCode.UInt32 => IndexValueKind.UInt32,
            TypeCode.Int64 => IndexValueKind.Int64,
            TypeCode.UInt64 => IndexValueKind.UInt64,
            TypeCode.Single => IndexValueKind.Single,
            TypeCode.Double => IndexValueKind.Double,
            TypeCode.Decimal => IndexValueKind.Decimal,
            TypeCode.Char => IndexValueKind.Char,
            TypeCode.String => IndexValueKind.String,
            TypeCode.DateTime => IndexValueKind.DateTime,
            _ when type == typeof(Guid) => IndexValueKind.Guid,
            _ when type == typeof(DateTimeOffset) => IndexValueKind.DateTimeOffset,
            _ when type == typeof(TimeSpan) => IndexValueKind.TimeSpan,
            _ when type == typeof(DateOnly) => IndexValueKind.DateOnly,
            _ when type == typeof(TimeOnly) => IndexValueKind.TimeOnly,
            _ when type == typeof(byte[]) => IndexValueKind.Bytes,
            _ => null,
        };
    }
}
