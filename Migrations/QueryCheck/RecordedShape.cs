using System.Text.Json;
using System.Text.Json.Nodes;

namespace ZgDb.Migrations.QueryCheck;

/// <summary>One line of a record file (<see cref="EfCoreCheckSettings.RecordFile"/>): a shape, its plan, its verdicts.</summary>
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
        return line.ToJsonString(new JsonSerializerOptions { WriteIndented = false });
    }
}
