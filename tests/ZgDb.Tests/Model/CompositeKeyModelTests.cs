using System.ComponentModel.DataAnnotations;

namespace ZgDb.Tests.Model
{
    /// <summary>Issue 15: composite keys in the model (HasKey with several properties, [PrimaryKey]) and their errors.</summary>
    public sealed class CompositeKeyModelTests
    {
        private static DatabaseModel Build(Action<ModelBuilder>? configure, params (string, Type)[] collections) => ModelFactory.Build(collections, configure);

        public sealed class Line { public int OrderId { get; set; } public uint ProductId { get; set; } public int? Maybe { get; set; } public Extra Extra { get; set; } = new(); public string Note { get; set; } = ""; }
        public sealed class Extra { public int Value { get; set; } }
        [PrimaryKey(nameof(Code), nameof(Day))]
        public sealed class Attributed { public string Code { get; set; } = ""; public DateOnly Day { get; set; } public int Id { get; set; } }
        [EfCoreLike.PrimaryKey(nameof(B), nameof(A))]
        public sealed class EfAttributed { public long A { get; set; } public Guid B { get; set; } }
        [PrimaryKey(nameof(Code), "Missing")]
        public sealed class MissingPart { public string Code { get; set; } = ""; }
        public sealed class TwoKeys { [Key] public int A { get; set; } [Key] public int B { get; set; } }

        [Fact]
        public void HasKey_with_several_properties_and_the_PrimaryKey_attribute_make_composite_keys_in_key_order()
        {
            var model = Build(m => m.Entity<Line>().HasKey(l => new { l.OrderId, l.ProductId }),
                ("Lines", typeof(Line)), ("Shifts", typeof(Attributed)), ("Ef", typeof(EfAttributed)));
            var line = model.Entities[0];
            Assert.True(line.HasCompositeKey);
            Assert.Equal(KeyKind.Composite, line.KeyKind);
            Assert.Equal(["OrderId", "ProductId"], line.KeyParts.Select(p => p.Name));
            Assert.Equal([KeyKind.Int32, KeyKind.UInt32], line.KeyPartKinds);
            Assert.Equal(typeof(CompositeKey), line.KeyClrType);
            Assert.Equal(new CompositeKey(5, 7u), line.KeyOf(new Line { OrderId = 5, ProductId = 7 }));
            Assert.Equal(["Code", "Day"], model.Entities[1].KeyParts.Select(p => p.Name)); // [PrimaryKey] wins over the conventional Id
            Assert.Equal(["B", "A"], model.Entities[2].KeyParts.Select(p => p.Name)); // EF Core's attribute, recognised by name and shape

            var stored = model.Stored.Entities[0];
            Assert.Equal(("OrderId,ProductId", "Composite"), (stored.Key, stored.KeyKind));
            Assert.Equal(["Int32", "UInt32"], stored.KeyParts!);
            Assert.Null(Build(null, ("Plain", typeof(Extra2))).Stored.Entities[0].KeyParts); // single keys: no new field, same fingerprint
        }

        public sealed class Extra2 { public int Id { get; set; } }

        [Fact]
        public void A_single_property_HasKey_and_string_HasKey_still_make_single_keys()
        {
            var model = Build(m => m.Entity<Line>().HasKey(l => l.Note), ("Lines", typeof(Line)));
            Assert.Equal((false, KeyKind.String), (model.Entities[0].HasCompositeKey, model.Entities[0].KeyKind));
            model = Build(m => m.Entity<Line>().HasKey("ProductId", "OrderId"), ("Lines", typeof(Line)));
            Assert.Equal(["ProductId", "OrderId"], model.Entities[0].KeyParts.Select(p => p.Name));
        }

        [Fact]
        public void A_composite_key_naming_a_missing_property_is_refused_with_its_name()
        {
            var error = Assert.Throws<ZgDbModelException>(() => Build(null, ("M", typeof(MissingPart))));
            Assert.Contains("Missing", error.Message);
            Assert.Contains("MissingPart", error.Message);
            error = Assert.Throws<ZgDbModelException>(() => Build(m => m.Entity<Line>().HasKey("OrderId", "Nope"), ("Lines", typeof(Line))));
            Assert.Contains("'Nope'", error.Message);
        }

        [Fact]
        public void A_composite_key_naming_a_property_twice_is_refused()
        {
            var error = Assert.Throws<ZgDbModelException>(() => Build(m => m.Entity<Line>().HasKey(l => new { l.OrderId, Again = l.OrderId }), ("Lines", typeof(Line))));
            Assert.Contains("OrderId", error.Message);
            Assert.Contains("twice", error.Message);
        }

        [Fact]
        public void A_composite_key_part_of_an_unsupported_type_is_refused_with_the_part_and_its_type()
        {
            var error = Assert.Throws<ZgDbModelException>(() => Build(m => m.Entity<Line>().HasKey(l => new { l.OrderId, l.Maybe }), ("Lines", typeof(Line))));
            Assert.Contains("Maybe", error.Message);
            Assert.Contains("Nullable`1", error.Message);
            Assert.Contains("a key part of type", error.Message);
            error = Assert.Throws<ZgDbModelException>(() => Build(m => m.Entity<Line>().HasKey(l => new { l.OrderId, l.Extra }), ("Lines", typeof(Line))));
            Assert.Contains("Extra", error.Message);
            error = Assert.Throws<ZgDbModelException>(() => Build(m => m.Entity<Line>().HasKey(l => new { l.OrderId, l.Extra.Value }), ("Lines", typeof(Line))));
            Assert.Contains("nested keys are not supported", error.Message);
        }

        [Fact]
        public void Two_Key_attributes_point_to_PrimaryKey_and_HasKey_as_EF_Core_does()
        {
            var error = Assert.Throws<ZgDbModelException>(() => Build(null, ("T", typeof(TwoKeys))));
            Assert.Contains("[PrimaryKey(nameof(A), nameof(B))]", error.Message);
        }

        [Fact]
        public void Changing_the_parts_of_a_composite_key_is_a_refused_key_change()
        {
            var before = Build(m => m.Entity<Line>().HasKey(l => new { l.OrderId, l.ProductId }), ("Lines", typeof(Line))).Stored;
            var after = Build(m => m.Entity<Line>().HasKey(l => new { l.ProductId, l.OrderId }), ("Lines", typeof(Line)));
            Assert.Contains(SchemaDiff.Compare(before, after), c => c.Kind == SchemaChangeKind.KeyChangeRefused);
        }
    }
}

namespace ZgDb.Tests.Model.EfCoreLike
{
    /// <summary>The shape of EF Core's <c>Microsoft.EntityFrameworkCore.PrimaryKeyAttribute</c> (EF Core itself is not referenced here).</summary>
    [AttributeUsage(AttributeTargets.Class)]
    public sealed class PrimaryKeyAttribute(string propertyName, params string[] additionalPropertyNames) : Attribute
    {
        public IReadOnlyList<string> PropertyNames { get; } = [propertyName, .. additionalPropertyNames];
    }
}
