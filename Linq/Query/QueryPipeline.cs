using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Runtime.CompilerServices;
using ZgDb.Query.Execution;
using ZgDb.Query.Planning;
using ZgDb.Query.Plans;
using ZgDb.Query.Relinq;

namespace ZgDb.Query;

/// <summary>
/// Runs LINQ queries over one database. The whole pipeline is <see cref="Execute"/>; its phases are described in
/// Linq/README.md. One instance per database, shared by its collections; thread-safe.
/// </summary>
internal sealed class QueryPipeline
{
    private const int CacheLimit = 2048;
    private static readonly ConditionalWeakTable<ZgDatabase, QueryPipeline> Pipelines = new();
    private readonly ConcurrentDictionary<ShapeKey, CompiledQuery> _cache = new();
    private readonly ZgDatabase _database;

    private QueryPipeline(ZgDatabase database) => _database = database;

    public static QueryPipeline For(ZgDatabase database) => Pipelines.GetValue(database, d => new QueryPipeline(d));

    /// <summary>Cached plans (for tests and tools).</summary>
    public int CachedPlans => _cache.Count;

    /// <summary>How many queries this database has parsed and compiled (cache misses), for tests.</summary>
    public long Compilations => Interlocked.Read(ref _compilations);

    private long _compilations;

    /// <summary>Runs <paramref name="query"/> (without Include calls) and loads <paramref name="includes"/> on its results, all over one database state.</summary>
    public object? Execute(Expression query, Relations.IncludeProcessor? includes, Telemetry.OperationTelemetry? telemetry = null)
    {
        // 1. Parameterize: the query's shape (the cache key) and its parameter values, without re-linq.
        var (shape, parameters, sources) = QueryParameterizer.Analyze(query, _database);
        // 2. Look up the plan cache; on a miss, parse (3), plan (4) and compile (5) once for this shape.
        var compiled = Lookup(shape, query, sources, parameters);
        if (telemetry is not null) Describe(telemetry, compiled, query, sources);
        // 6. Execute over one database state, read once for every collection the query touches (navigations included).
        var context = new QueryContext(_database, _database.Engine.ReadState(), parameters) { ResolvesIdentity = compiled.ResolvesIdentity, Includes = includes, Cancellation = QueryCancellation.Current };
        var result = compiled.Run(context);
        // 7. Include: the navigations are loaded, as the results are enumerated, from the same state.
        return includes is null ? result : includes.ApplyTo(result, context);
    }

    /// <summary>A listened-to query's span: its collection, its access paths (no values) and, when opted in, its shape as <c>db.query.text</c>.</summary>
    private void Describe(Telemetry.OperationTelemetry telemetry, CompiledQuery compiled, Expression query, IReadOnlyList<object?> sources)
    {
        var summary = compiled.Summary(_database.Model);
        if (summary.Collection is { } collection) telemetry.SetCollection(collection);
        if (telemetry.Activity is not { } activity) return;
        activity.SetTag(TelemetryTags.AccessPath, summary.AccessPath);
        // the query with its values as parameters (@p0...), printed once per plan
        if (ZgDbTelemetry.RecordQueryText || _database.Engine.Options.RecordQueryText) activity.SetTag(TelemetryTags.QueryText, compiled.QueryText ??= QueryParameterizer.Rewrite(query, sources, out _).Query.ToString());
    }

    /// <summary>The plan <see cref="Execute"/> would run for <paramref name="query"/>, as text.</summary>
    public string Explain(Expression query)
    {
        var (shape, parameters, sources) = QueryParameterizer.Analyze(query, _database);
        return Lookup(shape, query, sources, parameters).Explain(parameters);
    }

    /// <summary>The plan of a query shape: from the cache, or parsed, planned and compiled once (also for <see cref="ZgQuery"/>).</summary>
    internal CompiledQuery Lookup(ShapeKey shape, Expression query, IReadOnlyList<object?> sources, object?[] values)
    {
        if (_cache.TryGetValue(shape, out var compiled)) return compiled;
        compiled = Compile(query, sources, out var parameterized, out var parameters, out var literals);
        // The options' observer sees each shape once, before it runs; when it throws, the plan is not cached.
        if (_database.Engine.Options.QueryObserver is { } observer)
            observer.OnCompiled(new CompiledQueryEvent(_database, _database.Model, shape.ToString(), parameterized, parameters, literals, values, compiled.Explain(values)));
        if (_cache.Count >= CacheLimit) _cache.Clear();
        return _cache.GetOrAdd(shape.Detached(), compiled);
    }

    private QueryContext NewContext(object?[] parameters) => new(_database, _database.Engine.ReadState(), parameters);

    private CompiledQuery Compile(Expression query, IReadOnlyList<object?> sources, out Expression parameterized, out IReadOnlyList<ParameterExpression> parameters, out IReadOnlyList<bool> literals)
    {
        Interlocked.Increment(ref _compilations);
        // 3. Parse with re-linq (behind its seam) into the normalized query: Enumerable operators over collection sources.
        (parameterized, parameters) = QueryParameterizer.Rewrite(query, sources, out literals);
        var normalized = RelinqFrontEnd.Normalize(parameterized);
        // Navigations (u.Posts, p.Author) become key and foreign-key lookups in the query's context, after parsing:
        // re-linq cannot parse them.
        var context = Expression.Parameter(typeof(QueryContext), "context");
        var parsed = normalized;
        if (_database.Model.Relationships.Count > 0) normalized = new Relations.NavigationExpander(_database.Model, context).Visit(normalized);
        bool navigates = !ReferenceEquals(parsed, normalized);
        // Entities compare by key (a captured one matches its document); an operator comparing values that hold
        // entities needs each document materialized once (Planning/EntityIdentity).
        var identity = new EntityIdentity(_database.Model);
        normalized = identity.Rewrite(normalized);
        // OfType<Derived>() over a collection holding a hierarchy: a type test the plan serves (Planning/OfTypeRewriter).
        normalized = OfTypeRewriter.Rewrite(_database.Model, normalized);

        // 4. Plan each collection source: access path, filters, sort, limits, copies.
        var probe = NewContext([]);
        // Documents are copied where the application could see them: in the result, or handed to its code inside the
        // query (Planning/StoredObjectEscapes); a read that only the plan's compiled code looks at copies nothing.
        bool copyDocuments = !ResultSafety.IsDetached(normalized.Type) || identity.ComparesEntities || StoredObjectEscapes.Any(normalized);
        var planner = new QueryPlanner(_database.Model, (type, name) => IndexExists(probe, type, name), copyDocuments, context);
        var planned = planner.Visit(normalized);
        // One copy per document and execution when entities are compared, or when the result holds entities that
        // may come twice (navigations, several reads, operators over the reads); a plain read pays nothing.
        bool resolvesIdentity = identity.ComparesEntities
                                || copyDocuments && (navigates || planner.Plans.Count > 1 || planner.InMemory.Count > 0);

        // 5. Compile: parameters become reads of the context's values; one delegate per shape.
        var body = new ParameterBinder(parameters, context).Visit(planned);
        // The interpreter (Native AOT) cannot run span calls; they become their Enumerable equivalents (Planning/SpanCallRewriter).
        if (ExpressionCompilation.Interpreting) body = SpanCallRewriter.Rewrite(body);
        var run = ExpressionCompilation.Compile(Expression.Lambda<Func<QueryContext, object?>>(Expression.Convert(body, typeof(object)), context));
        return new CompiledQuery(run, planner.Plans, planner.InMemory) { ResolvesIdentity = resolvesIdentity };
    }

    private static bool IndexExists(QueryContext probe, Type element, string name) =>
        (bool)typeof(QueryPipeline).GetMethod(nameof(IndexExistsOf), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(element).Invoke(null, [probe, name])!;

    private static bool IndexExistsOf<T>(QueryContext probe, string name) where T : class => probe.Index<T>(name) is not null;

    /// <summary>Replaces each query parameter <c>@pN</c> with <c>(T)context.Parameters[N]</c>.</summary>
    private sealed class ParameterBinder(IReadOnlyList<ParameterExpression> parameters, ParameterExpression context) : ExpressionVisitor
    {
        private readonly Dictionary<ParameterExpression, int> _slots = parameters.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i);

        protected override Expression VisitParameter(ParameterExpression node) => _slots.TryGetValue(node, out int slot)
            ? Expression.Convert(Expression.ArrayIndex(Expression.Property(context, nameof(QueryContext.Parameters)), Expression.Constant(slot)), node.Type)
            : node;

        protected override Expression VisitExtension(Expression node) => node;
    }
}

/// <summary>A query shape, planned and compiled once; run with each execution's parameter values.</summary>
internal sealed class CompiledQuery(Func<QueryContext, object?> run, IReadOnlyList<PlanNode> plans, IReadOnlyList<string> inMemory)
{
    /// <summary>Whether each execution hands out one copy per stored document (see <see cref="Planning.EntityIdentity"/>).</summary>
    public bool ResolvesIdentity { get; init; }

    public object? Run(QueryContext context) => run(context);

    private Telemetry.QuerySummary? _summary;

    /// <summary>What a query span says about this plan (made on first use, only when a listener is attached).</summary>
    public Telemetry.QuerySummary Summary(DatabaseModel model) => _summary ??= Telemetry.QuerySummary.Of(plans, model);

    /// <summary>The query as <c>db.query.text</c> (values as parameters), made the first time it is recorded.</summary>
    public string? QueryText { get; set; }

    public string Explain(object?[] parameters)
    {
        var text = new PlanText(parameters);
        var plan = string.Join(" ; ", plans.Select(p => p.ExplainChain(text)));
        return inMemory.Count == 0 ? plan : plan + " -> IN MEMORY " + string.Join(", ", inMemory);
    }
}
