using ZgDb.Tests.Keys;

namespace ZgDb.Tests.Model;

/// <summary>Issue 15: the model accepts every key type EF Core maps, and records bound through their constructor.</summary>
public sealed class KeyTypeAndRecordModelTests
{
    private static EntityType Entity(Type type, Action<ModelBuilder>? configure = null) => ModelFactory.Build([("Rows", type)], configure).Entities[0];

    [Theory]
    [InlineData(typeof(ByteRow), KeyKind.Byte)]
    [InlineData(typeof(SByteRow), KeyKind.SByte)]
    [InlineData(typeof(ShortRow), KeyKind.Int16)]
    [InlineData(typeof(UShortRow), KeyKind.UInt16)]
    [InlineData(typeof(IntRow), KeyKind.Int32)]
    [InlineData(typeof(UIntRow), KeyKind.UInt32)]
    [InlineData(typeof(LongRow), KeyKind.Int64)]
    [InlineData(typeof(ULongRow), KeyKind.UInt64)]
    [InlineData(typeof(CharRow), KeyKind.Char)]
    [InlineData(typeof(StringRow), KeyKind.String)]
    [InlineData(typeof(GuidRow), KeyKind.Guid)]
    [InlineData(typeof(DateTimeRow), KeyKind.DateTime)]
    [InlineData(typeof(DateTimeOffsetRow), KeyKind.DateTimeOffset)]
    [InlineData(typeof(DateOnlyRow), KeyKind.DateOnly)]
    [InlineData(typeof(DecimalRow), KeyKind.Decimal)]
    [InlineData(typeof(EnumRow), KeyKind.Enum)]
    [InlineData(typeof(BytesRow), KeyKind.Bytes)]
    public void Every_key_type_EF_Core_maps_is_a_key(Type type, KeyKind kind)
    {
        var entity = Entity(type);
        Assert.Equal(("Id", kind), (entity.Key.Name, entity.KeyKind));
        Assert.Equal(type.GetProperty("Id")!.PropertyType, entity.KeyClrType);
        Assert.Equal(kind.ToString(), ModelFactory.Build([("Rows", type)], null).Stored.Entities[0].KeyKind); // as the manifest stores it
    }

    [Fact]
    public void UInt32_key_is_accepted_at_open_as_in_the_Northwind_model()
    {
        using var db = ZgDatabase.OpenInMemory<KeyTypesDb>();
        db.UInts.Insert(new UIntRow { Name = "first" });
        Assert.Equal("first", db.UInts.Find(1u)!.Name);
    }

    public sealed class FloatKey { public float Id { get; set; } }
    public sealed class NullableKey { public int? Id { get; set; } }
    public sealed class TimeSpanKey { public TimeSpan Id { get; set; } }

    [Theory]
    [InlineData(typeof(FloatKey), "Single")]
    [InlineData(typeof(NullableKey), "Nullable`1")]
    [InlineData(typeof(TimeSpanKey), "TimeSpan")]
    public void Key_types_EF_Core_does_not_map_as_keys_are_refused_naming_the_type(Type type, string name)
    {
        var e = Assert.Throws<ZgDbModelException>(() => Entity(type));
        Assert.Contains($"a key of type {name} is not supported", e.Message);
        Assert.Contains("uint", e.Message);
    }

    [Fact]
    public void A_positional_record_is_an_entity_bound_through_its_constructor()
    {
        var entity = Entity(typeof(Tag));
        Assert.Equal(("Id", KeyKind.Int32), (entity.Key.Name, entity.KeyKind));
        Assert.Equal(["Id", "Name"], entity.Properties.Select(p => p.Name));
        var nested = Entity(typeof(Label));
        Assert.Equal(PropertyShape.Nested, nested.FindProperty("Origin")!.Shape);
        Assert.Equal(["X", "Y"], nested.FindProperty("Origin")!.NestedProperties.Select(p => p.Name));
    }

    public sealed class Unbound(int id, string label)
    {
        public int Id { get; set; } = id;
        public string Name { get; set; } = label;
    }

    public sealed class TwoConstructors
    {
        public TwoConstructors(int id) => Id = id;
        public TwoConstructors(int id, string name) : this(id) => Name = name;
        public int Id { get; set; }
        public string Name { get; set; } = "";
    }

    public sealed record IgnoredParameter(int Id, string Secret);

    [Fact]
    public void A_constructor_parameter_without_a_property_of_its_name_and_type_is_refused_naming_it()
    {
        var e = Assert.Throws<ZgDbModelException>(() => Entity(typeof(Unbound)));
        Assert.Contains("String label", e.Message);
        Assert.Contains("positional record", e.Message);
        e = Assert.Throws<ZgDbModelException>(() => Entity(typeof(TwoConstructors)));
        Assert.Contains("2 public constructors", e.Message);
    }

    [Fact]
    public void A_constructor_parameter_bound_to_an_ignored_property_is_refused()
    {
        var e = Assert.Throws<ZgDbModelException>(() => Entity(typeof(IgnoredParameter), m => m.Entity<IgnoredParameter>().Ignore(p => p.Secret)));
        Assert.Contains("Secret", e.Message);
        Assert.Contains("not stored", e.Message);
    }
}
