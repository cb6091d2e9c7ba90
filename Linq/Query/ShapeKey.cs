namespace ZgDb.Query;

/// <summary>
/// A query's shape, the plan cache's key (<see cref="QueryPipeline"/>): the token stream <see cref="QueryParameterizer"/>
/// writes as it walks the expression (node types, type handles, member numbers, lambda parameter positions; a parameter
/// as its type only), with its hash computed as the tokens are written. Two keys are equal when their tokens are: every
/// token kind is a <see cref="ShapeToken"/> followed by a fixed number of payload tokens, so equal streams are equal
/// structures. Replaces the string key (building and hashing a string of several hundred characters per query).
/// </summary>
internal readonly struct ShapeKey : IEquatable<ShapeKey>
{
    private readonly long[] _tokens;
    private readonly int _length;
    private readonly int _hash;

    public ShapeKey(long[] tokens, int length, int hash)
    {
        _tokens = tokens;
        _length = length;
        _hash = hash;
    }

    public ReadOnlySpan<long> Tokens => _tokens.AsSpan(0, _length);

    /// <summary>The key with an array of its own (the builder's buffer is larger and may be reused): the form the cache keeps.</summary>
    public ShapeKey Detached() => _tokens.Length == _length ? this : new ShapeKey(Tokens.ToArray(), _length, _hash);

    public bool Equals(ShapeKey other) => _hash == other._hash && Tokens.SequenceEqual(other.Tokens);

    public override bool Equals(object? obj) => obj is ShapeKey other && Equals(other);

    public override int GetHashCode() => _hash;

    public override string ToString() => string.Join(' ', Tokens.ToArray());
}

/// <summary>The kinds of token in a <see cref="ShapeKey"/>, each followed by the payload its comment names.</summary>
internal enum ShapeToken : long
{
    /// <summary>A null child expression; no payload.</summary>
    Null = 1,

    /// <summary>A collection root: its element type's handle.</summary>
    Root,

    /// <summary>The start of an inlined ZgDb query (its tokens follow, then <see cref="InlineEnd"/>); no payload.</summary>
    InlineStart,

    /// <summary>The end of an inlined query; no payload.</summary>
    InlineEnd,

    /// <summary>The next value was evaluated (a query source written as a call); no payload.</summary>
    Evaluated,

    /// <summary>A <see cref="StringComparison"/> constant: its value.</summary>
    Comparison,

    /// <summary>A null constant: its type's handle.</summary>
    NullConstant,

    /// <summary>A parameter (a constant or captured value): its type's handle.</summary>
    Parameter,

    /// <summary>An expression node: its <see cref="System.Linq.Expressions.ExpressionType"/> and its type's handle; its children follow, then <see cref="NodeEnd"/>.</summary>
    NodeStart,

    /// <summary>The end of an expression node; no payload.</summary>
    NodeEnd,

    /// <summary>A lambda parameter: its position among the enclosing lambdas' parameters.</summary>
    LambdaParameter,

    /// <summary>A member, method or constructor: its number.</summary>
    Member,

    /// <summary>A member binding: its <see cref="System.Linq.Expressions.MemberBindingType"/>.</summary>
    Binding,

    /// <summary>A binary operator lifted to null; no payload.</summary>
    Lifted,

    /// <summary>A type test: the tested type's handle.</summary>
    TypeTest,
}

/// <summary>Writes a <see cref="ShapeKey"/>'s tokens and hash (FNV-1a over the tokens) during the parameterizer's walk.</summary>
internal struct ShapeKeyBuilder
{
    private const ulong Offset = 14695981039346656037, Prime = 1099511628211;
    private long[] _tokens;
    private int _length;
    private ulong _hash;

    public ShapeKeyBuilder()
    {
        _tokens = new long[64];
        _hash = Offset;
    }

    public void Add(ShapeToken token) => Add((long)token);

    public void Add(ShapeToken token, long payload)
    {
        Add((long)token);
        Add(payload);
    }

    public void Add(ShapeToken token, long first, long second)
    {
        Add((long)token);
        Add(first);
        Add(second);
    }

    private void Add(long token)
    {
        if (_length == _tokens.Length) Array.Resize(ref _tokens, _tokens.Length * 2);
        _tokens[_length++] = token;
        _hash = (_hash ^ (ulong)token) * Prime;
    }

    public readonly ShapeKey ToKey() => new(_tokens, _length, (int)(_hash ^ (_hash >> 32)));
}
