using System.Linq.Expressions;

namespace ZgDb;

/// <summary>
/// Sees each query shape once, when the query pipeline plans and compiles it (a plan-cache miss), before it runs.
/// A cache hit never calls it. Set one with <c>ZgDbOptions.QueryObserver</c>; ZgDb.Migrations' EF Core translation
/// check is one. An exception thrown by <see cref="OnCompiled"/> reaches the caller of the query, which does not run
/// and whose plan is not cached (the next execution of the shape calls the observer again).
/// </summary>
public interface ICompiledQueryObserver
{
    /// <summary>Called on the querying thread, once per shape the pipeline compiles; may be called concurrently for different shapes.</summary>
    void OnCompiled(CompiledQueryEvent query);
}

/// <summary>One query shape the pipeline compiled: the query as the pipeline parsed it, its parameters and its plan.</summary>
public sealed class CompiledQueryEvent
{
    /// <summary>Creates the event (the query pipeline does).</summary>
    public CompiledQueryEvent(object database, DatabaseModel model, string shape, Expression query,
        IReadOnlyList<ParameterExpression> parameters, IReadOnlyList<bool> literals, IReadOnlyList<object?> values, string plan)
    {
        Database = database;
        Model = model;
        Shape = shape;
        Query = query;
        Parameters = parameters;
        Literals = literals;
        Values = values;
        Plan = plan;
    }

    /// <summary>The database (a <c>ZgDatabase</c>) the query ran on.</summary>
    public object Database { get; }

    /// <summary>The database's model.</summary>
    public DatabaseModel Model { get; }

    /// <summary>The plan cache's key of the shape: equal for two executions that differ only by captured values.</summary>
    public string Shape { get; }

    /// <summary>
    /// The query with its Include calls removed: collection roots are constants holding the collection (an
    /// <see cref="IQueryable{T}"/> of ZgDb), captured values and constants are the <see cref="Parameters"/>.
    /// </summary>
    public Expression Query { get; }

    /// <summary>The query's parameters <c>@p0, @p1...</c>, in slot order.</summary>
    public IReadOnlyList<ParameterExpression> Parameters { get; }

    /// <summary>Per parameter, whether the query wrote it as a literal constant (<c>u.Age &gt; 30</c>) rather than a captured variable.</summary>
    public IReadOnlyList<bool> Literals { get; }

    /// <summary>The values of <see cref="Parameters"/> in the execution that compiled the shape.</summary>
    public IReadOnlyList<object?> Values { get; }

    /// <summary>The plan ZgDb runs, as text (as <c>Explain()</c> prints it).</summary>
    public string Plan { get; }
}
