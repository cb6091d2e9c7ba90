using System.ComponentModel.DataAnnotations.Schema;
using System.Text.Json;
using System.Text.Json.Serialization;
using ZgDb.Tests.Support;

namespace ZgDb.Tests.Regressions;

// Regression for issue 13, finding 2: System.Text.Json attributes on entity classes silently dropped data. A
// [JsonPropertyName] property was never stored (it read back as its default after a reopen) while its unique index
// held the value. Every attribute that renames, skips, reshapes or conditionally drops a value is now refused when
// the model is built (at open), naming the entity and the property; the files are not touched.

public sealed class Contact0 { public int Id { get; set; } public string Email { get; set; } = ""; public string Name { get; set; } = ""; public int Age { get; set; } }
public sealed class ContactsV0 : ZgDatabase
{
    public ZgCollection<Contact0> Contacts => Collection<Contact0>();
    protected override void OnModelCreating(ModelBuilder model) => model.Entity<Contact0>().HasIndex(c => c.Email).IsUnique();
}

public sealed class ContactRenamed { public int Id { get; set; } [JsonPropertyName("email")] public string Email { get; set; } = ""; public string Name { get; set; } = ""; }
public sealed class ContactsRenamed : ZgDatabase
{
    public ZgCollection<ContactRenamed> Contacts => Collection<ContactRenamed>();
    protected override void OnModelCreating(ModelBuilder model) => model.Entity<ContactRenamed>().HasIndex(c => c.Email).IsUnique();
}

public sealed class ContactIgnored { public int Id { get; set; } public string Email { get; set; } = ""; [JsonIgnore] public string Name { get; set; } = ""; }
public sealed class ContactsIgnored : ZgDatabase { public ZgCollection<ContactIgnored> Contacts => Collection<ContactIgnored>(); }

public sealed class ContactIgnoredWhenNull { public int Id { get; set; } public string Email { get; set; } = ""; [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] public string? Name { get; set; } }
public sealed class ContactsIgnoredWhenNull : ZgDatabase { public ZgCollection<ContactIgnoredWhenNull> Contacts => Collection<ContactIgnoredWhenNull>(); }

public sealed class ContactIgnoredWhenDefault { public int Id { get; set; } public string Email { get; set; } = ""; [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public int Age { get; set; } }
public sealed class ContactsIgnoredWhenDefault : ZgDatabase { public ZgCollection<ContactIgnoredWhenDefault> Contacts => Collection<ContactIgnoredWhenDefault>(); }

public sealed class UpperCaseConverter : JsonConverter<string>
{
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetString()!;
    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToUpperInvariant());
}
public sealed class ContactConverted { public int Id { get; set; } public string Email { get; set; } = ""; [JsonConverter(typeof(UpperCaseConverter))] public string Name { get; set; } = ""; }
public sealed class ContactsConverted : ZgDatabase { public ZgCollection<ContactConverted> Contacts => Collection<ContactConverted>(); }

[JsonConverter(typeof(JsonStringEnumConverter<Mood>))] public enum Mood { Calm, Angry }
public sealed class ContactWithStringEnum { public int Id { get; set; } public string Email { get; set; } = ""; public Mood? Mood { get; set; } }
public sealed class ContactsWithStringEnum : ZgDatabase { public ZgCollection<ContactWithStringEnum> Contacts => Collection<ContactWithStringEnum>(); }

public sealed class ContactWithExtensionData { public int Id { get; set; } public string Email { get; set; } = ""; [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; set; } }
public sealed class ContactsWithExtensionData : ZgDatabase { public ZgCollection<ContactWithExtensionData> Contacts => Collection<ContactWithExtensionData>(); }

public sealed class ContactWithPrivateSetter { public int Id { get; set; } public string Email { get; set; } = ""; [JsonInclude] public string Name { get; private set; } = ""; }
public sealed class ContactsWithPrivateSetter : ZgDatabase { public ZgCollection<ContactWithPrivateSetter> Contacts => Collection<ContactWithPrivateSetter>(); }

#pragma warning disable CA1051 // the public field is the point of the test
public sealed class ContactWithField { public int Id { get; set; } public string Email { get; set; } = ""; [JsonInclude] public string Nick = ""; }
#pragma warning restore CA1051
public sealed class ContactsWithField : ZgDatabase { public ZgCollection<ContactWithField> Contacts => Collection<ContactWithField>(); }

public sealed class ContactNumbersAsStrings { public int Id { get; set; } public string Email { get; set; } = ""; [JsonNumberHandling(JsonNumberHandling.WriteAsString)] public int Age { get; set; } }
public sealed class ContactsNumbersAsStrings : ZgDatabase { public ZgCollection<ContactNumbersAsStrings> Contacts => Collection<ContactNumbersAsStrings>(); }

[JsonNumberHandling(JsonNumberHandling.WriteAsString)]
public sealed class ContactAllNumbersAsStrings { public int Id { get; set; } public string Email { get; set; } = ""; public int Age { get; set; } }
public sealed class ContactsAllNumbersAsStrings : ZgDatabase { public ZgCollection<ContactAllNumbersAsStrings> Contacts => Collection<ContactAllNumbersAsStrings>(); }

[JsonPolymorphic, JsonDerivedType(typeof(Postal), "postal")]
public class Channel { public string Value { get; set; } = ""; }
public sealed class Postal : Channel { public string Zip { get; set; } = ""; }
public sealed class ContactWithPolymorphicChannel { public int Id { get; set; } public string Email { get; set; } = ""; public Channel? Channel { get; set; } }
public sealed class ContactsWithPolymorphicChannel : ZgDatabase { public ZgCollection<ContactWithPolymorphicChannel> Contacts => Collection<ContactWithPolymorphicChannel>(); }

public sealed class ContactJsonRequired { public int Id { get; set; } public string Email { get; set; } = ""; [JsonRequired] public string Name { get; set; } = ""; }
public sealed class ContactsJsonRequired : ZgDatabase { public ZgCollection<ContactJsonRequired> Contacts => Collection<ContactJsonRequired>(); }

public sealed class ContactPopulated { public int Id { get; set; } public string Email { get; set; } = ""; [JsonObjectCreationHandling(JsonObjectCreationHandling.Populate)] public List<string> Tags { get; set; } = ["new"]; }
public sealed class ContactsPopulated : ZgDatabase { public ZgCollection<ContactPopulated> Contacts => Collection<ContactPopulated>(); }

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed class ContactStrict { public int Id { get; set; } public string Email { get; set; } = ""; }
public sealed class ContactsStrict : ZgDatabase { public ZgCollection<ContactStrict> Contacts => Collection<ContactStrict>(); }

public sealed class ContactWithJsonConstructor
{
    public ContactWithJsonConstructor() { }
    [JsonConstructor] public ContactWithJsonConstructor(int id, string email) { Id = id; Email = email.Trim(); }
    public int Id { get; set; }
    public string Email { get; set; } = "";
}
public sealed class ContactsWithJsonConstructor : ZgDatabase { public ZgCollection<ContactWithJsonConstructor> Contacts => Collection<ContactWithJsonConstructor>(); }

public sealed class PostalAddress { [JsonPropertyName("zip")] public string Zip { get; set; } = ""; public string City { get; set; } = ""; }
public sealed class ContactWithRenamedNested { public int Id { get; set; } public string Email { get; set; } = ""; public List<PostalAddress> Addresses { get; set; } = []; }
public sealed class ContactsWithRenamedNested : ZgDatabase { public ZgCollection<ContactWithRenamedNested> Contacts => Collection<ContactWithRenamedNested>(); }

public sealed class ContactShadowed { public int Id { get; set; } public string Email { get; set; } = ""; [NotMapped, JsonPropertyName("Email")] public string Shadow { get; set; } = ""; }
public sealed class ContactsShadowed : ZgDatabase { public ZgCollection<ContactShadowed> Contacts => Collection<ContactShadowed>(); }

// Accepted: attributes that change nothing stored, attributes on members ZgDb does not map, and C# 'required'.
public sealed class ContactAccepted
{
    public int Id { get; set; }
    [JsonPropertyOrder(-1)] public required string Email { get; set; } = "";
    [JsonIgnore(Condition = JsonIgnoreCondition.Never)] public string? Name { get; set; }
    [JsonInclude] public int Age { get; set; }
    [NotMapped, JsonPropertyName("shadow")] public string Shadow { get; set; } = "not stored";
    [NotMapped, JsonIgnore] public string Display => $"{Name} <{Email}>";
    [JsonIgnore] public string Secret { get; set; } = "not stored"; // left out by Ignore(...), so [JsonIgnore] changes nothing
    public required string Added { get; set; } = "default"; // added after documents were stored: they lack it
}
public sealed class ContactsAccepted : ZgDatabase
{
    public ZgCollection<ContactAccepted> Contacts => Collection<ContactAccepted>();
    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<ContactAccepted>().HasIndex(c => c.Email).IsUnique();
        model.Entity<ContactAccepted>().Ignore(c => c.Secret);
    }
}

public sealed class JsonAttributesAreRefusedAtOpen : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private FileSnapshot Seed()
    {
        using (var db = ZgDatabase.Open<ContactsV0>(_dir.Path, new ZgDbOptions { Checkpoint = new CheckpointPolicy { OnDispose = false } }))
        {
            db.Contacts.Insert(new Contact0 { Email = "a@example.com", Name = "Ann", Age = 30 });
            db.Checkpoint();
            db.Contacts.Insert(new Contact0 { Email = "b@example.com", Name = "Bob", Age = 0 }); // only in the log
        }
        return new FileSnapshot(_dir.Path);
    }

    private void AssertRefused<TDb>(string entity, string property, string attribute) where TDb : ZgDatabase, new()
    {
        var files = Seed();
        var e = Assert.Throws<ZgDbModelException>(() => ZgDatabase.Open<TDb>(_dir.Path));
        Assert.Equal(entity, e.Entity);
        Assert.Equal(property, e.Property);
        Assert.Contains(attribute, e.Message);
        Assert.Contains($"'{entity}'", e.Message);
        Assert.Contains($"'{property}'", e.Message);
        files.AssertUnchanged();
        using var v0 = ZgDatabase.Open<ContactsV0>(_dir.Path);
        Assert.Equal(["Ann", "Bob"], v0.Contacts.AsEnumerable().Select(c => c.Name).ToList());
    }

    [Fact]
    public void Json_property_name_attribute_is_refused_at_open() =>
        AssertRefused<ContactsRenamed>(nameof(ContactRenamed), "Email", "[JsonPropertyName(\"email\")]");

    [Fact]
    public void Json_property_name_of_an_unmapped_member_that_clashes_with_a_stored_one_is_refused_at_open() =>
        AssertRefused<ContactsShadowed>(nameof(ContactShadowed), "Shadow", "JSON name of Email");

    [Fact]
    public void Json_ignore_attribute_on_a_stored_property_is_refused_at_open() =>
        AssertRefused<ContactsIgnored>(nameof(ContactIgnored), "Name", "[NotMapped]");

    [Fact]
    public void Json_ignore_when_writing_null_is_refused_at_open() =>
        AssertRefused<ContactsIgnoredWhenNull>(nameof(ContactIgnoredWhenNull), "Name", "Condition = WhenWritingNull");

    [Fact]
    public void Json_ignore_when_writing_default_is_refused_at_open() =>
        AssertRefused<ContactsIgnoredWhenDefault>(nameof(ContactIgnoredWhenDefault), "Age", "Condition = WhenWritingDefault");

    [Fact]
    public void Json_converter_on_a_property_is_refused_at_open() =>
        AssertRefused<ContactsConverted>(nameof(ContactConverted), "Name", "[JsonConverter(UpperCaseConverter)]");

    [Fact]
    public void Json_converter_on_an_enum_type_is_refused_at_open() =>
        AssertRefused<ContactsWithStringEnum>(nameof(ContactWithStringEnum), "Mood", "on Mood");

    [Fact]
    public void Json_extension_data_is_refused_at_open() =>
        AssertRefused<ContactsWithExtensionData>(nameof(ContactWithExtensionData), "Extra", "[JsonExtensionData]");

    [Fact]
    public void Json_include_on_a_property_with_a_private_setter_is_refused_at_open() =>
        AssertRefused<ContactsWithPrivateSetter>(nameof(ContactWithPrivateSetter), "Name", "[JsonInclude]");

    [Fact]
    public void Json_include_on_a_field_is_refused_at_open() =>
        AssertRefused<ContactsWithField>(nameof(ContactWithField), "Nick", "[JsonInclude] on a field");

    [Fact]
    public void Json_number_handling_on_a_property_is_refused_at_open() =>
        AssertRefused<ContactsNumbersAsStrings>(nameof(ContactNumbersAsStrings), "Age", "[JsonNumberHandling(WriteAsString)]");

    [Fact]
    public void Json_number_handling_on_the_entity_class_is_refused_at_open()
    {
        var files = Seed();
        var e = Assert.Throws<ZgDbModelException>(() => ZgDatabase.Open<ContactsAllNumbersAsStrings>(_dir.Path));
        Assert.Equal(nameof(ContactAllNumbersAsStrings), e.Entity);
        Assert.Contains("[JsonNumberHandling(WriteAsString)]", e.Message);
        files.AssertUnchanged();
    }

    [Fact]
    public void Json_polymorphic_nested_type_is_refused_at_open() =>
        AssertRefused<ContactsWithPolymorphicChannel>(nameof(ContactWithPolymorphicChannel), "Channel", "[JsonPolymorphic]");

    [Fact]
    public void Json_required_attribute_is_refused_at_open() =>
        AssertRefused<ContactsJsonRequired>(nameof(ContactJsonRequired), "Name", "[JsonRequired]");

    [Fact]
    public void Json_object_creation_handling_populate_is_refused_at_open() =>
        AssertRefused<ContactsPopulated>(nameof(ContactPopulated), "Tags", "[JsonObjectCreationHandling(Populate)]");

    [Fact]
    public void Json_unmapped_member_handling_disallow_is_refused_at_open()
    {
        var files = Seed();
        var e = Assert.Throws<ZgDbModelException>(() => ZgDatabase.Open<ContactsStrict>(_dir.Path));
        Assert.Equal(nameof(ContactStrict), e.Entity);
        Assert.Contains("[JsonUnmappedMemberHandling(Disallow)]", e.Message);
        files.AssertUnchanged();
    }

    [Fact]
    public void Json_constructor_attribute_is_refused_at_open()
    {
        var files = Seed();
        var e = Assert.Throws<ZgDbModelException>(() => ZgDatabase.Open<ContactsWithJsonConstructor>(_dir.Path));
        Assert.Equal(nameof(ContactWithJsonConstructor), e.Entity);
        Assert.Contains("[JsonConstructor]", e.Message);
        files.AssertUnchanged();
    }

    [Fact]
    public void Json_property_name_on_a_nested_type_is_refused_at_open()
    {
        var files = Seed();
        var e = Assert.Throws<ZgDbModelException>(() => ZgDatabase.Open<ContactsWithRenamedNested>(_dir.Path));
        Assert.Equal(nameof(ContactWithRenamedNested), e.Entity);
        Assert.Equal("Addresses", e.Property);
        Assert.Contains($"'{nameof(PostalAddress)}', property 'Zip'", e.Message);
        Assert.Contains("[JsonPropertyName(\"zip\")]", e.Message);
        files.AssertUnchanged();
    }

    [Fact]
    public void Accepted_json_attributes_and_required_members_store_every_value()
    {
        Seed();
        using (var db = ZgDatabase.Open<ContactsAccepted>(_dir.Path))
        {
            // Documents stored before 'Email' was a C# required member, and before 'Added' existed, read.
            Assert.Equal(["a@example.com", "b@example.com"], db.Contacts.AsEnumerable().Select(c => c.Email).ToList());
            Assert.All(db.Contacts.AsEnumerable(), c => Assert.Equal("default", c.Added));
            db.Contacts.Insert(new ContactAccepted { Email = "c@example.com", Name = "Cy", Age = 7, Shadow = "x", Secret = "x", Added = "set" });
            db.Contacts.Insert(new ContactAccepted { Email = "d@example.com", Name = null, Age = 0, Added = "" });
        }
        using (var db = ZgDatabase.Open<ContactsAccepted>(_dir.Path))
        {
            var c = db.Contacts.Find(3)!;
            Assert.Equal(("c@example.com", "Cy", 7, "set", "not stored", "not stored"), (c.Email, c.Name, c.Age, c.Added, c.Shadow, c.Secret));
            var d = db.Contacts.Find(4)!;
            Assert.Equal(("d@example.com", (string?)null, 0, ""), (d.Email, d.Name, d.Age, d.Added));
            // The unique index and the documents agree.
            Assert.Equal(3, db.Contacts.Where(x => x.Email == "c@example.com").Single().Id);
            var all = db.Contacts.AsEnumerable().ToList();
            foreach (var x in all) Assert.Equal(x.Id, db.Contacts.Where(y => y.Email == x.Email).Single().Id);
            Assert.Throws<ZgDbUniqueConstraintException>(() => db.Contacts.Insert(new ContactAccepted { Email = "c@example.com", Added = "" }));
        }
    }
}
