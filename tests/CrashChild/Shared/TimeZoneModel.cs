using System.Text.Json;

namespace ZgDb.Reliability;

// Local, Utc and Unspecified DateTime values and a DateTimeOffset, indexed, written under one time zone (TZ) and
// read under another by the crash child's tz-write and tz-read modes (see TimeZoneTests).

public sealed class Stamp
{
    public int Id { get; set; }
    public DateTime When { get; set; }
    public DateTime? Maybe { get; set; }
    public DateTimeOffset At { get; set; }
}

public sealed class StampDb : ZgDatabase
{
    public ZgCollection<Stamp> Stamps => Collection<Stamp>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Stamp>().HasIndex(s => s.When);
        model.Entity<Stamp>().HasIndex(s => s.At);
    }
}

public static class TimeZoneScenario
{
    public static ZgDbOptions Options => new()
    {
        Checkpoint = new CheckpointPolicy { MaxChangedDocuments = int.MaxValue, MaxWalBytes = long.MaxValue, OnDispose = false },
    };

    /// <summary>The documents: Local, Utc and Unspecified clock readings an hour apart, some an exact zone offset apart.</summary>
    public static List<Stamp> Stamps()
    {
        var list = new List<Stamp>();
        var kinds = new[] { DateTimeKind.Local, DateTimeKind.Utc, DateTimeKind.Unspecified };
        for (int i = 0; i < 30; i++)
        {
            var clock = new DateTime(2024, 3, 1, 0, 0, 0).AddHours(i);
            list.Add(new Stamp
            {
                Id = i + 1,
                When = DateTime.SpecifyKind(clock, kinds[i % 3]),
                Maybe = i % 2 == 0 ? null : DateTime.SpecifyKind(clock.AddMinutes(7), kinds[(i + 1) % 3]),
                At = new DateTimeOffset(clock.AddTicks(i * 1234567), TimeSpan.FromMinutes(i % 2 == 0 ? 330 : -240)),
            });
        }
        return list;
    }

    /// <summary>Writes the first half and checkpoints it (chunks and index files), then the rest into the WAL only.</summary>
    public static void Write(string dir)
    {
        var stamps = Stamps();
        using var db = ZgDatabase.Open<StampDb>(dir, Options);
        db.Stamps.InsertMany(stamps.Take(15));
        db.Checkpoint();
        db.Stamps.InsertMany(stamps.Skip(15));
        db.FlushAsync().GetAwaiter().GetResult();
    }

    /// <summary>What a reader sees: each document's values (ticks and kind) and, per value, the count by index and by scan.</summary>
    public static string Read(string dir)
    {
        using var db = ZgDatabase.Open<StampDb>(dir, Options);
        var all = db.Stamps.AsEnumerable().ToList();
        var report = new
        {
            Zone = TimeZoneInfo.Local.Id,
            Offset = TimeZoneInfo.Local.GetUtcOffset(new DateTime(2024, 3, 1)).TotalMinutes,
            Documents = all.Select(s => new
            {
                s.Id,
                WhenTicks = s.When.Ticks,
                WhenKind = s.When.Kind.ToString(),
                MaybeTicks = s.Maybe?.Ticks,
                MaybeKind = s.Maybe?.Kind.ToString(),
                AtTicks = s.At.Ticks,
                AtOffset = s.At.Offset.TotalMinutes,
            }).ToList(),
            Counts = all.Select(s =>
            {
                var when = s.When;
                var at = s.At;
                return new
                {
                    s.Id,
                    WhenByIndex = db.Stamps.Count(x => x.When == when),
                    WhenByScan = all.Count(x => x.When == when),
                    WhenRangeByIndex = db.Stamps.Count(x => x.When >= when && x.When < when.AddHours(2)),
                    WhenRangeByScan = all.Count(x => x.When >= when && x.When < when.AddHours(2)),
                    AtByIndex = db.Stamps.Count(x => x.At == at),
                    AtByScan = all.Count(x => x.At == at),
                };
            }).ToList(),
            Plan = db.Stamps.ExplainOf(q => q.Count(x => x.When == DateTime.MinValue)),
        };
        return JsonSerializer.Serialize(report);
    }
}
