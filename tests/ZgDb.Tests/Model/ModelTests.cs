using System.ComponentModel.DataAnnotations;

namespace ZgDb.Tests.Model;

public sealed class ModelTests
{
    private static DatabaseModel Build(Action<ModelBuilder>? configure, params (string, Type)[] collections) => ModelFactory.Build(collections, configure);

    public sealed class ByConvention { public int Id { get; set; } public string Name { get; set; } = ""; public string Computed => Name + "!"; }
    public sealed class Order { public long OrderId { get; set; } public decimal Total { get; set; } }
    public sealed class Keyed { [Key] public Guid Code { get; set; } public int Id2 { get; set; } }
    public sealed class Fluent { public string Sku { get; set; } = ""; public int Qty { get; set; } public string Secret { get; set; } = ""; public Inner Nested { get; set; } = new(); }
    public sealed class Inner { public string City { get; set; } = ""; public int? Zip { get; set; } }
    public sealed class NoKey { public string Name { get; set; } = ""; }
    public sealed class BadKey { public double Id { get; set; } }
    public sealed class WithDictionary { public int Id { get; set; } public Dictionary<string, int> Counts { get; set; } = new(); }
    public sealed class WithObject { public int Id { get; set; } public object? Anything { get; set; } }
    public sealed class WithStream { public int Id { get; set; } public Stream? Data { get; set; } }
    public sealed class WithBadNested { public int Id { get; set; } public Holder Holder { get; set; } = new(); }
    public sealed class Holder { public IntPtr Pointer { get; set; } }
    public sealed class Tree { public int Id { get; set; } public Node Root { get; set; } = new(); }
    public sealed class Node { public string Label { get; set; } = ""; public List<Node> Children { get; set; } = []; }

    [Fact]
    public void Keys_come_from_Id_TypeId_Key_attribute_or_HasKey()
    {
        var model = Build(m => m.Entity<Fluent>().HasKey(f => f.Sku),
            ("A", typeof(ByConvention)), ("B", typeof(Order)), ("C", typeof(Keyed)), ("D", typeof(Fluent)));
        Assert.Equal(("Id", KeyKind.Int32), (model.Entities[0].Key.Name, model.Entities[0].KeyKind));
        Assert.Equal(("OrderId", KeyKind.Int64), (model.Entities[1].Key.Name, model.Entities[1].KeyKind));
        Assert.Equal(("Code", KeyKind.Guid), (model.Entities[2].Key.Name, model.Entities[2].KeyKind));
        Assert.Equal(("Sku", KeyKind.String), (model.Entities[3].Key.Name, model.Entities[3].KeyKind));
        Assert.DoesNotContain(model.Entities[0].Properties, p => p.Name == "Computed"); // getter-only: not stored
    }

    [Fact]
    public void Fluent_configuration_sets_indexes_rules_and_ignores()
    {
        var model = Build(m =>
        {
            var e = m.Entity<Fluent>();
            e.HasKey(f => f.Sku);
            e.HasIndex(f => f.Qty);
            e.HasIndex(f => new { f.Nested.City, f.Qty }).IsUnique();
            e.Property(f => f.Sku).HasMaxLength(20);
            e.Property(f => f.Secret).IsRequired();
            e.Ignore(f => f.Secret);
        }, ("Items", typeof(Fluent)));
        var entity = model.Entities.Single();
        Assert.Equal(["Qty", "Nested.City,Qty"], entity.Indexes.Select(i => i.Name));
        Assert.True(entity.Indexes[1].IsUnique);
        Assert.Equal(20, entity.FindProperty("Sku")!.MaxLength);
        Assert.Null(entity.FindProperty("Secret"));
        Assert.Equal(PropertyShape.Nested, entity.FindProperty("Nested")!.Shape);
    }

    [Theory]
    [InlineData(typeof(NoKey), null, "has no primary key")]
    [InlineData(typeof(BadKey), "Id", "key of type Double is not supported")]
    [InlineData(typeof(WithDictionary), "Counts", "cannot be stored")]
    [InlineData(typeof(WithObject), "Anything", "cannot be stored")]
    [InlineData(typeof(WithStream), "Data", "cannot be stored")]
    [InlineData(typeof(WithBadNested), "Holder", "nested type Holder")]
    public void Unsupported_models_fail_naming_the_entity_and_property(Type type, string? property, string message)
    {
        var e = Assert.Throws<ZgDbModelException>(() => Build(null, ("X", type)));
        Assert.Equal(type.Name, e.Entity);
        Assert.Equal(property, e.Property);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Index_on_an_unknown_or_non_scalar_property_is_refused()
    {
        var e = Assert.Throws<ZgDbModelException>(() => Build(m => m.Entity<Fluent>().HasKey(f => f.Sku).HasIndex(f => f.Nested), ("X", typeof(Fluent))));
        Assert.Contains("scalar", e.Message);
        Assert.Throws<ZgDbModelException>(() => Build(m => m.Entity<Fluent>().HasIndex(f => f.Sku.Length), ("X", typeof(Fluent))));
    }

    [Fact]
    public void Recursive_nested_types_are_supported()
    {
        var model = Build(null, ("Trees", typeof(Tree)));
        Assert.Equal(PropertyShape.Nested, model.Entities[0].FindProperty("Root")!.Shape);
    }

    [Fact]
    public void The_fingerprint_is_stable_and_changes_with_the_model()
    {
        var a = Build(m => m.Entity<Order>().HasIndex(o => o.Total), ("Orders", typeof(Order)));
        var b = Build(m => m.Entity<Order>().HasIndex(o => o.Total), ("Orders", typeof(Order)));
        var c = Build(m => m.Entity<Order>().HasIndex(o => o.Total).IsUnique(), ("Orders", typeof(Order)));
        Assert.Equal(a.Stored.Fingerprint, b.Stored.Fingerprint);
        Assert.NotEqual(a.Stored.Fingerprint, c.Stored.Fingerprint);
        Assert.Equal(16, a.Stored.Fingerprint.Length);
        Assert.Contains("\"Type\":\"decimal\"", a.Stored.ToString());
    }

    [Fact]
    public void A_database_class_without_collections_or_opened_with_new_is_explained()
    {
        Assert.Contains("declares no ZgCollection", Assert.Throws<ZgDbModelException>(() => ZgDatabase.OpenInMemory<Empty>()).Message);
        var notOpened = new Support.TestDb();
        Assert.Contains("not open", Assert.Throws<InvalidOperationException>(() => notOpened.Users).Message);
    }

    public sealed class Empty : ZgDatabase;
}
