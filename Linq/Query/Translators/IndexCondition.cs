using System.Linq.Expressions;
using System.Reflection;

namespace ZgDb.Query.Translators;

/// <summary>What a predicate conjunct asks of one property path, in a form an index or the primary key can serve.</summary>
internal enum ConditionKind
{
    /// <summary><c>path == value</c></summary>
    Equal,
    /// <summary><c>values.Contains(path)</c></summary>
    In,
    /// <summary><c>path &gt; value</c>, <c>path &lt;= value</c>...: one bound (the planner merges the bounds of one path).</summary>
    Range,
    /// <summary><c>path.StartsWith(value, StringComparison.Ordinal)</c></summary>
    StartsWith,
}

/// <summary>
/// One conjunct of a Where predicate understood as a condition on a property path. <see cref="Exact"/> says whether
/// an index answering it returns exactly the documents the predicate keeps (else the predicate is rechecked).
/// </summary>
internal sealed record IndexCondition(IReadOnlyList<PropertyInfo> Path, ConditionKind Kind, Expression Value, bool Exact,
    bool IsLower = false, bool Inclusive = false)
{
    public string PathName => string.Join(".", Path.Select(p => p.Name));

    /// <summary>The type of the path's value, without <see cref="Nullable{T}"/>.</summary>
    public Type ValueType => Nullable.GetUnderlyingType(Path[^1].PropertyType) ?? Path[^1].PropertyType;

    public bool IsNullable => !Path[^1].PropertyType.IsValueType || Nullable.GetUnderlyingType(Path[^1].PropertyType) is not null;
}

/// <summary>Reads property paths and parameter-free values out of predicate expressions.</summary>
internal static class ConditionParts
{
    /// <summary>
    /// The property path <paramref name="expression"/> reads from <paramref name="document"/> (<c>u.Address.City</c>),
    /// seen through a lift to Nullable or an enum's conversion to its number.
    /// </summary>
    public static IReadOnlyList<PropertyInfo>? Path(Expression expression, ParameterExpression document)
    {
        while (expression is UnaryExpression { NodeType: ExpressionType.Convert } convert && IsTransparent(convert.Operand.Type, convert.Type))
            expression = convert.Operand;
        var members = new List<PropertyInfo>();
        while (expression is MemberExpression { Member: PropertyInfo property } member)
        {
            members.Add(property);
            expression = member.Expression!;
        }
        // (Dog)a.Breed on a collection of a hierarchy: the index on Dog.Breed holds no value for other types
        if (expression is UnaryExpression { NodeType: ExpressionType.Convert, Operand: var operand } down && operand == document
            && !down.Type.IsValueType && document.Type.IsAssignableFrom(down.Type))
            expression = operand;
        if (expression != document || members.Count == 0) return null;
        members.Reverse();
        return members;
    }

    private static bool IsTransparent(Type from, Type to)
    {
        var f = Nullable.GetUnderlyingType(from) ?? from;
        var t = Nullable.GetUnderlyingType(to) ?? to;
        return f == t || f.IsEnum && Enum.GetUnderlyingType(f) == t;
    }

    /// <summary>Whether <paramref name="value"/> can be computed before reading the document (it does not use it).</summary>
    public static bool IsFreeOf(Expression value, ParameterExpression document)
    {
        var finder = new ParameterFinder(document);
        finder.Visit(value);
        return !finder.Found;
    }

    /// <summary>The value without a conversion the path side also had (so it keeps the path's type or its enum number).</summary>
    public static Expression Unwrap(Expression value)
    {
        while (value is UnaryExpression { NodeType: ExpressionType.Convert } convert && IsTransparent(convert.Operand.Type, convert.Type))
            value = convert.Operand;
        return value;
    }

    /// <summary>Types whose index order equals LINQ-to-Objects' <see cref="Comparer{T}.Default"/> order (strings do not: LINQ uses the culture).</summary>
    public static bool OrdersLikeLinq(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum) return true;
        return Type.GetTypeCode(type) is TypeCode.Boolean or TypeCode.Byte or TypeCode.SByte or TypeCode.Int16 or TypeCode.UInt16
                   or TypeCode.Int32 or TypeCode.UInt32 or TypeCode.Int64 or TypeCode.UInt64 or TypeCode.Decimal or TypeCode.DateTime or TypeCode.Char
               || type == typeof(Guid) || type == typeof(TimeSpan) || type == typeof(DateOnly) || type == typeof(TimeOnly);
    }

    /// <summary>Types whose equality and range semantics in C# match the index's (floating point has NaN: rechecked).</summary>
    public static bool ComparesExactly(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        // byte[]: a key seek matches by content, C# (and so LINQ-to-Objects) compares arrays by reference.
        return type != typeof(float) && type != typeof(double) && type != typeof(byte[]);
    }

    private sealed class ParameterFinder(ParameterExpression document) : ExpressionVisitor
    {
        public bool Found { get; private set; }
        protected override Expression VisitParameter(ParameterExpression node)
        {
            if (node == document) Found = true;
            return node;
        }
        protected override Expression VisitExtension(Expression node) => node;
    }
}
