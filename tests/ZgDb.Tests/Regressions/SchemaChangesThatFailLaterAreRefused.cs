using System.Text;
using System.Text.Json.Nodes;
using ZgDb.Storage.Format;
using ZgDb.Tests.Support;

namespace ZgDb.Tests.Regressions;

// Regression for issue 13, finding 9: schema changes that opened and then failed. An enum whose underlying type
// narrowed was accepted (every read of the old chunks then failed as "corrupt"); a removed int property added back as
// a string was accepted (the next insert failed as "corrupt" on a healthy chunk); HasFormerName onto a name a new
// property also had opened, then reads threw a raw InvalidOperationException. Each is now refused at open, the files
// untouched, and the stored model keeps what documents may still hold (removed properties, former types).

public static class LongEnums { public enum Priority : long { Low = 1, Huge = 1L << 40 } }
public static class IntEnums { public enum Priority { Low = 1, High = 2 } }
public static class ShortEnums { public enum Priority : short { Low = 1, High = 2 } }

public sealed class TicketL { public int Id { get; set; } public LongEnums.Priority Priority { get; set; } public List<LongEnums.Priority?> Steps { get; set; } = []; }
public sealed class TicketI { public int Id { get; set; } public IntEnums.Priority Priority { get; set; } public List<IntEnums.Priority?> Steps { get; set; } = []; }
public sealed class TicketS { public int Id { get; set; } public ShortEnums.Priority Priority { get; set; } public List<ShortEnums.Priority?> Steps { get; set; } = []; }
public sealed class TicketsL : ZgDatabase { public ZgCollection<TicketL> Tickets => Collection<TicketL>(); }
public sealed class TicketsI : ZgDatabase { public ZgCollection<TicketI> Tickets => Collection<TicketI>(); }
public sealed class TicketsS : ZgDatabase { public ZgCollection<TicketS> Tickets => Collection<TicketS>(); }

public sealed class PartV1 { public int Id { get; set; } public string Name { get; set; } = ""; public int Code { get; set; } }
public sealed class PartV2 { public int Id { get; set; } public string Name { get; set; } = ""; }
public sealed class PartV3 { public int Id { get; set; } public string Name { get; set; } = ""; public string? Code { get; set; } }
public sealed class PartV3Long { public int Id { get; set; } public string Name { get; set; } = ""; public long Code { get; set; } }
public sealed class PartsV1 : ZgDatabase { public ZgCollection<PartV1> Parts => Collection<PartV1>(); }
public sealed class PartsV2 : ZgDatabase { public ZgCollection<PartV2> Parts => Collection<PartV2>(); }
public sealed class PartsV3 : ZgDatabase { public ZgCollection<PartV3> Parts => Collection<PartV3>(); }
public sealed class PartsV3Long : ZgDatabase { public ZgCollection<PartV3Long> Parts => Collection<PartV3Long>(); }

public sealed class MemoV1 { public int Id { get; set; } public string Label { get; set; } = ""; }
public sealed class MemoV2 { public int Id { get; set; } public string Title { get; set; } = ""; public int? Label { get; set; } }
public sealed class MemosV1 : ZgDatabase { public ZgCollection<MemoV1> Memos => Collection<MemoV1>(); }
public sealed class MemosV2 : ZgDatabase
{
    public ZgCollection<MemoV2> Memos => Collection<MemoV2>();
    protected override void OnModelCreating(ModelBuilder model) => model.Entity<MemoV2>().Property(m => m.Title).HasFormerName("Label");
}

public sealed class ProfileV1 { public int Id { get; set; } public string Name { get; set; } = ""; public string Nick { get; set; } = ""; }
public sealed class ProfileV2 { public int Id { get; set; } public string Nick { get; set; } = ""; }
public sealed class ProfilesV1 : ZgDatabase { public ZgCollection<ProfileV1> Profiles => Collection<ProfileV1>(); }
public sealed class ProfilesV2 : ZgDatabase
{
    public ZgCollection<ProfileV2> Profiles => Collection<ProfileV2>();
    protected override void OnModelCreating(ModelBuilder model) => model.Entity<ProfileV2>().Property(m => m.Nick).HasFormerName("Name");
}

public sealed class ShipV1 { public string City { get; set; } = ""; public int Zip { get; set; } }
public sealed class ShipV2 { public string City { get; set; } = ""; }
public sealed class ShipV3 { public string City { get; set; } = ""; public string? Zip { get; set; } }
public sealed class ShipmentV1 { public int Id { get; set; } public ShipV1 To { get; set; } = new(); }
public sealed class ShipmentV2 { public int Id { get; set; } public ShipV2 To { get; set; } = new(); }
public sealed class ShipmentV3 { public int Id { get; set; } public ShipV3 To { get; set; } = new(); }
public sealed class ShipmentsV1 : ZgDatabase { public ZgCollection<ShipmentV1> Shipments => Collection<ShipmentV1>(); }
public sealed class ShipmentsV2 : ZgDatabase { public ZgCollection<ShipmentV2> Shipments => Collection<ShipmentV2>(); }
public sealed class ShipmentsV3 : ZgDatabase { public ZgCollection<ShipmentV3> Shipments => Collection<ShipmentV3>(); }

public sealed class BinV1 { public int Id { get; set; } public string Name { get; set; } = ""; }
public sealed class BinV3 { public string Id { get; set; } = ""; public string Name { get; set; } = ""; }
public sealed class BinsV1 : ZgDatabase { public ZgCollection<BinV1> Bins => Collection<BinV1>(); public ZgCollection<PartV1> Parts => Collection<PartV1>(); }
public sealed class BinsV2 : ZgDatabase { public ZgCollection<PartV1> Parts => Collection<PartV1>(); }
public sealed class BinsV3 : ZgDatabase { public ZgCollection<BinV3> Bins => Collection<BinV3>(); public ZgCollection<PartV1> Parts => Collection<PartV1>(); }

public sealed class SchemaChangesThatFailLaterAreRefused : IDisposable
{
    private static readonly ZgDbOptions KeepLog = new() { Checkpoint = new CheckpointPolicy { OnDispose = false } };
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private ZgDbSchemaMismatchException AssertRefused<TDb>(FileSnapshot files, string collection, string property) where TDb : ZgDatabase, new()
    {
        var e = Assert.Throws<ZgDbSchemaMismatchException>(() => ZgDatabase.Open<TDb>(_dir.Path));
        Assert.Equal(collection, e.Collection);
        Assert.Equal(property, e.Property);
        Assert.Contains("The files were left untouched", e.Message);
        files.AssertUnchanged();
        return e;
    }

    [Fact]
    public void An_enum_whose_underlying_type_narrows_from_long_to_int_is_refused_at_open()
    {
        using (var db = ZgDatabase.Open<TicketsL>(_dir.Path, KeepLog))
        {
            db.Tickets.Insert(new TicketL { Priority = LongEnums.Priority.Huge, Steps = [LongEnums.Priority.Low, null] });
            db.Checkpoint();
            db.Tickets.Insert(new TicketL { Priority = LongEnums.Priority.Low }); // only in the log
        }
        var files = new FileSnapshot(_dir.Path);
        var e = AssertRefused<TicketsI>(files, "Tickets", "Priority");
        Assert.Contains("enum:Priority (int64) cannot be read as enum:Priority (int32)", e.Message);
        Assert.Contains("Steps", e.Message); // the list of nullable enums narrows too
        using var v1 = ZgDatabase.Open<TicketsL>(_dir.Path);
        Assert.Equal([LongEnums.Priority.Huge, LongEnums.Priority.Low], v1.Tickets.AsEnumerable().Select(t => t.Priority).ToList());
    }

    [Fact]
    public void An_enum_whose_underlying_type_narrows_from_int_to_short_is_refused_and_widening_to_long_reads_the_old_values()
    {
        using (var db = ZgDatabase.Open<TicketsI>(_dir.Path, KeepLog))
        {
            db.Tickets.Insert(new TicketI { Priority = IntEnums.Priority.High, Steps = [IntEnums.Priority.Low, null] });
            db.Checkpoint();
            db.Tickets.Insert(new TicketI { Priority = IntEnums.Priority.Low });
        }
        var files = new FileSnapshot(_dir.Path);
        var e = AssertRefused<TicketsS>(files, "Tickets", "Priority");
        Assert.Contains("enum:Priority (int32) cannot be read as enum:Priority (int16)", e.Message);
        var logger = new ListLogger();
        using var wider = ZgDatabase.Open<TicketsL>(_dir.Path, new ZgDbOptions { Logger = logger });
        Assert.Contains(logger.Entries, e => e.Message.Contains("TypeWidened Tickets.Priority: enum:Priority (int32) -> enum:Priority (int64)"));
        var read = wider.Tickets.AsEnumerable().ToList();
        Assert.Equal([(LongEnums.Priority)2, LongEnums.Priority.Low], read.Select(t => t.Priority).ToList());
        Assert.Equal([LongEnums.Priority.Low, null], read[0].Steps);
    }

    [Fact]
    public void A_removed_int_property_added_back_as_a_string_is_refused_at_open()
    {
        using (var db = ZgDatabase.Open<PartsV1>(_dir.Path, KeepLog))
        {
            db.Parts.Insert(new PartV1 { Name = "bolt", Code = 17 });
            db.Checkpoint();
            db.Parts.Insert(new PartV1 { Name = "nut", Code = 42 }); // only in the log
        }
        using (var v2 = ZgDatabase.Open<PartsV2>(_dir.Path))
        {
            Assert.Equal(2, v2.Parts.Count());
            v2.Parts.Insert(new PartV2 { Name = "washer" });
            v2.Checkpoint(); // the history is carried into the next generations
        }
        using (var v2 = ZgDatabase.Open<PartsV2>(_dir.Path)) v2.Checkpoint();
        var files = new FileSnapshot(_dir.Path);
        var e = AssertRefused<PartsV3>(files, "Parts", "Code");
        Assert.Contains("stored documents hold Code (a property removed or changed in an earlier model) as int32, which cannot be read as string without loss", e.Message);
        using (var v2 = ZgDatabase.Open<PartsV2>(_dir.Path)) Assert.Equal(3, v2.Parts.Count());
        using var v1 = ZgDatabase.Open<PartsV1>(_dir.Path); // int Code added back as int: accepted
        Assert.Equal(["bolt", "nut", "washer"], v1.Parts.AsEnumerable().Select(p => p.Name).ToList());
    }

    [Fact]
    public void A_removed_int_property_added_back_as_a_long_reads_the_values_documents_still_hold()
    {
        using (var db = ZgDatabase.Open<PartsV1>(_dir.Path, KeepLog))
        {
            db.Parts.Insert(new PartV1 { Name = "bolt", Code = 17 });
            db.Checkpoint();
            db.Parts.Insert(new PartV1 { Name = "nut", Code = 42 }); // only in the log
        }
        using (var v2 = ZgDatabase.Open<PartsV2>(_dir.Path, KeepLog)) Assert.Equal(2, v2.Parts.Count()); // records v2, rewrites nothing
        using (var wider = ZgDatabase.Open<PartsV3Long>(_dir.Path))
        {
            Assert.Equal([17L, 42L], wider.Parts.AsEnumerable().Select(p => p.Code).ToList());
            wider.Parts.Insert(new PartV3Long { Name = "big", Code = 5_000_000_000 });
        }
        using var again = ZgDatabase.Open<PartsV3Long>(_dir.Path);
        Assert.Equal([17L, 42L, 5_000_000_000L], again.Parts.AsEnumerable().Select(p => p.Code).ToList());
    }

    [Fact]
    public void A_former_name_that_is_also_a_new_property_is_refused_at_open()
    {
        using (var db = ZgDatabase.Open<MemosV1>(_dir.Path, KeepLog))
        {
            db.Memos.Insert(new MemoV1 { Label = "first" });
            db.Checkpoint();
            db.Memos.Insert(new MemoV1 { Label = "second" });
        }
        var files = new FileSnapshot(_dir.Path);
        // The model contradicts itself (one stored name read into two properties), whatever is stored: a model error.
        var e = Assert.Throws<ZgDbModelException>(() => ZgDatabase.Open<MemosV2>(_dir.Path));
        Assert.Equal(nameof(MemoV2), e.Entity);
        Assert.Equal("Title", e.Property);
        Assert.Contains("HasFormerName(\"Label\") collides with the stored property Label (int32?)", e.Message);
        Assert.Contains("Title (string)", e.Message);
        files.AssertUnchanged();
        using var v1 = ZgDatabase.Open<MemosV1>(_dir.Path);
        Assert.Equal(["first", "second"], v1.Memos.AsEnumerable().Select(m => m.Label).ToList());
    }

    [Fact]
    public void A_rename_onto_a_name_stored_documents_also_hold_is_refused_at_open()
    {
        using (var db = ZgDatabase.Open<ProfilesV1>(_dir.Path, KeepLog))
            db.Profiles.Insert(new ProfileV1 { Name = "Ann", Nick = "annie" });
        var files = new FileSnapshot(_dir.Path);
        var e = AssertRefused<ProfilesV2>(files, "Profiles", "Nick");
        Assert.Contains("HasFormerName(\"Name\") reads the stored values of Name into Nick, but stored documents also hold values under Nick", e.Message);
        using var v1 = ZgDatabase.Open<ProfilesV1>(_dir.Path);
        Assert.Equal("annie", v1.Profiles.Find(1)!.Nick);
    }

    [Fact]
    public void A_removed_nested_property_added_back_as_another_type_is_refused_at_open()
    {
        using (var db = ZgDatabase.Open<ShipmentsV1>(_dir.Path))
            db.Shipments.Insert(new ShipmentV1 { To = new ShipV1 { City = "Oslo", Zip = 150 } });
        using (var v2 = ZgDatabase.Open<ShipmentsV2>(_dir.Path)) Assert.Equal("Oslo", v2.Shipments.Find(1)!.To.City);
        var files = new FileSnapshot(_dir.Path);
        var e = AssertRefused<ShipmentsV3>(files, "Shipments", "To.Zip");
        Assert.Contains("To.Zip (a property removed or changed in an earlier model) as int32, which cannot be read as string without loss", e.Message);
        using var v1 = ZgDatabase.Open<ShipmentsV1>(_dir.Path);
        Assert.Equal(150, v1.Shipments.Find(1)!.To.Zip);
    }

    [Fact]
    public void A_removed_collection_added_back_with_another_key_type_is_refused_at_open()
    {
        using (var db = ZgDatabase.Open<BinsV1>(_dir.Path))
            db.Bins.Insert(new BinV1 { Name = "left" });
        using (var v2 = ZgDatabase.Open<BinsV2>(_dir.Path)) v2.Parts.Insert(new PartV1 { Name = "p" });
        var files = new FileSnapshot(_dir.Path);
        var e = AssertRefused<BinsV3>(files, "Bins", "Id");
        Assert.Contains("the stored key is Id (Int32) but the model's key is Id (String)", e.Message);
        using var v1 = ZgDatabase.Open<BinsV1>(_dir.Path);
        Assert.Equal("left", v1.Bins.Find(1)!.Name);
    }

    [Fact]
    public void A_manifest_written_before_the_model_history_existed_still_opens()
    {
        using (var db = ZgDatabase.Open<TicketsL>(_dir.Path))
            db.Tickets.Insert(new TicketL { Priority = LongEnums.Priority.Huge });
        // Strip what older versions did not write (enum underlying types, former names, the history).
        var path = Directory.GetFiles(_dir.Path, "manifest-*.zgm").Order(StringComparer.Ordinal).Last();
        var data = File.ReadAllBytes(path);
        long generation = BitConverter.ToInt64(data, 8);
        var body = JsonNode.Parse(data.AsSpan(ManifestLayout.HeaderLength))!;
        foreach (var property in body["Model"]!["Entities"]!.AsArray().SelectMany(e => e!["Properties"]!.AsArray()))
            property!.AsObject().Remove("Underlying");
        body["Model"]!.AsObject().Remove("RemovedProperties");
        body["Model"]!.AsObject().Remove("RemovedEntities");
        Assert.DoesNotContain("Underlying", body.ToJsonString());
        body["ModelFingerprint"] = System.Text.Json.JsonSerializer.Deserialize<StoredModel>(body["Model"]!.ToJsonString())!.Fingerprint;
        File.WriteAllBytes(path, ManifestLayout.Encode(generation, Encoding.UTF8.GetBytes(body.ToJsonString())));
        using (var db = ZgDatabase.Open<TicketsL>(_dir.Path))
            Assert.Equal(LongEnums.Priority.Huge, db.Tickets.Find(1)!.Priority);
        // The open recorded the model with its enum's underlying type: a narrowing is judged from now on.
        Assert.Throws<ZgDbSchemaMismatchException>(() => ZgDatabase.Open<TicketsI>(_dir.Path));
    }

    [Fact]
    public void The_fingerprint_of_a_model_without_enums_or_former_names_is_unchanged()
    {
        // Computed by the code before the stored model recorded enum types, former names and history: databases
        // written by it open without a model change.
        var model = ModelFactory.Build([("Parts", typeof(PartV1))], null);
        Assert.Equal("815d96bb73d92e3a", model.Stored.Fingerprint);
    }
}

public sealed class WithLongs { public int Id { get; set; } public List<long> Values { get; set; } = []; public IntEnums.Priority? Maybe { get; set; } }
public sealed class WithInts { public int Id { get; set; } public List<int> Values { get; set; } = []; public IntEnums.Priority Maybe { get; set; } }

/// <summary>The same audit as a pure function of two models (no files).</summary>
public sealed class SchemaDiffJudgesWhatDocumentsHold
{
    private static StoredModel Stored<T>() => ModelFactory.Build([("C", typeof(T))], null).Stored;
    private static DatabaseModel Model<T>() => ModelFactory.Build([("C", typeof(T))], null);

    [Fact]
    public void A_nested_class_renamed_with_a_narrowed_property_is_refused_naming_the_nested_path()
    {
        var refused = SchemaDiff.Compare(Stored<ShipmentV1>(), Model<ShipmentV3>()).Where(c => c.IsRefused).ToList();
        var change = Assert.Single(refused);
        Assert.Equal("To.Zip", change.Property);
        Assert.Contains("int32 cannot be read as string", change.Detail);
    }

    [Fact]
    public void A_narrowed_list_element_and_a_nullable_enum_made_non_nullable_are_refused()
    {
        var refused = SchemaDiff.Compare(Stored<WithLongs>(), Model<WithInts>()).Where(c => c.IsRefused).Select(c => c.Property).ToList();
        Assert.Equal(["Values", "Maybe"], refused);
        Assert.DoesNotContain(SchemaDiff.Compare(Stored<WithInts>(), Model<WithLongs>()), c => c.IsRefused);
    }

    [Fact]
    public void The_history_carries_a_removed_property_across_generations_and_is_outside_the_fingerprint()
    {
        var v1 = Stored<PartV1>();
        var v2 = ModelHistory.Carry(Stored<PartV2>(), v1);
        var later = ModelHistory.Carry(Stored<PartV2>(), v2);
        var removed = Assert.Single(later.RemovedProperties!);
        Assert.Equal(("C", "Code", "int32"), (removed.Collection, removed.Path, removed.Type));
        Assert.Equal(Stored<PartV2>().Fingerprint, later.Fingerprint);
        Assert.Contains(SchemaDiff.Compare(later, Model<PartV3>()), c => c.IsRefused && c.Property == "Code");
        Assert.DoesNotContain(SchemaDiff.Compare(later, Model<PartV3Long>()), c => c.IsRefused);
    }
}

public sealed class MemoV3 { public int Id { get; set; } public string Title { get; set; } = ""; }
public sealed class MemosV3 : ZgDatabase
{
    public ZgCollection<MemoV3> Memos => Collection<MemoV3>();
    protected override void OnModelCreating(ModelBuilder model) => model.Entity<MemoV3>().Property(m => m.Title).HasFormerName("Label");
}
public sealed class MemoNone { public int Id { get; set; } }
public sealed class MemosNone : ZgDatabase { public ZgCollection<MemoNone> Memos => Collection<MemoNone>(); }

public sealed class RenameFromHistory : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void A_rename_from_a_property_removed_earlier_reads_the_values_documents_still_hold()
    {
        using (var db = ZgDatabase.Open<MemosV1>(_dir.Path, new ZgDbOptions { Checkpoint = new CheckpointPolicy { OnDispose = false } }))
            db.Memos.Insert(new MemoV1 { Label = "kept" });
        using (var none = ZgDatabase.Open<MemosNone>(_dir.Path, new ZgDbOptions { Checkpoint = new CheckpointPolicy { OnDispose = false } }))
            Assert.Equal(1, none.Memos.Count());
        var logger = new ListLogger();
        using var v3 = ZgDatabase.Open<MemosV3>(_dir.Path, new ZgDbOptions { Logger = logger });
        Assert.Equal("kept", v3.Memos.Find(1)!.Title);
        Assert.Contains(logger.Entries, e => e.Message.Contains("PropertyRenamed Memos.Title: Label -> Title (from documents stored while the model had Label)"));
    }
}
