using System.Text.Json;
using Xunit;
using Xunit.Abstractions;

namespace ZgDb.Reliability;

/// <summary>
/// Local DateTime values and their index agree after a time-zone change (issue 13, finding 4): documents written
/// under one TZ and read under another read back with the same ticks and kind (the clock reading), so a count
/// through the index equals a count by scan. TimeZoneInfo.Local is fixed per process, so each zone is a child process.
/// </summary>
public sealed class TimeZoneTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ChildTimeout = TimeSpan.FromSeconds(90);

    private string RunChild(string zone, string mode, string dir)
    {
        using var child = CrashChild.Start(new Dictionary<string, string> { ["TZ"] = zone }, mode, dir);
        var line = CrashChild.ReadLine(child, ChildTimeout);
        if (!child.WaitForExit(ChildTimeout)) CrashChild.KillHard(child);
        Assert.True(child.ExitCode == 0 && line is not null, $"{mode} under {zone} failed: {line}\n{CrashChild.ErrorOutput(child)}");
        output.WriteLine($"{mode} {zone}: {(line!.Length > 300 ? line[..300] + "..." : line)}");
        return line;
    }

    [Theory]
    [InlineData("\"2024-03-01T10:00:00+01:00\"", 10, 0, DateTimeKind.Local)] // a Local value as System.Text.Json always wrote it
    [InlineData("\"2024-03-01T10:00:00.1234567-05:00\"", 10, 1234567, DateTimeKind.Local)]
    [InlineData("\"2024-03-01T10:00:00\\u002B09:00\"", 10, 0, DateTimeKind.Local)] // escaped '+'
    [InlineData("\"2024-03-01T10:00:00Z\"", 10, 0, DateTimeKind.Utc)]
    [InlineData("\"2024-03-01T10:00:00\"", 10, 0, DateTimeKind.Unspecified)]
    [InlineData("\"2024-03-01\"", 0, 0, DateTimeKind.Unspecified)]
    public void Stored_DateTime_text_reads_as_its_clock_reading_whatever_the_zone(string json, int hour, int extraTicks, DateTimeKind kind)
    {
        var options = new JsonSerializerOptions();
        options.Converters.Add(new ZgDb.Storage.Documents.DateTimeClockConverter());
        var value = JsonSerializer.Deserialize<DateTime>(json, options);
        Assert.Equal(new DateTime(2024, 3, 1, hour, 0, 0).Ticks + extraTicks, value.Ticks);
        Assert.Equal(kind, value.Kind);
        Assert.Equal(value, JsonSerializer.Deserialize<DateTime>(JsonSerializer.Serialize(value, options), options)); // round trip
        Assert.Equal(kind, JsonSerializer.Deserialize<DateTime>(JsonSerializer.Serialize(value, options), options).Kind);
    }

    [Theory]
    [InlineData("Europe/Berlin", "Asia/Tokyo")]
    [InlineData("America/New_York", "Asia/Tokyo")]
    [InlineData("Asia/Tokyo", "America/New_York")]
    public void Local_DateTime_written_under_one_zone_reads_the_same_ticks_and_index_and_scan_agree_under_another(string writeZone, string readZone)
    {
        using var dir = TempDir.Create("tz");
        Assert.StartsWith($"written under {writeZone}", RunChild(writeZone, "tz-write", dir.Path));
        var sameZone = JsonDocument.Parse(RunChild(writeZone, "tz-read", dir.Path)).RootElement;
        var moved = JsonDocument.Parse(RunChild(readZone, "tz-read", dir.Path)).RootElement;
        Assert.Equal(readZone, moved.GetProperty("Zone").GetString());
        Assert.NotEqual(sameZone.GetProperty("Offset").GetDouble(), moved.GetProperty("Offset").GetDouble()); // the move is real
        Assert.Contains("INDEX", moved.GetProperty("Plan").GetString());

        var expected = TimeZoneScenario.Stamps().ToDictionary(s => s.Id);
        foreach (var report in new[] { sameZone, moved })
        {
            var documents = report.GetProperty("Documents").EnumerateArray().ToList();
            Assert.Equal(expected.Count, documents.Count);
            foreach (var d in documents)
            {
                var want = expected[d.GetProperty("Id").GetInt32()];
                Assert.Equal(want.When.Ticks, d.GetProperty("WhenTicks").GetInt64());
                Assert.Equal(want.When.Kind.ToString(), d.GetProperty("WhenKind").GetString());
                Assert.Equal(want.Maybe?.Ticks, d.GetProperty("MaybeTicks").ValueKind == JsonValueKind.Null ? null : d.GetProperty("MaybeTicks").GetInt64());
                Assert.Equal(want.Maybe?.Kind.ToString(), d.GetProperty("MaybeKind").GetString());
                Assert.Equal(want.At.Ticks, d.GetProperty("AtTicks").GetInt64()); // DateTimeOffset: exact ticks and offset
                Assert.Equal(want.At.Offset.TotalMinutes, d.GetProperty("AtOffset").GetDouble());
            }
            foreach (var c in report.GetProperty("Counts").EnumerateArray())
            {
                int id = c.GetProperty("Id").GetInt32();
                Assert.True(c.GetProperty("WhenByIndex").GetInt32() == c.GetProperty("WhenByScan").GetInt32(), $"When of document {id}: index and scan disagree ({c})");
                Assert.True(c.GetProperty("WhenRangeByIndex").GetInt32() == c.GetProperty("WhenRangeByScan").GetInt32(), $"When range from document {id}: index and scan disagree ({c})");
                Assert.True(c.GetProperty("AtByIndex").GetInt32() == c.GetProperty("AtByScan").GetInt32(), $"At of document {id}: index and scan disagree ({c})");
            }
        }

        // And in this process's zone, from the same files (and after a checkpoint folds the WAL).
        using (var db = ZgDatabase.Open<StampDb>(dir.Path, TimeZoneScenario.Options))
        {
            db.Checkpoint();
            var all = db.Stamps.AsEnumerable().ToList();
            Assert.Equal(expected.Values.Select(s => (s.When.Ticks, s.When.Kind)), all.Select(s => (s.When.Ticks, s.When.Kind)));
            foreach (var s in all) Assert.Equal(all.Count(x => x.When == s.When), db.Stamps.Count(x => x.When == s.When));
        }
        var reopened = JsonDocument.Parse(RunChild(readZone, "tz-read", dir.Path)).RootElement;
        foreach (var c in reopened.GetProperty("Counts").EnumerateArray())
            Assert.Equal(c.GetProperty("WhenByScan").GetInt32(), c.GetProperty("WhenByIndex").GetInt32());
    }
}
