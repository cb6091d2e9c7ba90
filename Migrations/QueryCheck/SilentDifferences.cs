using System.Linq.Expressions;
using System.Reflection;

namespace ZgDb.Migrations.QueryCheck;

/// <summary>
/// The known ways a query EF Core translates can answer differently on a provider than on ZgDb (which answers as
/// LINQ to Objects). Each rule is proven on real SQLite and PostgreSQL databases by
/// tests/ZgDb.Migrations.Tests/EfCoreCheck/SilentDifferenceTests.cs; docs/MIGRATIONS.md ("The same answers") has the table.
/// </summary>
internal static class SilentDifferences
{
    public const string StringOrder = "string-order";
    public const string CaseMapping = "case-mapping";
    public const string StringComparisonRule = "string-comparison";
    public const string LikeCase = "like-case";
    public const string RelationalNulls = "relational-nulls";
    public const string NullOrder = "null-order";

    /// <summary>
    /// The differences of <paramref name="query"/> (a ZgDb query as the pipeline hands it over) on each of <paramref name="verdicts"/>'
    /// providers: every rule where EF Core translates the query; where it refuses, only the rules that say how to rewrite it.
    /// </summary>
    public static IReadOnlyList<EfCoreDifference> Find(Expression query, EfCoreCheckSettings settings, IEnumerable<EfCoreVerdict> verdicts)
    {
        var found = new List<EfCoreDifference>();
        foreach (var verdict in verdicts.Where(v => v.CheckRan))
        {
            var visitor = new Finder(verdict.Target, settings);
            visitor.Visit(query);
            found.AddRange(visitor.Found.Where(f => verdict.Translates || f.Key == StringComparisonRule).Select(f => new EfCoreDifference(verdict.Target, f.Key, f.Value)));
        }
        return found;
    }

    private sealed class Finder(EfCoreTarget target, EfCoreCheckSettings settings) : ExpressionVisitor
    {
        private readonly NullabilityInfoContext _nullability = new(); // not thread-safe: one per visitor
        public readonly SortedDictionary<string, string> Found = new(StringComparer.Ordinal);

        private bool Sqlite => target == EfCoreTarget.Sqlite;

        /// <summary>A collation on every string column that orders and cases as .NET's culture does (ICU's, on PostgreSQL).</summary>
        private bool CultureCollation => !Sqlite && settings.Mapping.StringCollation is { } c && c.Contains("icu", StringComparison.OrdinalIgnoreCase);

        protected override Expression VisitMethodCall(MethodCallExpression node)
        {
            var method = node.Method;
            var name = method.Name;
            if (method.DeclaringType is { } declaring && (declaring == typeof(Queryable) || declaring == typeof(Enumerable)))
            {
                if (name is "OrderBy" or "OrderByDescending" or "ThenBy" or "ThenByDescending" && node.Arguments.Count == 2)
                {
                    CheckOrderKey(KeyType(node.Arguments[1]));
                    if (!Sqlite && IsNullableKey(node.Arguments[1]))
                        Add(NullOrder, "PostgreSQL sorts NULL last in ascending order (first in descending); LINQ and ZgDb sort null first. EF Core adds no NULLS FIRST: " +
                            "order by 'x == null ? 0 : 1' first to get the same order everywhere.");
                }
                if (name is "Min" or "Max" && node.Arguments.Count == 2 && KeyType(node.Arguments[1]) == typeof(string) && !CultureCollation)
                    Add(StringOrder, StringOrderReason);
            }
            else if (method.DeclaringType == typeof(string))
            {
                if (name is "Compare" or "CompareTo" && !CultureCollation && !node.Arguments.Any(a => a.Type == typeof(StringComparison)))
                    Add(StringOrder, "string.Compare and CompareTo compare with the current culture in .NET; EF Core translates them to < and > under the column's collation. " + StringOrderFix);
                if (name is "ToLower" or "ToUpper" or "ToLowerInvariant" or "ToUpperInvariant" && !CultureCollation)
                    Add(CaseMapping, $"{name}() maps every letter in .NET; {(Sqlite ? "SQLite's lower() and upper()" : "PostgreSQL's lower() and upper() under the C locale")} map only ASCII letters " +
                        "('Émile'.ToLower() is 'émile' in .NET, 'Émile' in SQL), so a comparison with a non-ASCII value finds other rows. Store a normalized column, or use a case-insensitive collation.");
                if (name is "Equals" or "Compare" or "StartsWith" or "EndsWith" or "Contains" or "IndexOf" && node.Arguments.Any(a => a.Type == typeof(StringComparison)))
                    Add(StringComparisonRule, $"EF Core translates no string.{name} overload with a StringComparison (it refuses the query; a plain == or {name} is case-sensitive on PostgreSQL and SQLite's =, " +
                        "so dropping the argument changes the answer). Use EF.Functions.ILike on PostgreSQL, a case-insensitive collation, or compare ToUpper() of both sides (ASCII only).");
                if (Sqlite && name is "StartsWith" or "EndsWith" && node.Arguments.Count == 1 && node.Arguments[0].Type == typeof(string))
                    Add(LikeCase, $"EF Core translates {name} on SQLite to LIKE, and SQLite's LIKE ignores the case of ASCII letters: StartsWith(\"Gr\") also finds 'grace'. " +
                        "Use EF.Functions.Glob on SQLite for a case-sensitive match, or compare Substring.");
            }
            return base.VisitMethodCall(node);
        }

        protected override Expression VisitBinary(BinaryExpression node)
        {
            if (settings.RelationalNulls && node.NodeType is ExpressionType.NotEqual or ExpressionType.Equal && IsNullableColumn(node.Left) | IsNullableColumn(node.Right)
                && !IsNullConstant(node.Left) && !IsNullConstant(node.Right)
                && (node.NodeType == ExpressionType.NotEqual || IsNullableColumn(node.Left) && IsNullableColumn(node.Right)))
                Add(RelationalNulls, "with UseRelationalNulls(), EF Core translates != on a nullable column as SQL's <>, which is unknown (not true) for a NULL: the rows where the column is null " +
                    "are dropped, which LINQ keeps (null != 5 is true in C#); == between two nullable columns never matches two nulls. Add '|| x == null' or leave relational nulls off.");
            return base.VisitBinary(node);
        }

        private void CheckOrderKey(Type? type)
        {
            if (type is null) return;
            var core = Nullable.GetUnderlyingType(type) ?? type;
            if (core == typeof(string) && !CultureCollation) Add(StringOrder, StringOrderReason);
            // No rule for decimal, DateTimeOffset or TimeSpan on SQLite: EF Core orders decimals with its EF_DECIMAL collation (the
            // same order as .NET, SilentDifferenceTests proves it) and refuses the other two in ORDER BY, comparisons and Min/Max.
        }

        private const string StringOrderFix = "Order on the client, store a sort key, or on PostgreSQL use an ICU collation (StringCollation = \"und-x-icu\").";

        private string StringOrderReason => "ZgDb orders strings as LINQ to Objects, with the current culture ('adam' between 'Ada' and 'Alan', 'Émile' among the E's); " +
            (Sqlite ? "SQLite's BINARY collation" : "PostgreSQL under the C locale") + " compares bytes ('Xavier' before 'adam', accents last). " + StringOrderFix;

        private static Type? KeyType(Expression selector) => selector switch
        {
            UnaryExpression { NodeType: ExpressionType.Quote, Operand: LambdaExpression lambda } => lambda.ReturnType,
            LambdaExpression lambda => lambda.ReturnType,
            _ => null,
        };

        /// <summary>Whether an ordering key can be null: a nullable value type, a nullable string property, or a conditional with a null branch.</summary>
        private bool IsNullableKey(Expression selector)
        {
            var body = selector switch
            {
                UnaryExpression { NodeType: ExpressionType.Quote, Operand: LambdaExpression lambda } => lambda.Body,
                LambdaExpression lambda => lambda.Body,
                _ => null,
            };
            if (body is null) return false;
            if (body is ConditionalExpression conditional) return IsNullConstant(conditional.IfTrue) || IsNullConstant(conditional.IfFalse) || IsNullableColumn(conditional.IfTrue) || IsNullableColumn(conditional.IfFalse);
            return IsNullableColumn(body);
        }

        private static bool IsNullConstant(Expression e) => e is ConstantExpression { Value: null } || e is UnaryExpression { NodeType: ExpressionType.Convert } u && IsNullConstant(u.Operand);

        private bool IsNullableColumn(Expression e)
        {
            while (e is UnaryExpression { NodeType: ExpressionType.Convert } u) e = u.Operand;
            if (e is not MemberExpression { Member: PropertyInfo property }) return false;
            if (Nullable.GetUnderlyingType(property.PropertyType) is not null) return true;
            return !property.PropertyType.IsValueType && _nullability.Create(property).ReadState == NullabilityState.Nullable;
        }

        private void Add(string rule, string reason) => Found.TryAdd(rule, reason);
    }
}
