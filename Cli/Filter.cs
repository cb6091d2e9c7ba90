using System.Globalization;
using System.Text.Json;
using ZgDb.Tooling;

namespace ZgDb.Cli;

/// <summary>A <c>--where</c> expression that does not parse; names the position.</summary>
internal sealed class FilterSyntaxException(string message, int position)
    : ZgDbException($"--where: {message} at position {position + 1}.")
{
    public int Position { get; } = position;
}

/// <summary>
/// The small filter language of <c>zgdb query --where</c>, evaluated on documents as JSON (no LINQ, no user types).
/// <code>
/// expr       := and ( ("or" | "||") and )*
/// and        := unary ( ("and" | "&amp;&amp;") unary )*
/// unary      := ("not" | "!") unary | "(" expr ")" | comparison
/// comparison := path op literal
/// path       := name ("." name)*                      nested properties: Address.City
/// op         := = == != &lt;&gt; &lt; &lt;= &gt; &gt;= contains startswith endswith
/// literal    := number | 'text' | "text" | null | true | false
/// </code>
/// Names match exactly, else ignoring case. A missing property is null. Numbers compare as numbers, text ordinally
/// (so ISO dates compare as dates), true/false as themselves; ordering against null or another type is false, and
/// <c>!=</c> is always the negation of <c>=</c>. <c>contains</c> tests a substring, or an element of an array.
/// </summary>
internal static class Filter
{
    public static Func<JsonElement, bool> Parse(string text) => new Parser(text).ParseAll();

    /// <summary>
    /// Parses <paramref name="text"/> as a filter over <paramref name="collection"/> of <paramref name="reader"/>'s
    /// database: every property path it names must be in the collection's stored model, or among the properties that
    /// model remembers as removed (old documents may still hold their values). A collection with no stored model
    /// (never checkpointed) is filtered unchecked.
    /// </summary>
    /// <exception cref="FilterSyntaxException">The text does not parse, or names a property the collection's stored model does not have.</exception>
    public static Func<JsonElement, bool> Parse(string text, DatabaseDirectoryReader reader, CollectionFiles collection) =>
        collection.Entity is { } entity
            ? Parse(text, collection.Name, entity, (reader.Manifest?.Model?.RemovedProperties ?? []).Where(r => r.Collection == collection.Name).Select(r => r.Path))
            : Parse(text);

    private static Func<JsonElement, bool> Parse(string text, string collection, StoredEntity entity, IEnumerable<string> removedPaths)
    {
        var parser = new Parser(text);
        var filter = parser.ParseAll();
        foreach (var (path, position) in parser.Paths)
            if (!Known(entity.EveryProperty(), path, 0) && !removedPaths.Any(r => string.Equals(r, string.Join('.', path), StringComparison.OrdinalIgnoreCase)))
                throw new FilterSyntaxException(UnknownProperty(collection, entity, path), position);
        return filter;
    }

    /// <summary>The property paths <paramref name="text"/> names, each once, in order of appearance (what the studio's plan shows).</summary>
    /// <exception cref="FilterSyntaxException">The text does not parse.</exception>
    public static IReadOnlyList<string> PropertyPaths(string text)
    {
        var parser = new Parser(text);
        parser.ParseAll();
        return parser.Paths.Select(p => string.Join('.', p.Path)).Distinct(StringComparer.Ordinal).ToList();
    }

    private static bool Known(List<StoredProperty> level, string[] path, int at)
    {
        var property = level.FirstOrDefault(p => p.Name == path[at]) ?? level.FirstOrDefault(p => string.Equals(p.Name, path[at], StringComparison.OrdinalIgnoreCase));
        if (property is null) return false;
        if (at == path.Length - 1) return true;
        return property.Nested is { } nested && Known(nested, path, at + 1);
    }

    private static string UnknownProperty(string collection, StoredEntity entity, string[] path)
    {
        var names = new List<string>();
        void Collect(List<StoredProperty> level, string prefix)
        {
            foreach (var p in level)
            {
                names.Add(prefix + p.Name);
                if (p.Nested is { } nested) Collect(nested, prefix + p.Name + ".");
            }
        }
        Collect(entity.EveryProperty(), "");
        var wanted = string.Join('.', path);
        var near = names.Select(n => (Name: n, Distance: Distance(n.ToLowerInvariant(), wanted.ToLowerInvariant())))
            .Where(n => n.Distance <= Math.Max(2, wanted.Length / 3)).OrderBy(n => n.Distance).Select(n => n.Name).FirstOrDefault();
        return $"the collection '{collection}' has no property '{wanted}'" + (near is null ? "" : $" (did you mean '{near}'?)") +
            $" (the stored model has: {string.Join(", ", names)})";
    }

    /// <summary>Levenshtein distance (names are short).</summary>
    private static int Distance(string a, string b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }

    private enum TokenKind { Name, Number, Text, Op, LeftParen, RightParen, End }

    private readonly record struct Token(TokenKind Kind, string Text, int Position);

    private sealed class Parser
    {
        private readonly List<Token> _tokens;
        private int _at;

        public Parser(string text) => _tokens = Tokenize(text);

        /// <summary>Every property path the filter names, with its position in the text.</summary>
        public List<(string[] Path, int Position)> Paths { get; } = [];

        private Token Current => _tokens[_at];

        public Func<JsonElement, bool> ParseAll()
        {
            var expression = ParseOr();
            if (Current.Kind != TokenKind.End) throw new FilterSyntaxException($"unexpected '{Current.Text}'", Current.Position);
            return expression;
        }

        private bool IsWord(string word) => Current.Kind == TokenKind.Name && string.Equals(Current.Text, word, StringComparison.OrdinalIgnoreCase);

        private Func<JsonElement, bool> ParseOr()
        {
            var left = ParseAnd();
            while (IsWord("or") || Current is { Kind: TokenKind.Op, Text: "||" })
            {
                _at++;
                var l = left;
                var r = ParseAnd();
                left = d => l(d) || r(d);
            }
            return left;
        }

        private Func<JsonElement, bool> ParseAnd()
        {
            var left = ParseUnary();
            while (IsWord("and") || Current is { Kind: TokenKind.Op, Text: "&&" })
            {
                _at++;
                var l = left;
                var r = ParseUnary();
                left = d => l(d) && r(d);
            }
            return left;
        }

        private Func<JsonElement, bool> ParseUnary()
        {
            if (IsWord("not") || Current is { Kind: TokenKind.Op, Text: "!" })
            {
                _at++;
                var inner = ParseUnary();
                return d => !inner(d);
            }
            if (Current.Kind == TokenKind.LeftParen)
            {
                _at++;
                var inner = ParseOr();
                if (Current.Kind != TokenKind.RightParen) throw new FilterSyntaxException("expected ')'", Current.Position);
                _at++;
                return inner;
            }
            return ParseComparison();
        }

        private Func<JsonElement, bool> ParseComparison()
        {
            if (Current.Kind != TokenKind.Name || IsWord("and") || IsWord("or"))
                throw new FilterSyntaxException(Current.Kind == TokenKind.End ? "expected a property name, found the end" : $"expected a property name, found '{Current.Text}'", Current.Position);
            var path = Current.Text.Split('.');
            Paths.Add((path, Current.Position));
            _at++;
            string op;
            if (Current.Kind == TokenKind.Op && Current.Text is "=" or "==" or "!=" or "<>" or "<" or "<=" or ">" or ">=") op = Current.Text;
            else if (IsWord("contains") || IsWord("startswith") || IsWord("endswith")) op = Current.Text.ToLowerInvariant();
            else throw new FilterSyntaxException(Current.Kind == TokenKind.End ? $"expected an operator after '{string.Join('.', path)}'" : $"expected an operator, found '{Current.Text}'", Current.Position);
            _at++;
            var literal = ParseLiteral();
            return op switch
            {
                "=" or "==" => d => AreEqual(Resolve(d, path), literal),
                "!=" or "<>" => d => !AreEqual(Resolve(d, path), literal),
                "<" => d => Order(Resolve(d, path), literal) is < 0,
                "<=" => d => Order(Resolve(d, path), literal) is <= 0,
                ">" => d => Order(Resolve(d, path), literal) is > 0,
                ">=" => d => Order(Resolve(d, path), literal) is >= 0,
                "contains" => d => Contains(Resolve(d, path), literal),
                "startswith" => d => Resolve(d, path) is { ValueKind: JsonValueKind.String } s && literal is string t && s.GetString()!.StartsWith(t, StringComparison.Ordinal),
                _ => d => Resolve(d, path) is { ValueKind: JsonValueKind.String } s && literal is string t && s.GetString()!.EndsWith(t, StringComparison.Ordinal),
            };
        }

        /// <summary>null, bool, decimal/double, or string.</summary>
        private object? ParseLiteral()
        {
            var token = Current;
            _at++;
            switch (token.Kind)
            {
                case TokenKind.Number:
                    if (decimal.TryParse(token.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var m)) return m;
                    if (double.TryParse(token.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)) return d;
                    throw new FilterSyntaxException($"'{token.Text}' is not a number", token.Position);
                case TokenKind.Text:
                    return token.Text;
                case TokenKind.Name when token.Text.Equals("null", StringComparison.OrdinalIgnoreCase):
                    return null;
                case TokenKind.Name when token.Text.Equals("true", StringComparison.OrdinalIgnoreCase):
                    return true;
                case TokenKind.Name when token.Text.Equals("false", StringComparison.OrdinalIgnoreCase):
                    return false;
                case TokenKind.End:
                    throw new FilterSyntaxException("expected a value, found the end", token.Position);
                case TokenKind.Name:
                    throw new FilterSyntaxException($"expected a value (number, 'text', null, true, false), found '{token.Text}' (quote text: '{token.Text}')", token.Position);
                default:
                    throw new FilterSyntaxException($"expected a value (number, 'text', null, true, false), found '{token.Text}'", token.Position);
            }
        }
    }

    private static JsonElement? Resolve(JsonElement document, string[] path)
    {
        var current = document;
        foreach (var name in path)
        {
            if (current.ValueKind != JsonValueKind.Object) return null;
            if (current.TryGetProperty(name, out var next))
            {
                current = next;
                continue;
            }
            JsonElement? found = null;
            foreach (var property in current.EnumerateObject())
                if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                {
                    found = property.Value;
                    break;
                }
            if (found is null) return null;
            current = found.Value;
        }
        return current.ValueKind == JsonValueKind.Null ? null : current;
    }

    private static bool AreEqual(JsonElement? value, object? literal)
    {
        if (value is null || literal is null) return value is null && literal is null;
        return Order(value, literal) == 0;
    }

    /// <summary>The order of a value against a literal of the same kind, or null when they do not compare.</summary>
    private static int? Order(JsonElement? value, object? literal)
    {
        if (value is not { } v || literal is null) return null;
        switch (v.ValueKind, literal)
        {
            case (JsonValueKind.Number, decimal m):
                return v.TryGetDecimal(out var dm) ? dm.CompareTo(m) : v.GetDouble().CompareTo((double)m);
            case (JsonValueKind.Number, double d):
                return v.GetDouble().CompareTo(d);
            case (JsonValueKind.String, string s):
                return Math.Sign(string.CompareOrdinal(v.GetString(), s));
            case (JsonValueKind.True or JsonValueKind.False, bool b):
                return v.GetBoolean().CompareTo(b);
            default:
                return null;
        }
    }

    private static bool Contains(JsonElement? value, object? literal)
    {
        if (value is not { } v) return false;
        if (v.ValueKind == JsonValueKind.String) return literal is string s && v.GetString()!.Contains(s, StringComparison.Ordinal);
        if (v.ValueKind == JsonValueKind.Array)
            foreach (var item in v.EnumerateArray())
                if (item.ValueKind == JsonValueKind.Null ? literal is null : AreEqual(item, literal)) return true;
        return false;
    }

    private static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        int i = 0;
        while (i < text.Length)
        {
            char c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }
            int start = i;
            if (c is '(' or ')')
            {
                tokens.Add(new Token(c == '(' ? TokenKind.LeftParen : TokenKind.RightParen, c.ToString(), i++));
                continue;
            }
            if (c is '\'' or '"')
            {
                var builder = new System.Text.StringBuilder();
                i++;
                while (true)
                {
                    if (i >= text.Length) throw new FilterSyntaxException("unterminated text literal", start);
                    if (text[i] == c)
                    {
                        if (i + 1 < text.Length && text[i + 1] == c)
                        {
                            builder.Append(c); // a doubled quote is a quote
                            i += 2;
                            continue;
                        }
                        i++;
                        break;
                    }
                    builder.Append(text[i++]);
                }
                tokens.Add(new Token(TokenKind.Text, builder.ToString(), start));
                continue;
            }
            if (char.IsDigit(c) || (c is '-' or '+' or '.') && i + 1 < text.Length && (char.IsDigit(text[i + 1]) || text[i + 1] == '.'))
            {
                i++;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '.' || (text[i] is '+' or '-') && text[i - 1] is 'e' or 'E')) i++;
                tokens.Add(new Token(TokenKind.Number, text[start..i], start));
                continue;
            }
            if (char.IsLetter(c) || c == '_')
            {
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] is '_' or '.')) i++;
                var name = text[start..i];
                if (name.EndsWith('.') || name.Contains("..", StringComparison.Ordinal)) throw new FilterSyntaxException($"'{name}' is not a property path", start);
                tokens.Add(new Token(TokenKind.Name, name, start));
                continue;
            }
            foreach (var op in new[] { "==", "!=", "<>", "<=", ">=", "&&", "||", "=", "<", ">", "!" })
                if (string.CompareOrdinal(text, i, op, 0, op.Length) == 0)
                {
                    tokens.Add(new Token(TokenKind.Op, op, i));
                    i += op.Length;
                    goto next;
                }
            throw new FilterSyntaxException($"unexpected character '{c}'", i);
        next:;
        }
        tokens.Add(new Token(TokenKind.End, "", text.Length));
        return tokens;
    }
}
