using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ZgDb.Remote;

/// <summary>
/// One node of the remote query format (version <see cref="QueryMessage.FormatVersion"/>): a small tree the client
/// writes from a LINQ source chain (<see cref="QueryWriter"/>) and the server rebuilds against its own model
/// (<see cref="QueryReader"/>). Nothing in it names a CLR type or method the server would look up by name: types are
/// tokens of <see cref="TypeTokens"/> (primitives, and the model's own entity, nested and enum types), methods are
/// keys of the fixed <see cref="AllowedMethods"/> table, members are names looked up on the model's types only.
/// </summary>
/// <remarks>
/// Kinds: <c>source</c> (the collection), <c>op</c> (a Queryable operator <see cref="Name"/>; Args[0] its source,
/// the rest its arguments), <c>lambda</c> (one parameter <see cref="Name"/>; Args[0] the body), <c>param</c>,
/// <c>member</c> (Args[0] the target), <c>const</c> (<see cref="Type"/>, <see cref="Value"/>), <c>binary</c>
/// (<see cref="Name"/> an <see cref="ExpressionType"/>), <c>unary</c> (Not, Negate, Convert, TypeAs with
/// <see cref="Type"/>), <c>typeis</c>, <c>cond</c>, <c>call</c> (<see cref="Name"/> a key of
/// <see cref="AllowedMethods"/>; Args the target, if any, then the arguments).
/// </remarks>
public sealed class QueryNode
{
    /// <summary>The node's kind (<c>source</c>, <c>op</c>, <c>lambda</c>, <c>param</c>, <c>member</c>, <c>const</c>, <c>binary</c>, <c>unary</c>, <c>typeis</c>, <c>cond</c>, <c>call</c>).</summary>
    [JsonPropertyName("k")] public string Kind { get; set; } = "";

    /// <summary>The operator, member, parameter, collection or allowed method's key, by kind.</summary>
    [JsonPropertyName("n")] public string? Name { get; set; }

    /// <summary>A type token of <see cref="TypeTokens"/> (constants, conversions, type tests).</summary>
    [JsonPropertyName("t")] public string? Type { get; set; }

    /// <summary>A constant's value as JSON.</summary>
    [JsonPropertyName("v")] public JsonElement? Value { get; set; }

    /// <summary>The node's operands, in order.</summary>
    [JsonPropertyName("a")] public List<QueryNode>? Args { get; set; }
}

/// <summary>A query as it travels: the format's version, the collection and the source chain.</summary>
public sealed class QueryMessage
{
    /// <summary>The version of the format this code writes and reads; a server refuses any other.</summary>
    public const int FormatVersion = 1;

    /// <summary>The largest tree the server rebuilds (nodes), and its deepest nesting.</summary>
    public const int MaxNodes = 2000, MaxDepth = 64;

    /// <summary>The format version the message was written in.</summary>
    [JsonPropertyName("version")] public int Version { get; set; } = FormatVersion;

    /// <summary>The collection the chain reads.</summary>
    [JsonPropertyName("collection")] public string Collection { get; set; } = "";

    /// <summary>The source chain: its root is the <c>source</c> node of <see cref="Collection"/>.</summary>
    [JsonPropertyName("chain")] public QueryNode Chain { get; set; } = new();

    internal static readonly JsonSerializerOptions Json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        MaxDepth = MaxDepth * 2 + 8,
        TypeInfoResolver = ZgJson.Reflection(),
    };

    /// <summary>The message as UTF-8 JSON, as it travels.</summary>
    public byte[] ToUtf8() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    /// <summary>Reads a message; malformed JSON throws <see cref="JsonException"/>, JSON null <see cref="RemoteQueryRefusedException"/>.</summary>
    public static QueryMessage Parse(ReadOnlySpan<byte> utf8) =>
        JsonSerializer.Deserialize<QueryMessage>(utf8, Json) ?? throw new RemoteQueryRefusedException("the query is empty (JSON null).");
}

/// <summary>The server refused a query before running any of it; the message says which node and why.</summary>
public sealed class RemoteQueryRefusedException(string message) : Exception(message);

/// <summary>
/// The types a query may mention, by token: the primitives a model stores (<c>int</c>, <c>string</c>, <c>DateTime</c>,
/// <c>int?</c>...), and the model's own entity, derived, nested and enum types (<c>model:Namespace.Type</c>). Built
/// from one <see cref="DatabaseModel"/> (the server's for reading, the client's for writing), so a token only ever
/// resolves to a type the model already holds.
/// </summary>
public sealed class TypeTokens
{
    private static readonly (string Token, Type Type)[] Primitives =
    [
        ("bool", typeof(bool)), ("byte", typeof(byte)), ("sbyte", typeof(sbyte)), ("short", typeof(short)), ("ushort", typeof(ushort)),
        ("int", typeof(int)), ("uint", typeof(uint)), ("long", typeof(long)), ("ulong", typeof(ulong)), ("float", typeof(float)),
        ("double", typeof(double)), ("decimal", typeof(decimal)), ("char", typeof(char)), ("string", typeof(string)),
        ("DateTime", typeof(DateTime)), ("DateTimeOffset", typeof(DateTimeOffset)), ("DateOnly", typeof(DateOnly)),
        ("TimeOnly", typeof(TimeOnly)), ("TimeSpan", typeof(TimeSpan)), ("Guid", typeof(Guid)), ("object", typeof(object)),
    ];

    private readonly Dictionary<string, Type> _byToken = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, string> _byType = new();

    /// <summary>The tokens of <paramref name="model"/>'s types and the primitives.</summary>
    public TypeTokens(DatabaseModel model)
    {
        foreach (var (token, type) in Primitives) Add(token, type);
        foreach (var entity in model.Entities)
        {
            AddModel(entity.ClrType);
            foreach (var derived in entity.DerivedTypes) AddModel(derived.ClrType);
            foreach (var property in entity.Properties.Concat(entity.DerivedTypes.SelectMany(d => d.Properties))) Walk(property);
        }
        foreach (var type in _byType.Keys.ToList())
            if (type.IsValueType && type != typeof(object)) Add(_byType[type] + "?", typeof(Nullable<>).MakeGenericType(type));
    }

    /// <summary>The model's own classes (entities, derived and nested types): their members may be read by a query.</summary>
    internal HashSet<Type> ModelTypes { get; } = [];

    private void Walk(EntityProperty property)
    {
        var type = Nullable.GetUnderlyingType(property.ClrType) ?? property.ClrType;
        var element = ModelFactory.ElementType(type);
        var value = element is null ? type : Nullable.GetUnderlyingType(element) ?? element;
        if (value.IsEnum) Add("model:" + value.FullName, value);
        if (property.NestedProperties.Count > 0)
        {
            AddModel(value);
            foreach (var nested in property.NestedProperties) Walk(nested);
        }
    }

    private void AddModel(Type type)
    {
        ModelTypes.Add(type);
        Add("model:" + (type.FullName ?? type.Name), type);
    }

    private void Add(string token, Type type)
    {
        _byToken.TryAdd(token, type);
        _byType.TryAdd(type, token);
    }

    internal bool TryToken(Type type, out string token) => _byType.TryGetValue(type, out token!);

    internal Type Resolve(string? token) =>
        token is not null && _byToken.TryGetValue(token, out var type)
            ? type
            : throw new RemoteQueryRefusedException($"the type '{token}' is neither a primitive the query format allows nor a type of the server's model.");
}

/// <summary>
/// The only methods a remote query may call, each by a fixed key (<c>string.StartsWith(string)</c>): string, Math,
/// DateTime and a few Enumerable methods over a document's own lists. The server looks keys up here; a key that is
/// not in the table (<c>System.IO.File.ReadAllText</c>, a method of the application) is refused before anything runs.
/// </summary>
internal static class AllowedMethods
{
    private static readonly Dictionary<string, MethodInfo> ByKey = new(StringComparer.Ordinal);
    private static readonly Dictionary<MethodInfo, string> ByMethod = new();

    /// <summary>Enumerable methods by name and argument count: made generic on the server from the source's element type.</summary>
    public static readonly IReadOnlyDictionary<string, MethodInfo> Enumerable = new[]
        {
            ("Any", 1), ("Any", 2), ("All", 2), ("Count", 1), ("Count", 2), ("Contains", 2),
        }
        .ToDictionary(m => $"Enumerable.{m.Item1}/{m.Item2}", m => typeof(System.Linq.Enumerable).GetMethods()
            .Single(x => x.Name == m.Item1 && x.GetParameters().Length == m.Item2 && (m.Item2 == 1 || m.Item1 == "Contains" || x.GetParameters()[1].ParameterType.GetGenericArguments().Length == 2)));

    static AllowedMethods()
    {
        var s = typeof(string);
        Add(s, nameof(string.StartsWith), s); Add(s, nameof(string.EndsWith), s); Add(s, nameof(string.Contains), s);
        Add(s, nameof(string.StartsWith), s, typeof(StringComparison)); Add(s, nameof(string.EndsWith), s, typeof(StringComparison));
        Add(s, nameof(string.Contains), s, typeof(StringComparison)); Add(s, nameof(string.Equals), s, typeof(StringComparison));
        Add(s, nameof(string.Contains), typeof(char));
        Add(s, nameof(string.ToUpper)); Add(s, nameof(string.ToLower)); Add(s, nameof(string.ToUpperInvariant)); Add(s, nameof(string.ToLowerInvariant));
        Add(s, nameof(string.Trim)); Add(s, nameof(string.TrimStart)); Add(s, nameof(string.TrimEnd));
        Add(s, nameof(string.Substring), typeof(int)); Add(s, nameof(string.Substring), typeof(int), typeof(int));
        Add(s, nameof(string.IndexOf), s); Add(s, nameof(string.IndexOf), typeof(char)); Add(s, nameof(string.Replace), s, s);
        Add(s, nameof(string.IsNullOrEmpty), s); Add(s, nameof(string.IsNullOrWhiteSpace), s); Add(s, nameof(string.Equals), s);
        Add(s, nameof(string.Concat), s, s); Add(s, nameof(string.Concat), s, s, s); Add(s, nameof(string.Compare), s, s);
        Add(s, nameof(string.CompareTo), s); Add(s, nameof(string.Equals), s, s);
        var m = typeof(Math);
        foreach (var t in new[] { typeof(int), typeof(long), typeof(double), typeof(decimal) })
        {
            Add(m, nameof(Math.Abs), t); Add(m, nameof(Math.Max), t, t); Add(m, nameof(Math.Min), t, t); Add(m, nameof(Math.Sign), t);
        }
        foreach (var t in new[] { typeof(double), typeof(decimal) })
        {
            Add(m, nameof(Math.Round), t); Add(m, nameof(Math.Floor), t); Add(m, nameof(Math.Ceiling), t); Add(m, nameof(Math.Truncate), t);
            Add(m, nameof(Math.Round), t, typeof(int));
        }
        Add(m, nameof(Math.Sqrt), typeof(double)); Add(m, nameof(Math.Pow), typeof(double), typeof(double));
        var d = typeof(DateTime);
        foreach (var name in new[] { nameof(DateTime.AddDays), nameof(DateTime.AddHours), nameof(DateTime.AddMinutes), nameof(DateTime.AddSeconds) })
            Add(d, name, typeof(double));
        Add(d, nameof(DateTime.AddMonths), typeof(int)); Add(d, nameof(DateTime.AddYears), typeof(int)); Add(d, nameof(DateTime.AddTicks), typeof(long));
        Add(d, nameof(DateTime.Add), typeof(TimeSpan)); Add(d, nameof(DateTime.Subtract), d); Add(d, nameof(DateTime.CompareTo), d);
        foreach (var t in new[] { typeof(int), typeof(long), typeof(double), typeof(decimal), typeof(Guid), typeof(DateTime), typeof(bool) })
        {
            Add(t, nameof(Equals), t);
            Add(t, "CompareTo", t);
        }
    }

    private static void Add(Type type, string name, params Type[] parameters)
    {
        var method = type.GetMethod(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static, parameters)
                     ?? throw new InvalidOperationException($"AllowedMethods: {type.Name}.{name} not found.");
        var key = $"{type.Name}.{name}({string.Join(",", parameters.Select(p => p.Name))})";
        ByKey.TryAdd(key, method);
        ByMethod.TryAdd(method, key);
    }

    /// <summary>The key of an allowed method, or null (the client then runs that part of the query itself).</summary>
    public static string? KeyOf(MethodInfo method)
    {
        if (ByMethod.TryGetValue(method, out var key)) return key;
        if (method.IsGenericMethod && method.DeclaringType == typeof(System.Linq.Enumerable))
        {
            var candidate = $"Enumerable.{method.Name}/{method.GetParameters().Length}";
            if (Enumerable.TryGetValue(candidate, out var definition) && method.GetGenericMethodDefinition() == definition) return candidate;
        }
        return null;
    }

    public static bool TryGet(string key, out MethodInfo method) => ByKey.TryGetValue(key, out method!);

    /// <summary>Members of library types a query may read (besides the model's own properties).</summary>
    public static bool IsAllowedMember(MemberInfo member)
    {
        var type = member.DeclaringType;
        if (member is not PropertyInfo) return false;
        if (type == typeof(string)) return member.Name == nameof(string.Length);
        if (type is { IsGenericType: true } && type.GetGenericTypeDefinition() == typeof(Nullable<>)) return member.Name is "HasValue" or "Value";
        if (type == typeof(DateTime) || type == typeof(DateTimeOffset) || type == typeof(DateOnly) || type == typeof(TimeOnly) || type == typeof(TimeSpan))
            return member.Name is not ("Now" or "UtcNow" or "Today");
        if (type is { IsGenericType: true } && (type.GetGenericTypeDefinition() == typeof(List<>) || type.GetGenericTypeDefinition() == typeof(ICollection<>)
                                                || type.GetGenericTypeDefinition() == typeof(IReadOnlyCollection<>)))
            return member.Name == "Count";
        return false;
    }
}
