namespace ZgDb.Migrations.SourceGeneration;

/// <summary>How CLR types and members are spelled in generated C#.</summary>
internal static class CSharpNames
{
    private static readonly HashSet<string> Keywords =
    [
        "abstract", "as", "base", "bool", "break", "byte", "case", "catch", "char", "checked", "class", "const", "continue",
        "decimal", "default", "delegate", "do", "double", "else", "enum", "event", "explicit", "extern", "false", "finally",
        "fixed", "float", "for", "foreach", "goto", "if", "implicit", "in", "int", "interface", "internal", "is", "lock",
        "long", "namespace", "new", "null", "object", "operator", "out", "override", "params", "private", "protected",
        "public", "readonly", "ref", "return", "sbyte", "sealed", "short", "sizeof", "stackalloc", "static", "string",
        "struct", "switch", "this", "throw", "true", "try", "typeof", "uint", "ulong", "unchecked", "unsafe", "ushort",
        "using", "virtual", "void", "volatile", "while",
    ];

    /// <summary>An identifier, escaped with @ when it is a keyword.</summary>
    public static string Identifier(string name) => Keywords.Contains(name) ? "@" + name : name;

    /// <summary>A string literal.</summary>
    public static string Literal(string value) =>
        "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n").Replace("\r", "\\r") + "\"";

    /// <summary>The fully qualified name of a type (<c>global::Blog.User</c>, <c>global::System.Collections.Generic.List&lt;int&gt;</c>).</summary>
    public static string Type(Type type)
    {
        if (type.IsArray) return Type(type.GetElementType()!) + "[" + new string(',', type.GetArrayRank() - 1) + "]";
        if (Nullable.GetUnderlyingType(type) is { } inner) return Type(inner) + "?";
        if (type.IsGenericParameter) return type.Name;
        var name = type.IsNested ? Type(type.DeclaringType!) + "." + type.Name : "global::" + (type.Namespace is null ? "" : type.Namespace + ".") + type.Name;
        if (!type.IsGenericType) return name;
        var tick = name.IndexOf('`');
        var arguments = type.GetGenericArguments();
        if (type.IsNested) arguments = arguments[type.DeclaringType!.GetGenericArguments().Length..];
        return (tick < 0 ? name : name[..tick]) + "<" + string.Join(", ", arguments.Select(Type)) + ">";
    }
}
