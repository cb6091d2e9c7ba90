using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using ZgDb.Query;

namespace ZgDb.Migrations.QueryCheck;

/// <summary>
/// Writes a query the pipeline observed (a <see cref="CompiledQueryEvent"/>) as JSON and reads it back over another
/// database of the same class, so <c>zgdb check-queries</c> can ask EF Core again later, for other providers. Covers
/// the node types LINQ queries are made of (lambdas, member reads, calls, operators, new, conditionals, arrays,
/// member initializers); types and members are named by assembly-qualified names. A query with another node type, or
/// a parameter value JSON cannot hold, is recorded without its expression (<see cref="NotSupportedException"/>).
/// </summary>
internal static class ExpressionJson
{
    public static JsonObject Write(CompiledQueryEvent query)
    {
        var writer = new Writer();
        var parameters = new JsonArray();
        for (int i = 0; i < query.Parameters.Count; i++)
        {
            var p = query.Parameters[i];
            parameters.Add(new JsonObject
            {
                ["id"] = writer.Id(p), ["type"] = TypeName(p.Type), ["literal"] = query.Literals[i],
                ["value"] = Value(query.Values[i], p.Type),
            });
        }
        return new JsonObject { ["parameters"] = parameters, ["query"] = writer.Node(query.Query) };
    }

    /// <summary>Reads <paramref name="json"/> back: collection roots become <paramref name="database"/>'s collections.</summary>
    public static CompiledQueryEvent Read(JsonObject json, ZgDatabase database, string shape, string plan, Func<string, Type> resolve)
    {
        var reader = new Reader(database, resolve);
        var parameters = new List<ParameterExpression>();
        var literals = new List<bool>();
        var values = new List<object?>();
        foreach (var p in json["parameters"]!.AsArray())
        {
            var type = resolve((string)p!["type"]!);
            var parameter = Expression.Parameter(type, "@p" + parameters.Count);
            reader.Declare((int)p["id"]!, parameter);
            parameters.Add(parameter);
            literals.Add((bool)p["literal"]!);
            values.Add(p["value"] is null ? null : p["value"].Deserialize(type));
        }
        var query = reader.Node(json["query"]!.AsObject());
        return new CompiledQueryEvent(database, database.Model, shape, query, parameters, literals, values, plan);
    }

    public static string TypeName(Type type) => type.AssemblyQualifiedName ?? throw new NotSupportedException($"type {type} has no assembly-qualified name");

    private static JsonNode? Value(object? value, Type type)
    {
        if (value is null) return null;
        try
        {
            return JsonSerializer.SerializeToNode(value, type);
        }
        catch (Exception e) when (e is NotSupportedException or JsonException or InvalidOperationException)
        {
            throw new NotSupportedException($"a value of type {type.Name} JSON cannot hold: {e.Message}", e);
        }
    }

    private sealed class Writer
    {
        private readonly Dictionary<ParameterExpression, int> _ids = [];

        public int Id(ParameterExpression p) => _ids.TryGetValue(p, out int id) ? id : _ids[p] = _ids.Count;

        public JsonNode? Node(Expression? node) => node switch
        {
            null => null,
            ConstantExpression c when QueryRoots.CollectionElementType(c.Value) is { } element => new JsonObject { ["k"] = "root", ["type"] = TypeName(element) },
            ConstantExpression c => new JsonObject { ["k"] = "const", ["type"] = TypeName(c.Type), ["value"] = Value(c.Value, c.Type) },
            ParameterExpression p => new JsonObject { ["k"] = "param", ["id"] = Id(p) },
            LambdaExpression l => new JsonObject
            {
                ["k"] = "lambda", ["type"] = TypeName(l.Type), ["params"] = new JsonArray([.. l.Parameters.Select(p => (JsonNode)new JsonObject { ["id"] = Id(p), ["name"] = p.Name, ["type"] = TypeName(p.Type) })]),
                ["body"] = Node(l.Body),
            },
            UnaryExpression u => new JsonObject { ["k"] = "unary", ["op"] = u.NodeType.ToString(), ["type"] = TypeName(u.Type), ["operand"] = Node(u.Operand), ["method"] = Method(u.Method) },
            BinaryExpression b when b.Conversion is null => new JsonObject
            {
                ["k"] = "binary", ["op"] = b.NodeType.ToString(), ["left"] = Node(b.Left), ["right"] = Node(b.Right), ["lift"] = b.IsLiftedToNull, ["method"] = Method(b.Method),
            },
            MethodCallExpression m => new JsonObject { ["k"] = "call", ["method"] = Method(m.Method), ["object"] = Node(m.Object), ["args"] = Nodes(m.Arguments) },
            MemberExpression m => new JsonObject { ["k"] = "member", ["member"] = Member(m.Member), ["object"] = Node(m.Expression) },
            NewExpression n => New(n),
            NewArrayExpression a => new JsonObject { ["k"] = a.NodeType == ExpressionType.NewArrayInit ? "array" : "arraybounds", ["type"] = TypeName(a.Type.GetElementType()!), ["items"] = Nodes(a.Expressions) },
            ConditionalExpression c => new JsonObject { ["k"] = "if", ["type"] = TypeName(c.Type), ["test"] = Node(c.Test), ["then"] = Node(c.IfTrue), ["else"] = Node(c.IfFalse) },
            TypeBinaryExpression t when t.NodeType == ExpressionType.TypeIs => new JsonObject { ["k"] = "is", ["type"] = TypeName(t.TypeOperand), ["operand"] = Node(t.Expression) },
            DefaultExpression d => new JsonObject { ["k"] = "default", ["type"] = TypeName(d.Type) },
            MemberInitExpression i when i.Bindings.All(b => b is MemberAssignment) => new JsonObject
            {
                ["k"] = "init", ["new"] = New(i.NewExpression),
                ["bindings"] = new JsonArray([.. i.Bindings.Cast<MemberAssignment>().Select(b => (JsonNode)new JsonObject { ["member"] = Member(b.Member), ["value"] = Node(b.Expression) })]),
            },
            _ => throw new NotSupportedException($"a {node.NodeType} node ({node.GetType().Name})"),
        };

        private JsonArray Nodes(IEnumerable<Expression> nodes) => new([.. nodes.Select(Node)]);

        private JsonObject New(NewExpression n) => new()
        {
            ["k"] = "new", ["type"] = TypeName(n.Type),
            ["ctor"] = n.Constructor is null ? null : new JsonArray([.. n.Constructor.GetParameters().Select(p => (JsonNode)TypeName(p.ParameterType))]),
            ["args"] = Nodes(n.Arguments),
            ["members"] = n.Members is null ? null : new JsonArray([.. n.Members.Select(m => (JsonNode)m.Name)]),
        };

        private static JsonObject? Method(MethodInfo? method) => method is null ? null : new JsonObject
        {
            ["type"] = TypeName(method.DeclaringType!), ["name"] = method.Name,
            ["generic"] = method.IsGenericMethod ? new JsonArray([.. method.GetGenericArguments().Select(t => (JsonNode)TypeName(t))]) : null,
            ["params"] = new JsonArray([.. method.GetParameters().Select(p => (JsonNode)TypeName(p.ParameterType))]),
            ["returns"] = TypeName(method.ReturnType), // conversion operators differ by return type only
        };

        private static JsonObject Member(MemberInfo member) => new() { ["type"] = TypeName(member.DeclaringType!), ["name"] = member.Name };
    }

    private sealed class Reader(ZgDatabase database, Func<string, Type> resolve)
    {
        private readonly Dictionary<int, ParameterExpression> _parameters = [];

        public void Declare(int id, ParameterExpression parameter) => _parameters[id] = parameter;

        public Expression Node(JsonObject json)
        {
            string kind = (string)json["k"]!;
            switch (kind)
            {
                case "root":
                {
                    var element = Type((string)json["type"]!);
                    var collection = typeof(ZgDatabase).GetMethod("Collection", BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public, System.Type.EmptyTypes)!
                        .MakeGenericMethod(element).Invoke(database, null)!;
                    return Expression.Constant(collection);
                }
                case "const":
                {
                    var type = Type((string)json["type"]!);
                    return Expression.Constant(json["value"] is null ? null : json["value"].Deserialize(type), type);
                }
                case "param": return _parameters[(int)json["id"]!];
                case "lambda":
                {
                    var parameters = json["params"]!.AsArray().Select(p =>
                    {
                        var parameter = Expression.Parameter(Type((string)p!["type"]!), (string?)p["name"]);
                        _parameters[(int)p["id"]!] = parameter;
                        return parameter;
                    }).ToList();
                    return Expression.Lambda(Type((string)json["type"]!), Node(json["body"]!.AsObject()), parameters);
                }
                case "unary":
                    return Expression.MakeUnary(Enum.Parse<ExpressionType>((string)json["op"]!), Node(json["operand"]!.AsObject()), Type((string)json["type"]!), Method(json["method"]));
                case "binary":
                    return Expression.MakeBinary(Enum.Parse<ExpressionType>((string)json["op"]!), Node(json["left"]!.AsObject()), Node(json["right"]!.AsObject()),
                        (bool)json["lift"]!, Method(json["method"]));
                case "call":
                    return Expression.Call(Optional(json["object"]), Method(json["method"])!, Nodes(json["args"]));
                case "member":
                {
                    var member = Member(json["member"]!.AsObject());
                    return Expression.MakeMemberAccess(Optional(json["object"]), member);
                }
                case "new": return New(json);
                case "array": return Expression.NewArrayInit(Type((string)json["type"]!), Nodes(json["items"]));
                case "arraybounds": return Expression.NewArrayBounds(Type((string)json["type"]!), Nodes(json["items"]));
                case "if":
                    return Expression.Condition(Node(json["test"]!.AsObject()), Node(json["then"]!.AsObject()), Node(json["else"]!.AsObject()), Type((string)json["type"]!));
                case "is": return Expression.TypeIs(Node(json["operand"]!.AsObject()), Type((string)json["type"]!));
                case "default": return Expression.Default(Type((string)json["type"]!));
                case "init":
                    return Expression.MemberInit(New(json["new"]!.AsObject()),
                        json["bindings"]!.AsArray().Select(b => Expression.Bind(Member(b!["member"]!.AsObject()), Node(b["value"]!.AsObject()))));
                default: throw new NotSupportedException($"an unknown node kind '{kind}'");
            }
        }

        private Expression? Optional(JsonNode? json) => json is null ? null : Node(json.AsObject());

        private List<Expression> Nodes(JsonNode? json) => [.. json!.AsArray().Select(n => Node(n!.AsObject()))];

        private NewExpression New(JsonObject json)
        {
            var type = Type((string)json["type"]!);
            if (json["ctor"] is not JsonArray ctor) return Expression.New(type);
            var constructor = type.GetConstructor(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic, [.. ctor.Select(t => Type((string)t!))])
                              ?? throw new NotSupportedException($"no such constructor of {type}");
            var arguments = Nodes(json["args"]);
            if (json["members"] is JsonArray members)
                return Expression.New(constructor, arguments, members.Select(m => (MemberInfo)type.GetProperty((string)m!)!));
            return Expression.New(constructor, arguments);
        }

        private MethodInfo? Method(JsonNode? json)
        {
            if (json is null) return null;
            var type = Type((string)json["type"]!);
            var name = (string)json["name"]!;
            var parameters = json["params"]!.AsArray().Select(t => Type((string)t!)).ToArray();
            var returns = Type((string)json["returns"]!);
            var generic = json["generic"] is JsonArray g ? g.Select(t => Type((string)t!)).ToArray() : null;
            const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance;
            foreach (var candidate in type.GetMethods(all).Where(m => m.Name == name && m.GetParameters().Length == parameters.Length))
            {
                var method = candidate;
                if (generic is not null)
                {
                    if (!candidate.IsGenericMethodDefinition || candidate.GetGenericArguments().Length != generic.Length) continue;
                    try { method = candidate.MakeGenericMethod(generic); }
                    catch (ArgumentException) { continue; }
                }
                else if (candidate.IsGenericMethodDefinition) continue;
                if (method.GetParameters().Select(p => p.ParameterType).SequenceEqual(parameters) && method.ReturnType == returns) return method;
            }
            throw new NotSupportedException($"no method {type.Name}.{name} with those parameters");
        }

        private MemberInfo Member(JsonObject json)
        {
            var type = Type((string)json["type"]!);
            const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly;
            return (MemberInfo?)type.GetProperty((string)json["name"]!, all) ?? type.GetField((string)json["name"]!, all)
                ?? throw new NotSupportedException($"no member {type.Name}.{json["name"]}");
        }

        private Type Type(string name) => resolve(name);
    }
}
