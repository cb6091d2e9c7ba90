using System.Collections;
using System.Globalization;
using System.Linq.Expressions;
using System.Reflection;
using System.Text;

namespace ZgDb.Linq.Tests.Northwind;

/// <summary>What one ported query did on ZgDb compared with LINQ-to-Objects.</summary>
public enum Verdict { Equal, NotSupported, Different, OtherException }

/// <summary>One assertion of a ported test method: the operator, the verdict and both printed outcomes.</summary>
public sealed record Check(string Operator, Verdict Verdict, string Expected, string Actual, TimeSpan ExpectedTime, TimeSpan ActualTime)
{
    /// <summary>Where the two outcomes part: sizes and the first elements only one side has (multisets), or the first differing position.</summary>
    public string Difference { get; init; } = "";
}

/// <summary>
/// Stands where EF Core's QueryAsserter stands: each assertion runs the actual query (and the terminal operator the
/// assertion names) on LINQ-to-Objects over <see cref="NorthwindData"/> and on ZgDb, prints both outcomes
/// (<see cref="NorthwindPrinter"/>: entities by type, key and stored properties) and records the verdict. Sequences
/// are compared in order when the test asserts order, otherwise as multisets.
/// </summary>
public sealed class DifferentialAsserter(ISetSource expected, ISetSource actual)
{
    public List<Check> Checks { get; } = [];

    public static void AsserterNotUsed() =>
        throw new InvalidOperationException("element asserters are not run: the differential compares printed results");

    public Task AssertQuery<TResult>(
        Func<ISetSource, IQueryable<TResult>> actualQuery, Func<ISetSource, IQueryable<TResult>> expectedQuery,
        Func<TResult, object?>? elementSorter, Delegate? elementAsserter, bool assertOrder, bool assertEmpty, bool async,
        QueryTrackingBehavior? queryTrackingBehavior, string testMethodName) =>
        Sequence("AssertQuery", actualQuery, assertOrder);

    public Task AssertQueryScalar<TResult>(
        Func<ISetSource, IQueryable<TResult>> actualQuery, Func<ISetSource, IQueryable<TResult>> expectedQuery,
        Delegate? asserter, bool assertOrder, bool assertEmpty, bool async, string testMethodName) =>
        Sequence("AssertQueryScalar", actualQuery, assertOrder);

    public Task AssertSingleResult<TResult>(
        Expression<Func<ISetSource, TResult>> actualSyncQuery, Expression<Func<ISetSource, Task<TResult>>> actualAsyncQuery,
        Expression<Func<ISetSource, TResult>> expectedQuery, Delegate? asserter, bool async)
    {
        var query = actualSyncQuery.Compile();
        return Record("AssertSingleResult", ss => query(ss), ordered: true);
    }

    public Task AssertAny<T>(Func<ISetSource, IQueryable<T>> a, Func<ISetSource, IQueryable<T>> e, bool async) => Terminal("Any", a);
    public Task AssertAny<T>(Func<ISetSource, IQueryable<T>> a, Func<ISetSource, IQueryable<T>> e, Expression<Func<T, bool>> p, Expression<Func<T, bool>> ep, bool async) => Terminal("Any", a, p);
    public Task AssertAll<T>(Func<ISetSource, IQueryable<T>> a, Func<ISetSource, IQueryable<T>> e, Expression<Func<T, bool>> p, Expression<Func<T, bool>> ep, bool async) => Terminal("All", a, p);
    public Task AssertCount<T>(Func<ISetSource, IQueryable<T>> a, Func<ISetSource, IQueryable<T>> e, bool async) => Terminal("Count", a);
    public Task AssertCount<T>(Func<ISetSource, IQueryable<T>> a, Func<ISetSource, IQueryable<T>> e, Expression<Func<T, bool>> p, Expression<Func<T, bool>> ep, bool async) => Terminal("Count", a, p);
    public Task AssertLongCount<T>(Func<ISetSource, IQueryable<T>> a, Func<ISetSource, IQueryable<T>> e, bool async) => Terminal("LongCount", a);
    public Task AssertLongCount<T>(Func<ISetSource, IQueryable<T>> a, Func<ISetSource, IQueryable<T>> e, Expression<Func<T, bool>> p, Expression<Func<T, bool>> ep, bool async) => Terminal("LongCount", a, p);

    public Task AssertFirst<T>(Func<ISetSource, IQueryable<T>> a, Func<ISetSource, IQueryable<T>> e, Delegate? asserter, bool async) => Terminal("First", a);
    public Task AssertFirst<T>(Func<ISetSource, IQueryable<T>> a, Func<ISetSource, IQueryable<T>> e, Expression<Func<T, bool>> p, Expression<Func<T, bool>> ep, Delegate? asserter, bool async) => Terminal("First", a, p);
    public Task AssertFirstOrDefault<T>(Func<ISetSource, IQueryable<T>> a, Func<ISetSource, IQueryable<T>> e, Delegate? asserter, bool async) => Terminal("FirstOrDefault", a);
    public Task AssertFirstOrDefault<T>(Func<ISetSource, IQueryable<T>> a, Func<ISetSource, IQueryable<T>> e, Expression<Func<T, bool>> p, Expression<Func<T, bool>> ep, Delegate? asserter, bool async) => Terminal("FirstOrDefault", a, p);
    public Task AssertSingle<T>(Func<ISetSource, IQueryable<T>> a, Func<ISetSource, IQueryable<T>> e, Delegate? asserter, bool async) => Terminal("Single", a);
    public Task AssertSingle<T>(Func<ISetSource, IQueryable<T>> a, Func<ISetSource, IQueryable<T>> e, Expression<Func<T, bool>> p, Expression<Func<T, bool>> ep, Delegate? asserter, bool async) => Terminal("Single", a, p);
    public Task AssertSingleOrDefault<T>(Func<ISetSource, IQueryable<T>> a, Func<ISetSource, IQueryable<T>> e, Delegate? asserter, bool async) => Terminal("SingleOrDefault", a);
    public Task AssertSingleOrDefault<T>(Func<ISetSource, IQueryable<T>> a, Func<ISetSource, IQueryable<T>> e, Expression<Func<T, bool>> p, Expression<Func<T, bool>> ep, Delegate? asserter, bool async) => Terminal("SingleOrDefault", a, p);
    public Task AssertLast<T>(Func<ISetSource, IQueryable<T>> a, Func<ISetSource, IQueryable<T>> e, Delegate? asserter, bool async) => Terminal("Last", a);
    public Task AssertLast<T>(Func<ISetSource, IQueryable<T>> a, Func<ISetSource, IQueryable<T>> e, Expression<Func<T, bool>> p, Expression<Func<T, bool>> ep, Delegate? asserter, bool async) => Terminal("Last", a, p);
    public Task AssertLastOrDefault<T>(Func<ISetSource, IQueryable<T>> a, Func<ISetSource, IQueryable<T>> e, Delegate? asserter, bool async) => Terminal("LastOrDefault", a);
    public Task AssertLastOrDefault<T>(Func<ISetSource, IQueryable<T>> a, Func<ISetSource, IQueryable<T>> e, Expression<Func<T, bool>> p, Expression<Func<T, bool>> ep, Delegate? asserter, bool async) => Terminal("LastOrDefault", a, p);
    public Task AssertElementAt<T>(Func<ISetSource, IQueryable<T>> a, Func<ISetSource, IQueryable<T>> e, Func<int> index, Func<int> expectedIndex, Delegate? asserter, bool async) => Terminal("ElementAt", a, index());
    public Task AssertElementAtOrDefault<T>(Func<ISetSource, IQueryable<T>> a, Func<ISetSource, IQueryable<T>> e, Func<int> index, Func<int> expectedIndex, Delegate? asserter, bool async) => Terminal("ElementAtOrDefault", a, index());

    public Task AssertMin<T>(Func<ISetSource, IQueryable<T>> a, Func<ISetSource, IQueryable<T>> e, Delegate? asserter, bool async) => Terminal("Min", a);
    public Task AssertMin<T, TS>(Func<ISetSource, IQueryable<T>> a, Func<ISetSource, IQueryable<T>> e, Expression<Func<T, TS>> s, Expression<Func<T, TS>> es, Delegate? asserter, bool async) => Terminal("Min", a, s);
    public Task AssertMax<T>(Func<ISetSource, IQueryable<T>> a, Func<ISetSource, IQueryable<T>> e, Delegate? asserter, bool async) => Terminal("Max", a);
    public Task AssertMax<T, TS>(Func<ISetSource, IQueryable<T>> a, Func<ISetSource, IQueryable<T>> e, Expression<Func<T, TS>> s, Expression<Func<T, TS>> es, Delegate? asserter, bool async) => Terminal("Max", a, s);
    public Task AssertMinBy<T, TS>(Func<ISetSource, IQueryable<T>> a, Func<ISetSource, IQueryable<T>> e, Expression<Func<T, TS>> s, Expression<Func<T, TS>> es, Delegate? asserter, bool async) => Terminal("MinBy", a, s);
    public Task AssertMaxBy<T, TS>(Func<ISetSource, IQueryable<T>> a, Func<ISetSource, IQueryable<T>> e, Expression<Func<T, TS>> s, Expression<Func<T, TS>> es, Delegate? asserter, bool async) => Terminal("MaxBy", a, s);
    public Task AssertSum<T>(Func<ISetSource, IQueryable<T>> a, Func<ISetSource, IQueryable<T>> e, Delegate? asserter, bool async) => Terminal("Sum", a);
    public Task AssertSum<T, TS>(Func<ISetSource, IQueryable<T>> a, Func<ISetSource, IQueryable<T>> e, Expression<Func<T, TS>> s, Expression<Func<T, TS>> es, Delegate? asserter, bool async) => Terminal("Sum", a, s);
    public Task AssertAverage<T>(Func<ISetSource, IQueryable<T>> a, Func<ISetSource, IQueryable<T>> e, Delegate? asserter, bool async) => Terminal("Average", a);
    public Task AssertAverage<T, TS>(Func<ISetSource, IQueryable<T>> a, Func<ISetSource, IQueryable<T>> e, Expression<Func<T, TS>> s, Expression<Func<T, TS>> es, Delegate? asserter, bool async) => Terminal("Average", a, s);

    private Task Sequence<T>(string op, Func<ISetSource, IQueryable<T>> query, bool ordered) =>
        Record(op, ss => query(ss), ordered);

    private Task Terminal<T>(string op, Func<ISetSource, IQueryable<T>> query, params object[] arguments) =>
        Record(op + "()", ss => InvokeQueryable(op, query(ss), arguments), ordered: true);

    private Task Record(string op, Func<ISetSource, object?> query, bool ordered)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var expectedOutcome = Outcome.Of(() => query(expected), ordered);
        var expectedTime = clock.Elapsed;
        clock.Restart();
        var actualOutcome = Outcome.Of(() => query(actual), ordered);
        var verdict = Classify(expectedOutcome, actualOutcome);
        Checks.Add(new Check(op, verdict, expectedOutcome.Text, actualOutcome.Text, expectedTime, clock.Elapsed)
        {
            Difference = verdict == Verdict.Different ? Outcome.Describe(expectedOutcome, actualOutcome, ordered) : "",
        });
        return Task.CompletedTask;
    }

    private static Verdict Classify(Outcome expected, Outcome actual)
    {
        if (actual.Exception is NotSupportedException)
            return expected.Exception is NotSupportedException ? Verdict.Equal : Verdict.NotSupported;
        if (actual.Exception is { } thrown)
            return expected.Exception?.GetType() == thrown.GetType() ? Verdict.Equal : Verdict.OtherException;
        return expected.Exception is null && expected.Text == actual.Text ? Verdict.Equal : Verdict.Different;
    }

    /// <summary>Calls the <see cref="Queryable"/> operator of that name whose parameters take the source and arguments.</summary>
    private static object? InvokeQueryable<T>(string name, IQueryable<T> source, object[] arguments)
    {
        var argumentTypes = arguments.Select(a => a.GetType()).ToArray();
        foreach (var candidate in typeof(Queryable).GetMethods().Where(m => m.Name == name && m.GetParameters().Length == arguments.Length + 1))
        {
            var method = candidate;
            if (candidate.IsGenericMethodDefinition)
            {
                var typeArguments = candidate.GetGenericArguments().Length switch
                {
                    1 => [typeof(T)],
                    2 when arguments is [LambdaExpression lambda] => new[] { typeof(T), lambda.ReturnType },
                    _ => null,
                };
                if (typeArguments is null) continue;
                try { method = candidate.MakeGenericMethod(typeArguments); } catch (ArgumentException) { continue; }
            }
            var parameters = method.GetParameters();
            if (!parameters[0].ParameterType.IsAssignableFrom(typeof(IQueryable<T>))) continue;
            if (!parameters.Skip(1).Select(p => p.ParameterType).Zip(argumentTypes, (p, a) => p.IsAssignableFrom(a)).All(ok => ok)) continue;
            try
            {
                return method.Invoke(null, [source, .. arguments]);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            }
        }
        throw new MissingMethodException($"harness: no Queryable.{name} for IQueryable<{typeof(T).Name}>({string.Join(", ", argumentTypes.Select(t => t.Name))})");
    }
}

/// <summary>A query's result printed, or the exception it threw (enumeration included).</summary>
public sealed partial record Outcome(string Text, Exception? Exception, List<string>? Elements = null)
{
    public static Outcome Of(Func<object?> query, bool ordered)
    {
        try
        {
            var result = query();
            var elements = NorthwindPrinter.Elements(result, ordered);
            return new Outcome(elements is null ? NorthwindPrinter.Print(result) : (ordered ? "" : "{multiset}") + "[" + string.Join(",", elements) + "]", null, elements);
        }
        catch (Exception e)
        {
            while (e is TargetInvocationException { InnerException: { } inner }) e = inner;
            return new Outcome("throws " + e.GetType().Name + ": " + e.Message, e);
        }
    }
}

public sealed partial record Outcome
{
    public static string Describe(Outcome expected, Outcome actual, bool ordered)
    {
        if (expected.Exception is not null) return "LINQ-to-Objects " + expected.Text[..Math.Min(300, expected.Text.Length)] + "; ZgDb returned a result";
        if (expected.Elements is not { } e || actual.Elements is not { } a) return "";
        var text = new StringBuilder($"{e.Count} expected elements, {a.Count} actual");
        if (ordered && e.Count == a.Count)
        {
            var i = Enumerable.Range(0, e.Count).FirstOrDefault(k => e[k] != a[k], -1);
            var onlyE = e.Except(a).Count();
            if (i >= 0) text.Append($"; first difference at [{i}]: expected {Cut(e[i])}, actual {Cut(a[i])}{(onlyE == 0 && e.Order(StringComparer.Ordinal).SequenceEqual(a.Order(StringComparer.Ordinal), StringComparer.Ordinal) ? " (same elements, other order)" : "")}");
            return text.ToString();
        }
        var remaining = a.GroupBy(x => x).ToDictionary(g => g.Key, g => g.Count());
        var missing = new List<string>();
        foreach (var x in e)
        {
            if (remaining.TryGetValue(x, out var n) && n > 0) remaining[x] = n - 1;
            else missing.Add(x);
        }
        var extra = remaining.Where(kv => kv.Value > 0).SelectMany(kv => Enumerable.Repeat(kv.Key, kv.Value)).ToList();
        text.Append($"; {missing.Count} missing from ZgDb (first: {(missing.Count > 0 ? Cut(missing[0]) : "-")}), {extra.Count} extra (first: {(extra.Count > 0 ? Cut(extra[0]) : "-")})");
        return text.ToString();
    }

    private static string Cut(string s) => s.Length > 400 ? s[..400] + "…" : s;
}

/// <summary>
/// Prints results as comparable text: entities of the Northwind model as their type, key and stored properties
/// (never their navigations: LINQ-to-Objects has the whole graph linked, ZgDb only what a query loads), anonymous
/// types and tuples member by member, groupings with their key, sequences element by element.
/// </summary>
public static class NorthwindPrinter
{
    private static readonly Type[] Entities = [typeof(Customer), typeof(Order), typeof(OrderDetail), typeof(Product), typeof(Employee)];
    private static readonly Dictionary<Type, (PropertyInfo[] Properties, FieldInfo[] Fields)> Members = [];

    /// <summary>A top-level sequence's elements printed (sorted when unordered), or null for any other result.</summary>
    public static List<string>? Elements(object? value, bool ordered)
    {
        if (value is null or string || value is not IEnumerable sequence || IsGrouping(value.GetType()))
            return null;
        var elements = new List<string>();
        foreach (var item in sequence) elements.Add(Print(item));
        if (!ordered) elements.Sort(StringComparer.Ordinal);
        return elements;
    }

    public static string Print(object? value)
    {
        var builder = new StringBuilder();
        Append(builder, value, 0);
        return builder.ToString();
    }

    private static void Append(StringBuilder b, object? value, int depth)
    {
        if (depth > 10) { b.Append('…'); return; }
        switch (value)
        {
            case null: b.Append("null"); return;
            case string s: b.Append('"').Append(s).Append('"'); return;
            case double d: b.Append(d.ToString("R", CultureInfo.InvariantCulture)); return;
            case float f: b.Append(f.ToString("R", CultureInfo.InvariantCulture)); return;
            case DateTime dt: b.Append(dt.ToString("O", CultureInfo.InvariantCulture)).Append(dt.Kind); return;
            case byte[] bytes: b.Append("bytes(").Append(bytes.Length).Append(':').Append(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(bytes))[..16]).Append(')'); return;
            case bool flag: b.Append(flag); return;
            case IFormattable formattable when value.GetType().IsPrimitive || value is decimal or Guid or TimeSpan or Enum or DateTimeOffset or DateOnly or TimeOnly:
                b.Append(formattable.ToString(null, CultureInfo.InvariantCulture)).Append(':').Append(value.GetType().Name); return;
        }
        var type = value.GetType();
        if (Array.IndexOf(Entities, type) >= 0)
        {
            b.Append(type.Name).Append('{');
            foreach (var property in MembersOf(type).Properties)
            {
                if (IsNavigation(property.PropertyType)) continue;
                b.Append(property.Name).Append('=');
                Append(b, property.GetValue(value), depth + 1);
                b.Append(';');
            }
            b.Append('}');
            return;
        }
        var grouping = IsGrouping(type);
        if (grouping)
        {
            b.Append("G(");
            Append(b, type.GetProperty("Key")!.GetValue(value), depth + 1);
            b.Append(':');
        }
        if (value is IEnumerable sequence)
        {
            b.Append('[');
            foreach (var item in sequence) { Append(b, item, depth + 1); b.Append(','); }
            b.Append(']');
            if (grouping) b.Append(')');
            return;
        }
        b.Append('{');
        var (properties, fields) = MembersOf(type);
        foreach (var property in properties) { b.Append(property.Name).Append('='); Append(b, property.GetValue(value), depth + 1); b.Append(';'); }
        foreach (var field in fields) { b.Append(field.Name).Append('='); Append(b, field.GetValue(value), depth + 1); b.Append(';'); }
        b.Append('}');
    }

    private static bool IsNavigation(Type type) =>
        Array.IndexOf(Entities, type) >= 0
        || (type.IsGenericType && type.GetGenericArguments() is [var element] && Array.IndexOf(Entities, element) >= 0);

    private static bool IsGrouping(Type type) =>
        type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IGrouping<,>));

    private static (PropertyInfo[] Properties, FieldInfo[] Fields) MembersOf(Type type)
    {
        lock (Members)
        {
            if (!Members.TryGetValue(type, out var members))
                Members[type] = members = (
                    type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0).OrderBy(p => p.Name, StringComparer.Ordinal).ToArray(),
                    type.GetFields(BindingFlags.Public | BindingFlags.Instance).OrderBy(f => f.Name, StringComparer.Ordinal).ToArray());
            return members;
        }
    }
}
