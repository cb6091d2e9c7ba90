namespace ZgDb.Migrations;

/// <summary>EF Core's verdict on one query shape for one provider.</summary>
/// <param name="Target">The provider.</param>
/// <param name="Translates">Whether EF Core translates the query (it would run).</param>
/// <param name="Sql">The SQL EF Core would run, for a query returning a sequence (EF Core prints none for a single value).</param>
/// <param name="Error">EF Core's message when it refuses the query (or why the check could not run).</param>
/// <param name="CheckRan">False when the check itself could not ask EF Core (the model cannot be replayed, a form it cannot rewrite).</param>
public sealed record EfCoreVerdict(EfCoreTarget Target, bool Translates, string? Sql, string? Error, bool CheckRan = true)
{
    /// <summary>The provider's name: <c>SQLite</c> or <c>PostgreSQL</c>.</summary>
    public string Provider => QueryCheck.EfTranslator.ProviderName(Target);
}

/// <summary>A query whose SQL can answer differently from ZgDb (LINQ to Objects) on a provider, or (string-comparison) a refused one whose obvious rewrite would.</summary>
/// <param name="Target">The provider (one).</param>
/// <param name="Rule">The rule's id (<c>string-order</c>, <c>case-mapping</c>, <c>string-comparison</c>, <c>like-case</c>, <c>null-order</c>, <c>relational-nulls</c>).</param>
/// <param name="Reason">What differs and what to do.</param>
public sealed record EfCoreDifference(EfCoreTarget Target, string Rule, string Reason)
{
    /// <summary>The provider's name.</summary>
    public string Provider => QueryCheck.EfTranslator.ProviderName(Target);
}

/// <summary>One query shape the check saw: EF Core's verdict per provider and the differences found.</summary>
public sealed class EfCoreQueryShape
{
    internal EfCoreQueryShape(string key, string query, string plan, string? callSite, IReadOnlyList<EfCoreVerdict> verdicts, IReadOnlyList<EfCoreDifference> differences)
    {
        Key = key;
        Query = query;
        Plan = plan;
        CallSite = callSite;
        Verdicts = verdicts;
        Differences = differences;
    }

    /// <summary>ZgDb's plan-cache key of the shape.</summary>
    public string Key { get; }

    /// <summary>The query as EF Core prints it, parameters as <c>@p0, @p1...</c>.</summary>
    public string Query { get; }

    /// <summary>ZgDb's plan.</summary>
    public string Plan { get; }

    /// <summary>The application's source line that ran the query first (<c>BlogService.cs:42</c>), when symbols are there.</summary>
    public string? CallSite { get; }

    /// <summary>One verdict per checked provider.</summary>
    public IReadOnlyList<EfCoreVerdict> Verdicts { get; }

    /// <summary>The silent differences found (each with its reason).</summary>
    public IReadOnlyList<EfCoreDifference> Differences { get; }

    /// <summary>Whether every checked provider translates the query.</summary>
    public bool Translates => Verdicts.All(v => v.Translates);
}
