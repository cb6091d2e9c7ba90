namespace ZgDb.Migrations;

/// <summary>Turns on the EF Core translation check for a database's queries.</summary>
public static class EfCoreCheckExtensions
{
    /// <summary>
    /// Checks each query shape the database compiles (once per shape, on a plan-cache miss; a cache hit costs
    /// nothing) against EF Core on <paramref name="targets"/>: whether EF Core translates it, and whether its SQL could
    /// answer differently from ZgDb. Meant for development and tests. Returns <paramref name="options"/>.
    /// </summary>
    public static ZgDbOptions CheckEfCoreTranslation(this ZgDbOptions options, EfCoreTarget targets, EfCheckAction onProblem = EfCheckAction.Warn) =>
        options.CheckEfCoreTranslation(new EfCoreCheckSettings { Targets = targets, OnProblem = onProblem });

    /// <summary>As the other overload, with every setting (the mapping, relational nulls, a record file).</summary>
    public static ZgDbOptions CheckEfCoreTranslation(this ZgDbOptions options, EfCoreCheckSettings settings)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(settings);
        if ((settings.Targets & EfCoreTarget.All) == 0 || (settings.Targets & ~EfCoreTarget.All) != 0)
            throw new ArgumentOutOfRangeException(nameof(settings), settings.Targets, "Targets must name SQLite, PostgreSQL or both.");
        options.QueryObserver = new QueryCheck.EfCoreTranslationCheck(options, settings);
        return options;
    }
}
