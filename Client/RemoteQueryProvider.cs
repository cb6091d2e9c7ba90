using System.Collections;
using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
using Google.Protobuf;
using Grpc.Core;
using ZgDb.Remote;
using ZgDb.Remote.Protocol;

namespace ZgDb.Client;

/// <summary>
/// The query provider of a connected database. A query is split where the remote format stops: the longest source
/// chain above the collection that <see cref="QueryWriter"/> can write (<c>Where</c>, <c>OrderBy/ThenBy</c>,
/// <c>Skip/Take</c>, member <c>Select</c>, <c>Count/LongCount/Any</c>) runs on the server, through its planner and
/// indexes, and comes back in pages; everything above it runs here with LINQ-to-Objects over those results, as the
/// embedded provider runs the operators its plans do not serve. <c>First/FirstOrDefault/Single/SingleOrDefault</c> on
/// top of a remote chain fetch one (two for Single) results and are applied here, so their exceptions are LINQ's own.
/// </summary>
internal sealed class RemoteQueryProvider(GrpcBackend backend) : IQueryProvider, IExplainingProvider
{
    private static readonly MethodInfo StreamMethod = typeof(RemoteQueryProvider).GetMethod(nameof(StreamQueryable), BindingFlags.NonPublic | BindingFlags.Instance)!;
    private static readonly MethodInfo QueryableWhere = typeof(Queryable).GetMethods().Single(m => m.Name == "Where" && m.GetParameters()[1].ParameterType.GetGenericArguments()[0].GetGenericArguments().Length == 2);

    public IQueryable CreateQuery(Expression expression) =>
        (IQueryable)Activator.CreateInstance(typeof(RemoteQuery<>).MakeGenericType(RemoteDatabase.ElementType(expression.Type)), this, expression)!;

    public IQueryable<TElement> CreateQuery<TElement>(Expression expression) => new RemoteQuery<TElement>(this, expression);

    public object? Execute(Expression expression) => Execute<object?>(expression);

    public TResult Execute<TResult>(Expression expression)
    {
        var (remote, rest) = Split(expression);
        if (rest is null) return (TResult)remote!;
        return ((IQueryProvider)Enumerable.Empty<int>().AsQueryable().Provider).Execute<TResult>(rest);
    }

    /// <summary>What the server runs and what is left to LINQ-to-Objects (null when the server answers the whole query).</summary>
    internal string Describe(Expression expression)
    {
        var (_, chain, written, k) = Walk(expression);
        return written is null ? "IN MEMORY (client): the query's root is not a collection of this database"
            : k == chain.Count ? $"REMOTE {string.Join(" -> ", chain.Select(c => c.Method.Name).Prepend("Collection"))}"
            : $"REMOTE {string.Join(" -> ", chain.Take(k).Select(c => c.Method.Name).Prepend("Collection"))} -> IN MEMORY (client) {string.Join(", ", chain.Skip(k).Select(c => c.Method.Name))}";
    }

    /// <summary>The server's plan of the part it runs (asked for, not run) and the operators left to the client.</summary>
    public string Explain(Expression expression)
    {
        var (root, chain, written, k) = Walk(expression);
        if (written is null) return Describe(expression);
        var name = backend.Model.FindEntity(((IQueryable)((ConstantExpression)root).Value!).ElementType)!.CollectionName;
        var request = new QueryRequest { Query = UnsafeByteOperations.UnsafeWrap(new QueryMessage { Collection = name, Chain = written }.ToUtf8()), ExplainOnly = true };
        var plan = "";
        using (var call = backend.Call(o => backend.Data.Query(request, o)))
        {
            try
            {
                while (call.ResponseStream.MoveNext(CancellationToken.None).GetAwaiter().GetResult()) plan += call.ResponseStream.Current.Explain;
            }
            catch (RpcException e)
            {
                throw backend.Failure(e);
            }
        }
        return k == chain.Count ? $"REMOTE [{plan}]" : $"REMOTE [{plan}] -> IN MEMORY (client) {string.Join(", ", chain.Skip(k).Select(c => c.Method.Name))}";
    }

    private (Expression Root, List<MethodCallExpression> Chain, QueryNode? Written, int Served) Walk(Expression expression)
    {
        var chain = new List<MethodCallExpression>();
        var node = expression;
        while (node is MethodCallExpression call && (call.Method.DeclaringType == typeof(Queryable) || IsInclude(call)) && call.Arguments.Count > 0)
        {
            chain.Add(call);
            node = call.Arguments[0];
        }
        chain.Reverse();
        var written = backend.Writer.TryWriteSource(node);
        int k = 0;
        if (written is not null)
            for (; k < chain.Count; k++)
            {
                var next = backend.Writer.TryWriteOperator(chain[k], written);
                if (next is null) break;
                written = next;
            }
        return (node, chain, written, k);
    }

    private static bool IsInclude(MethodCallExpression call) => call.Method.DeclaringType == typeof(ZgDb.Linq.IncludeExtensions);

    private (object? Result, Expression? Remainder) Split(Expression expression)
    {
        var (root, chain, written, k) = Walk(expression);
        if (written is null)
            throw new NotSupportedException($"The query {expression} does not start at a collection of this connected database; compose queries on db.<Collection>.");
        // An Include is loaded by the server or not at all: none may be left to the client.
        if (chain.Skip(k).FirstOrDefault(IsInclude) is { } include)
            throw new NotSupportedException(k < chain.Count && !IsInclude(chain[k])
                ? $"{include.Method.Name}({include.Arguments[1]}) comes after {chain[k].Method.Name}, which runs on the client of this connected database: put Include before the operators that cannot travel (docs/SERVER.md, \"What runs where\")."
                : $"{include.Method.Name}({include.Arguments[1]}) cannot travel to the ZgDb server {backend.Address}: only a navigation of a relationship of the model does (x => x.Navigation), not a filtered include or a many-to-many navigation.");
        var collection = ((IQueryable)((ConstantExpression)root).Value!).ElementType;
        var name = backend.Model.FindEntity(collection)!.CollectionName;
        if (k == chain.Count)
        {
            var whole = new QueryMessage { Collection = name, Chain = written };
            return typeof(IQueryable).IsAssignableFrom(expression.Type)
                ? (Stream(whole, RemoteDatabase.ElementType(expression.Type)), null)
                : (Scalar(whole, expression.Type), null);
        }
        var pending = chain[k];
        var below = pending.Arguments[0];
        var element = RemoteDatabase.ElementType(below.Type);
        if (k == chain.Count - 1 && pending.Method.Name is "First" or "FirstOrDefault" or "Single" or "SingleOrDefault" && pending.Arguments.Count <= 2)
        {
            // The element operators fetch at most what they look at (1, or 2 for Single), and LINQ applies them here.
            var filtered = written;
            if (pending.Arguments.Count == 2)
                filtered = backend.Writer.TryWriteOperator(Expression.Call(QueryableWhere.MakeGenericMethod(element), below, pending.Arguments[1]), written);
            if (filtered is not null)
            {
                int take = pending.Method.Name.StartsWith("Single", StringComparison.Ordinal) ? 2 : 1;
                var limited = new QueryNode { Kind = "op", Name = "Take", Args = [filtered, new QueryNode { Kind = "const", Type = "int", Value = JsonSerializer.SerializeToElement(take) }] };
                var fetched = Stream(new QueryMessage { Collection = name, Chain = limited }, element);
                // The operator itself (with its predicate, rechecked over at most two rows) runs here: LINQ's own messages.
                return (null, Expression.Call(pending.Method, [Expression.Constant(fetched), .. pending.Arguments.Skip(1)]));
            }
        }
        var results = Stream(new QueryMessage { Collection = name, Chain = written }, element);
        return (null, new Replace(below, Expression.Constant(results)).Visit(expression));
    }

    private sealed class Replace(Expression from, Expression to) : ExpressionVisitor
    {
        public override Expression? Visit(Expression? node) => ReferenceEquals(node, from) ? to : base.Visit(node);
    }

    private IQueryable Stream(QueryMessage message, Type element) => (IQueryable)StreamMethod.MakeGenericMethod(element).Invoke(this, [message])!;

    private IQueryable<T> StreamQueryable<T>(QueryMessage message) => Stream<T>(message).AsQueryable();

    private object? Scalar(QueryMessage message, Type type)
    {
        foreach (var page in Pages(message))
            if (page.IsScalar) return JsonSerializer.Deserialize(backend.Unpack(page.Scalar.Span), type, backend.Json);
        throw new ZgDbConnectionException(backend.Address, "the server answered a Count/Any query without its value.");
    }

    /// <summary>The results of a sequence query, read page by page as they are enumerated (each enumeration runs the query again).</summary>
    public IEnumerable<T> Stream<T>(QueryMessage message)
    {
        foreach (var page in Pages(message))
            foreach (var item in page.Items)
                yield return page.Included ? (T)Included(backend.Unpack(item.Span), typeof(T)) : JsonSerializer.Deserialize<T>(backend.Unpack(item.Span), backend.Json)!;
    }

    /// <summary>A result of a query with Include: its envelope (the server's <c>IncludeTree</c>) read back, the included documents set on their navigations.</summary>
    private object Included(ReadOnlySpan<byte> envelope, Type type)
    {
        try
        {
            using var document = JsonDocument.Parse(envelope.ToArray());
            return Included(document.RootElement, type);
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or KeyNotFoundException or ArgumentException)
        {
            throw new ZgDbConnectionException(backend.Address, "the server sent an included result that cannot be read: " + e.Message, e);
        }
    }

    private object Included(JsonElement envelope, Type type)
    {
        var item = envelope.GetProperty("d").Deserialize(type, backend.Json) ?? throw new JsonException("an included document is null");
        foreach (var navigation in envelope.GetProperty("n").EnumerateObject())
        {
            var property = item.GetType().GetProperty(navigation.Name) ?? throw new JsonException($"{item.GetType().Name} has no navigation '{navigation.Name}'");
            object? value = null;
            if (navigation.Value.ValueKind == JsonValueKind.Array)
            {
                var element = property.PropertyType.GetInterfaces().Append(property.PropertyType)
                    .First(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>)).GetGenericArguments()[0];
                var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(element))!;
                foreach (var one in navigation.Value.EnumerateArray()) list.Add(Included(one, element));
                value = list;
            }
            else if (navigation.Value.ValueKind != JsonValueKind.Null)
                value = Included(navigation.Value, property.PropertyType);
            property.SetValue(item, value);
        }
        return item;
    }

    private IEnumerable<QueryPage> Pages(QueryMessage message)
    {
        var request = new QueryRequest { Query = UnsafeByteOperations.UnsafeWrap(message.ToUtf8()) };
        if (backend.Current is { } tx)
        {
            // Inside a transaction the server answers in one page, from the transaction's view (its own writes included).
            yield return tx.Send(new TxRequest { Query = request }).Page;
            yield break;
        }
        // Retried (on UNAVAILABLE) until its first page arrives; once results were handed out, a failure is thrown.
        var (call, more) = backend.Retried(o =>
        {
            var started = backend.Data.Query(request, o);
            try
            {
                return (started, started.ResponseStream.MoveNext(CancellationToken.None).GetAwaiter().GetResult());
            }
            catch
            {
                started.Dispose();
                throw;
            }
        });
        using (call)
        {
            while (more)
            {
                yield return call.ResponseStream.Current;
                try
                {
                    more = call.ResponseStream.MoveNext(CancellationToken.None).GetAwaiter().GetResult();
                }
                catch (RpcException e)
                {
                    throw backend.Failure(e);
                }
            }
        }
    }
}

/// <summary>A query over a connected database's collections; runs (on the server, and here for what the server cannot run) each time it is enumerated.</summary>
internal sealed class RemoteQuery<T>(RemoteQueryProvider provider, Expression expression) : IOrderedQueryable<T>
{
    public Type ElementType => typeof(T);
    public Expression Expression { get; } = expression;
    public IQueryProvider Provider => provider;
    public IEnumerator<T> GetEnumerator() => provider.Execute<IEnumerable<T>>(Expression).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    public override string ToString() => provider.Describe(Expression);
}
