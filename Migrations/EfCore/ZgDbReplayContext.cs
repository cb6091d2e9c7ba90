using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using EfModelBuilder = Microsoft.EntityFrameworkCore.ModelBuilder;

namespace ZgDb.Migrations.EfCore;

/// <summary>
/// A DbContext whose model is the replay of a ZgDb model (<see cref="EfModelReplay"/>): query the exported
/// database with <c>context.Set&lt;User&gt;()</c> and the same LINQ as on ZgDb, without writing a DbContext first.
/// One EF Core model is built and cached per ZgDb model.
/// </summary>
public sealed class ZgDbReplayContext : DbContext
{
    /// <summary>Creates a context over <paramref name="options"/> (e.g. <c>UseSqlite</c>, <c>UseNpgsql</c>) for <paramref name="model"/>.</summary>
    public ZgDbReplayContext(DatabaseModel model, DbContextOptions options) : this(model, options, (EfMappingOptions?)null) { }

    /// <summary>
    /// Creates a context over <paramref name="options"/> for <paramref name="model"/> mapped with <paramref name="mapping"/>
    /// (the same choices the export was given, e.g. <see cref="NestedTypeMapping.OwnedColumns"/>).
    /// </summary>
    public ZgDbReplayContext(DatabaseModel model, DbContextOptions options, EfMappingOptions? mapping) : base(options)
    {
        SourceModel = model ?? throw new ArgumentNullException(nameof(model));
        Mapping = mapping ?? EfMappingOptions.Default;
    }

    internal ZgDbReplayContext(DatabaseModel model, DbContextOptions options, EfMappingPlan plan) : this(model, options, plan.Mapping)
    {
        _plan = plan;
    }

    private readonly EfMappingPlan? _plan;

    /// <summary>The mapping choices the model is replayed with.</summary>
    public EfMappingOptions Mapping { get; }

    /// <summary>Creates a context for <paramref name="model"/> over an export target (the same connection the exporter uses).</summary>
    public ZgDbReplayContext(DatabaseModel model, Export.ExportTarget target) : this(model, target.BuildOptions(null)) { }

    /// <summary>Creates a context for <paramref name="model"/> over an export target, mapped with <paramref name="mapping"/>.</summary>
    public ZgDbReplayContext(DatabaseModel model, Export.ExportTarget target, EfMappingOptions? mapping) : this(model, target.BuildOptions(null), mapping) { }

    /// <summary>The ZgDb model replayed.</summary>
    public DatabaseModel SourceModel { get; }

    /// <inheritdoc />
    protected override void OnConfiguring(DbContextOptionsBuilder optionsBuilder) =>
        optionsBuilder.ReplaceService<IModelCacheKeyFactory, ReplayModelCacheKeyFactory>();

    /// <inheritdoc />
    protected override void OnModelCreating(EfModelBuilder modelBuilder) =>
        EfModelReplay.Apply(modelBuilder, _plan ?? EfMappingPlanner.Build(SourceModel, Mapping));

    /// <summary>EF Core caches one model per context type; the replay context caches one per ZgDb model.</summary>
    private sealed class ReplayModelCacheKeyFactory : IModelCacheKeyFactory
    {
        public object Create(DbContext context, bool designTime) =>
            context is ZgDbReplayContext replay ? (context.GetType(), replay.SourceModel, replay.Mapping, designTime) : (context.GetType(), designTime);
    }
}
