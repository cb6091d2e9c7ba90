using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ZgDb.Migrations.QueryCheck;

/// <summary>
/// One line of a record file (<see cref="EfCoreCheckSettings.RecordFile"/>): a shape, ZgDb's plan, the verdicts of
/// the run, and the query itself (<see cref="ExpressionJson"/>) so that <c>zgdb check-queries</c> can ask EF Core
/// again for any provider.
/// </summary>
internal static class RecordedShape
{
    public static string ToJsonLine(CompiledQueryEvent query, EfCoreQueryShape shape)
    {
        var line = new JsonObject
        {
            ["key"] = shape.Key,
            ["query"] = shape.Query,
            ["plan"] = shape.Plan,
            ["callSite"] = shape.CallSite,
            ["verdicts"] = new JsonArray([.. shape.Verdicts.Select(v => (JsonNode)new JsonObject
            {
                ["provider"] = v.Provider, ["translates"] = v.Translates, ["sql"] = v.Sql, ["error"] = v.Error,
            })]),
            ["differences"] = new JsonArray([.. shape.Differences.Select(d => (JsonNode)new JsonObject { ["provider"] = d.Provider, ["rule"] = d.Rule, ["reason"] = d.Reason })]),
        };
        try
        {
            line["expression"] = ExpressionJson.Write(query);
        }
        catch (NotSupportedException e)
        {
            line["notReplayable"] = $"the record cannot hold this query: {e.Message}";
        }
        return line.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }

    /// <summary>
    /// Reads <paramref name="file"/> (written by a run of <paramref name="database"/>'s class) and asks EF Core again,
    /// for <paramref name="settings"/>' targets, about every shape (each once, the last record of a shape wins).
    /// </summary>
    /// <exception cref="ZgDbException">A line of the file is not a recorded shape (the message names the line).</exception>
    public static IReadOnlyList<EfCoreReplayedShape> Replay(string file, ZgDatabase database, EfCoreCheckSettings settings)
    {
        var translators = new[] { EfCoreTarget.Sqlite, EfCoreTarget.PostgreSql }.Where(t => settings.Targets.HasFlag(t)).Select(t => new EfTranslator(database.Model, t, settings)).ToList();
        var lines = new Dictionary<string, JsonObject>(StringComparer.Ordinal);
        int number = 0;
        foreach (var text in File.ReadLines(file))
        {
            number++;
            if (string.IsNullOrWhiteSpace(text)) continue;
            try
            {
                var line = JsonNode.Parse(text)!.AsObject();
                lines[(string)line["key"]!] = line;
            }
            catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException)
            {
                throw new ZgDbException($"'{file}' line {number} is not a recorded query shape: {e.Message}");
            }
        }
        var replayed = new List<EfCoreReplayedShape>();
        foreach (var (key, line) in lines)
        {
            string query = (string?)line["query"] ?? "", plan = (string?)line["plan"] ?? "";
            string? callSite = (string?)line["callSite"];
            if (line["expression"] is not JsonObject expression)
            {
                replayed.Add(new EfCoreReplayedShape(query, plan, callSite, null, (string?)line["notReplayable"] ?? "the record holds no expression"));
                continue;
            }
            CompiledQueryEvent observed;
            try
            {
                observed = ExpressionJson.Read(expression, database, key, plan, ResolveType);
            }
            catch (Exception e) when (e is NotSupportedException or ArgumentException or InvalidOperationException or JsonException or TypeLoadException or FileNotFoundException
                                          or TargetInvocationException or KeyNotFoundException)
            {
                replayed.Add(new EfCoreReplayedShape(query, plan, callSite, null, $"the recorded query no longer matches the application's types: {e.Message}"));
                continue;
            }
            var verdicts = translators.Select(t => t.Translate(observed, out _)).ToList();
            var shape = new EfCoreQueryShape(key, query, plan, callSite, verdicts, SilentDifferences.Find(observed.Query, settings, verdicts));
            replayed.Add(new EfCoreReplayedShape(query, plan, callSite, shape, null));
        }
        return replayed;
    }

    private static Type ResolveType(string name) =>
        Type.GetType(name, assemblyName => AppDomain.CurrentDomain.GetAssemblies().FirstOrDefault(a => AssemblyName.ReferenceMatchesDefinition(assemblyName, a.GetName()))
                                           ?? Assembly.Load(assemblyName), null, throwOnError: true)!;
}
