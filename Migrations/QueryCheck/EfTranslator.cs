using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Query;
using Microsoft.EntityFrameworkCore.Query.Internal;
using ZgDb.Migrations.EfCore;
using ZgDb.Query;

namespace ZgDb.Migrations.QueryCheck;

/// <summary>
/// Asks EF Core, for one provider, whether it translates a ZgDb query: over a <see cref="ZgDbReplayContext"/> of the
/// same model replay the exporter uses, configured for the provider and never connected. A query returning a
/// sequence goes through <c>ToQueryString()</c> (translation and SQL generation, the SQL is kept); one returning a
/// single value (Count, First, Sum...) through EF Core's query compiler, which translates it as executing would.
/// Thread-safe: one context per call.
/// </summary>
internal sealed class EfTranslator
{
    private readonly DatabaseModel _model;
    private readonly DbContextOptions _options;
    private readonly Lazy<EfMappingPlan> _plan;

    public EfTranslator(DatabaseModel model, EfCoreTarget target, EfCoreCheckSettings settings)
    {
        _model = model;
        Target = target;
        var builder = new DbContextOptionsBuilder();
        // A connection string the check never opens: ToQueryString and the compiler only build commands.
        _ = target switch
        {
            EfCoreTarget.Sqlite => builder.UseSqlite("Data Source=zgdb-efcore-check.db", o => { if (settings.RelationalNulls) o.UseRelationalNulls(); }),
            EfCoreTarget.PostgreSql => builder.UseNpgsql("Host=localhost;Database=zgdb_efcore_check", o => { if (settings.RelationalNulls) o.UseRelationalNulls(); }),
            _ => throw new ArgumentOutOfRangeException(nameof(target), target, "one provider per translator"),
        };
        if (settings.NoTracking) builder.UseQueryTrackingBehavior(QueryTrackingBehavior.NoTracking);
        _options = builder.Options;
        _plan = new Lazy<EfMappingPlan>(() => EfMappingPlanner.Build(model, settings.Mapping));
    }

    public EfCoreTarget Target { get; }

    /// <summary>The provider's name as messages print it.</summary>
    public string Provider => ProviderName(Target);

    public static string ProviderName(EfCoreTarget target) => target == EfCoreTarget.Sqlite ? "SQLite" : "PostgreSQL";

    /// <summary>EF Core's verdict on <paramref name="query"/>, and the query as EF Core prints it.</summary>
    public EfCoreVerdict Translate(CompiledQueryEvent query, out string printed)
    {
        printed = query.Query.ToString();
        EfMappingPlan plan;
        try
        {
            plan = _plan.Value;
        }
        catch (ZgDbExportException e)
        {
            return new EfCoreVerdict(Target, Translates: false, Sql: null, $"the model cannot be replayed into EF Core: {e.Message}", CheckRan: false);
        }
        using var context = new ZgDbReplayContext(_model, _options, plan);
        Expression ef;
        try
        {
            printed = ExpressionPrinter.Print(EfQueryRewriter.Rewrite(context, query, keepParameters: true));
            ef = EfQueryRewriter.Rewrite(context, query);
        }
        catch (ArgumentException e)
        {
            return new EfCoreVerdict(Target, Translates: false, Sql: null, $"the query could not be rewritten over EF Core's DbSet roots: {e.Message}", CheckRan: false);
        }
        try
        {
            if (QueryRoots.SequenceElementType(ef.Type) is { } element && typeof(IQueryable).IsAssignableFrom(ef.Type))
            {
                var root = (IQueryable)typeof(DbContext).GetMethod(nameof(DbContext.Set), Type.EmptyTypes)!.MakeGenericMethod(RootType(ef) ?? element).Invoke(context, null)!;
                var sequence = root.Provider.CreateQuery(ef);
                var sql = sequence.ToQueryString();
                // ToQueryString stops at the SQL; the compiler also builds the code that materializes the results, where EF Core can fail too
                Compile(context, ef, typeof(IEnumerable<>).MakeGenericType(element));
                return new EfCoreVerdict(Target, Translates: true, sql, null);
            }
            Compile(context, ef, ef.Type);
            return new EfCoreVerdict(Target, Translates: true, Sql: null, null);
        }
        catch (Exception e) when (e is InvalidOperationException or NotSupportedException or InvalidCastException or ArgumentException or NotImplementedException or KeyNotFoundException
                                      || e.GetType().Namespace?.StartsWith("Microsoft.EntityFrameworkCore", StringComparison.Ordinal) == true)
        {
            return new EfCoreVerdict(Target, Translates: false, Sql: null, e.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // not one of EF Core's refusals: say so rather than claim a verdict (or lose the shape on the background queue)
            return new EfCoreVerdict(Target, Translates: false, Sql: null, $"EF Core failed unexpectedly ({e.GetType().Name}): {e.Message}", CheckRan: false);
        }
    }

    /// <summary>The element type of the query's first DbSet root (any root gives the provider).</summary>
    private static Type? RootType(Expression ef)
    {
        var finder = new RootFinder();
        finder.Visit(ef);
        return finder.Found;
    }

#pragma warning disable EF1001 // The query compiler is EF Core's internal API: the same translation executing would run, without a connection.
    private static void Compile(DbContext context, Expression ef, Type result)
    {
        var compiler = context.GetService<IQueryCompiler>();
        typeof(EfTranslator).GetMethod(nameof(CompileOf), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .MakeGenericMethod(result).Invoke(null, System.Reflection.BindingFlags.DoNotWrapExceptions, null, [compiler, ef], null);
    }

    private static void CompileOf<TResult>(IQueryCompiler compiler, Expression ef) => compiler.CreateCompiledQuery<TResult>(ef);
#pragma warning restore EF1001

    private sealed class RootFinder : ExpressionVisitor
    {
        public Type? Found { get; private set; }

        protected override Expression VisitExtension(Expression node)
        {
            if (node is EntityQueryRootExpression root) Found ??= root.EntityType.ClrType;
            return node;
        }
    }
}
