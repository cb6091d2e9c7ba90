using System.Linq.Expressions;
using ZgDb.Query.Compiled;

namespace ZgDb;

/// <summary>
/// Compiled queries, EF Core's <c>EF.CompileQuery</c> convention: <c>ZgQuery.Compile((BlogDb db, int id) =&gt;
/// db.Users.FirstOrDefault(u =&gt; u.Id == id))</c> gives a <c>Func&lt;BlogDb, int, User?&gt;</c> that runs the query
/// without analyzing its expression again. The plan is built lazily, at the first call on each database (it depends
/// on the database's model and indexes), shared with the ad hoc query of the same shape, and reused: each later call
/// binds its arguments straight into the plan's parameter slots. A compiled query may be called on any open database
/// of its type, from many threads at once.
/// </summary>
/// <remarks>
/// <para>Errors: the body must be a ZgDb query (a Queryable operator such as <c>FirstOrDefault</c>, <c>Count</c>,
/// <c>Sum</c>, or an <see cref="IQueryable{T}"/>), else <see cref="Compile{TDb, TResult}(Expression{Func{TDb, TResult}})"/>
/// throws <see cref="NotSupportedException"/>. A body ZgDb cannot translate throws the ad hoc query's
/// <see cref="NotSupportedException"/> (naming the expression) at the first call, and at every call after it.</para>
/// <para>Sequences (the overloads taking a lambda that returns <see cref="IQueryable{T}"/>) return an
/// <see cref="IEnumerable{T}"/> that runs the query each time it is enumerated, over the database state of that
/// moment, as an ad hoc query does; each call returns a new sequence.</para>
/// <para>Values the lambda captures besides its parameters (a local variable, a field) are read at each call, as in
/// an ad hoc query; a query source written as a call (<c>db.Set&lt;T&gt;()</c>-like) is evaluated once per database.</para>
/// </remarks>
public static class ZgQuery
{

    /// <summary>Compiles a query returning one value (First, FirstOrDefault, Single, Count, Any, Sum, Min, Max...) over a database.</summary>
    /// <exception cref="NotSupportedException">The body is not a ZgDb query.</exception>
    public static Func<TDb, TResult> Compile<TDb, TResult>(Expression<Func<TDb, TResult>> query) where TDb : ZgDatabase
    {
        var compiled = new CompiledQueryDefinition(query, sequence: false);
        return (db) => (TResult)compiled.Execute(db, [])!;
    }

    /// <summary>Compiles a query returning a sequence over a database: each call returns a new sequence that runs the query when enumerated.</summary>
    /// <exception cref="NotSupportedException">The body is not a ZgDb query.</exception>
    public static Func<TDb, IEnumerable<TResult>> Compile<TDb, TResult>(Expression<Func<TDb, IQueryable<TResult>>> query) where TDb : ZgDatabase
    {
        var compiled = new CompiledQueryDefinition(query, sequence: true);
        return (db) => new CompiledSequence<TResult>(compiled, db, []);
    }

    /// <summary>Compiles a query returning one value (First, FirstOrDefault, Single, Count, Any, Sum, Min, Max...) over a database and 1 parameter.</summary>
    /// <exception cref="NotSupportedException">The body is not a ZgDb query.</exception>
    public static Func<TDb, T1, TResult> Compile<TDb, T1, TResult>(Expression<Func<TDb, T1, TResult>> query) where TDb : ZgDatabase
    {
        var compiled = new CompiledQueryDefinition(query, sequence: false);
        return (db, p1) => (TResult)compiled.Execute(db, [p1])!;
    }

    /// <summary>Compiles a query returning a sequence over a database and 1 parameter: each call returns a new sequence that runs the query when enumerated.</summary>
    /// <exception cref="NotSupportedException">The body is not a ZgDb query.</exception>
    public static Func<TDb, T1, IEnumerable<TResult>> Compile<TDb, T1, TResult>(Expression<Func<TDb, T1, IQueryable<TResult>>> query) where TDb : ZgDatabase
    {
        var compiled = new CompiledQueryDefinition(query, sequence: true);
        return (db, p1) => new CompiledSequence<TResult>(compiled, db, [p1]);
    }

    /// <summary>Compiles a query returning one value (First, FirstOrDefault, Single, Count, Any, Sum, Min, Max...) over a database and 2 parameters.</summary>
    /// <exception cref="NotSupportedException">The body is not a ZgDb query.</exception>
    public static Func<TDb, T1, T2, TResult> Compile<TDb, T1, T2, TResult>(Expression<Func<TDb, T1, T2, TResult>> query) where TDb : ZgDatabase
    {
        var compiled = new CompiledQueryDefinition(query, sequence: false);
        return (db, p1, p2) => (TResult)compiled.Execute(db, [p1, p2])!;
    }

    /// <summary>Compiles a query returning a sequence over a database and 2 parameters: each call returns a new sequence that runs the query when enumerated.</summary>
    /// <exception cref="NotSupportedException">The body is not a ZgDb query.</exception>
    public static Func<TDb, T1, T2, IEnumerable<TResult>> Compile<TDb, T1, T2, TResult>(Expression<Func<TDb, T1, T2, IQueryable<TResult>>> query) where TDb : ZgDatabase
    {
        var compiled = new CompiledQueryDefinition(query, sequence: true);
        return (db, p1, p2) => new CompiledSequence<TResult>(compiled, db, [p1, p2]);
    }

    /// <summary>Compiles a query returning one value (First, FirstOrDefault, Single, Count, Any, Sum, Min, Max...) over a database and 3 parameters.</summary>
    /// <exception cref="NotSupportedException">The body is not a ZgDb query.</exception>
    public static Func<TDb, T1, T2, T3, TResult> Compile<TDb, T1, T2, T3, TResult>(Expression<Func<TDb, T1, T2, T3, TResult>> query) where TDb : ZgDatabase
    {
        var compiled = new CompiledQueryDefinition(query, sequence: false);
        return (db, p1, p2, p3) => (TResult)compiled.Execute(db, [p1, p2, p3])!;
    }

    /// <summary>Compiles a query returning a sequence over a database and 3 parameters: each call returns a new sequence that runs the query when enumerated.</summary>
    /// <exception cref="NotSupportedException">The body is not a ZgDb query.</exception>
    public static Func<TDb, T1, T2, T3, IEnumerable<TResult>> Compile<TDb, T1, T2, T3, TResult>(Expression<Func<TDb, T1, T2, T3, IQueryable<TResult>>> query) where TDb : ZgDatabase
    {
        var compiled = new CompiledQueryDefinition(query, sequence: true);
        return (db, p1, p2, p3) => new CompiledSequence<TResult>(compiled, db, [p1, p2, p3]);
    }

    /// <summary>Compiles a query returning one value (First, FirstOrDefault, Single, Count, Any, Sum, Min, Max...) over a database and 4 parameters.</summary>
    /// <exception cref="NotSupportedException">The body is not a ZgDb query.</exception>
    public static Func<TDb, T1, T2, T3, T4, TResult> Compile<TDb, T1, T2, T3, T4, TResult>(Expression<Func<TDb, T1, T2, T3, T4, TResult>> query) where TDb : ZgDatabase
    {
        var compiled = new CompiledQueryDefinition(query, sequence: false);
        return (db, p1, p2, p3, p4) => (TResult)compiled.Execute(db, [p1, p2, p3, p4])!;
    }

    /// <summary>Compiles a query returning a sequence over a database and 4 parameters: each call returns a new sequence that runs the query when enumerated.</summary>
    /// <exception cref="NotSupportedException">The body is not a ZgDb query.</exception>
    public static Func<TDb, T1, T2, T3, T4, IEnumerable<TResult>> Compile<TDb, T1, T2, T3, T4, TResult>(Expression<Func<TDb, T1, T2, T3, T4, IQueryable<TResult>>> query) where TDb : ZgDatabase
    {
        var compiled = new CompiledQueryDefinition(query, sequence: true);
        return (db, p1, p2, p3, p4) => new CompiledSequence<TResult>(compiled, db, [p1, p2, p3, p4]);
    }
}
