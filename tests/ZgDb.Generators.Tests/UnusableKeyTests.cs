namespace ZgDb.Generators.Tests;

/// <summary>ZGDB002: a key ZgDb cannot use; the same model is refused at open with the same message.</summary>
public sealed class UnusableKeyTests
{
    [Fact]
    public void Entity_without_a_key_is_reported_on_the_class()
    {
        var diagnostic = AnalyzerRun.AssertRefused("""
            public class [|Tag|] { public string Name { get; set; } = ""; }
            public class Db : ZgDatabase { public ZgCollection<Tag> Tags => Collection<Tag>(); }
            """, "ZGDB002");
        Assert.Equal("Entity 'Tag': has no primary key: add a property 'Id' or 'TagId', mark one with [Key], or call HasKey.", diagnostic.GetMessage());
    }

    [Fact]
    public void Nullable_key_is_reported()
    {
        var diagnostic = AnalyzerRun.AssertRefused("""
            public class Tag { public int? [|TagId|] { get; set; } }
            public class Db : ZgDatabase { public ZgCollection<Tag> Tags => Collection<Tag>(); }
            """, "ZGDB002");
        Assert.StartsWith("Entity 'Tag', property 'TagId': a key of type Nullable`1 is not supported;", diagnostic.GetMessage());
    }

    [Fact]
    public void Composite_key_part_of_an_unsupported_type_is_reported()
    {
        AnalyzerRun.AssertRefused("""
            [PrimaryKey(nameof(OrderId), nameof(Weight))]
            public class Line { public int OrderId { get; set; } public double [|Weight|] { get; set; } }
            public class Db : ZgDatabase { public ZgCollection<Line> Lines => Collection<Line>(); }
            """, "ZGDB002");
    }

    [Fact]
    public void PrimaryKey_naming_a_missing_property_is_reported()
    {
        var diagnostic = AnalyzerRun.AssertRefused("""
            [PrimaryKey("OrderId", "ProductID")]
            public class [|Line|] { public int OrderId { get; set; } public int ProductId { get; set; } }
            public class Db : ZgDatabase { public ZgCollection<Line> Lines => Collection<Line>(); }
            """, "ZGDB002");
        Assert.Equal("Entity 'Line', property 'ProductID': the primary key names 'ProductID', which is not a public property of Line.", diagnostic.GetMessage());
    }

    [Fact]
    public void Second_Key_attribute_is_reported_even_with_HasKey()
    {
        AnalyzerRun.AssertRefused("""
            public class Line { [Key] public int OrderId { get; set; } [Key] public int [|ProductId|] { get; set; } }
            public class Db : ZgDatabase
            {
                public ZgCollection<Line> Lines => Collection<Line>();
                protected override void OnModelCreating(ModelBuilder model) => model.Entity<Line>().HasKey(l => new { l.OrderId, l.ProductId });
            }
            """, "ZGDB002");
    }

    [Fact]
    public void Key_attribute_on_a_get_only_property_is_reported()
    {
        AnalyzerRun.AssertRefused("""
            public class Tag { [Key] public string [|Code|] => "x"; public string Name { get; set; } = ""; }
            public class Db : ZgDatabase { public ZgCollection<Tag> Tags => Collection<Tag>(); }
            """, "ZGDB002");
    }

    [Fact]
    public void Key_set_with_HasKey_is_not_reported() => AnalyzerRun.AssertAccepted("""
        public class Tag { public string Code { get; set; } = ""; }
        public class Db : ZgDatabase
        {
            public ZgCollection<Tag> Tags => Collection<Tag>();
            protected override void OnModelCreating(ModelBuilder model) => model.Entity<Tag>().HasKey(t => t.Code);
        }
        """);

    [Fact]
    public void Conventional_keys_of_every_kind_are_accepted() => AnalyzerRun.AssertAccepted("""
        public enum Color { Red, Green }
        public class A { public Guid Id { get; set; } }
        public class B { public string BId { get; set; } = ""; }
        public class C { public Color id { get; set; } }
        public class D { [Key] public DateOnly Day { get; set; } }
        public class E { public byte[] Id { get; set; } = []; }
        public class Db : ZgDatabase
        {
            public ZgCollection<A> As => Collection<A>();
            public ZgCollection<B> Bs => Collection<B>();
            public ZgCollection<C> Cs => Collection<C>();
            public ZgCollection<D> Ds => Collection<D>();
            public ZgCollection<E> Es => Collection<E>();
        }
        """);

    [Fact]
    public void HasKey_on_a_nullable_property_is_reported_at_the_lambda()
    {
        var diagnostic = AnalyzerRun.AssertRefused("""
            public class Tag { public int? Code { get; set; } }
            public class Db : ZgDatabase
            {
                public ZgCollection<Tag> Tags => Collection<Tag>();
                protected override void OnModelCreating(ModelBuilder model) => model.Entity<Tag>().HasKey(t => [|t.Code|]);
            }
            """, "ZGDB002");
        Assert.StartsWith("Entity 'Tag', property 'Code': a key of type Nullable`1 is not supported;", diagnostic.GetMessage());
    }

    [Fact]
    public void HasKey_naming_a_missing_property_is_reported_at_the_name()
    {
        var diagnostic = AnalyzerRun.AssertRefused("""
            public class Line { public int OrderId { get; set; } public int ProductId { get; set; } }
            public class Db : ZgDatabase
            {
                public ZgCollection<Line> Lines => Collection<Line>();
                protected override void OnModelCreating(ModelBuilder model) => model.Entity<Line>().HasKey("OrderId", [|"Product"|]);
            }
            """, "ZGDB002");
        Assert.Equal("Entity 'Line', property 'Product': the primary key names 'Product', which is not a public property of Line.", diagnostic.GetMessage());
    }

    [Fact]
    public void HasKey_naming_a_property_twice_is_reported()
    {
        AnalyzerRun.AssertRefused("""
            public class Line { public int OrderId { get; set; } public int ProductId { get; set; } }
            public class Db : ZgDatabase
            {
                public ZgCollection<Line> Lines => Collection<Line>();
                protected override void OnModelCreating(ModelBuilder model) => model.Entity<Line>().HasKey("OrderId", [|"OrderId"|]);
            }
            """, "ZGDB002");
    }

    [Fact]
    public void HasKey_on_a_NotMapped_property_is_reported()
    {
        AnalyzerRun.AssertRefused("""
            public class Tag { [NotMapped] public string Code { get; set; } = ""; public string Name { get; set; } = ""; }
            public class Db : ZgDatabase
            {
                public ZgCollection<Tag> Tags => Collection<Tag>();
                protected override void OnModelCreating(ModelBuilder model) => model.Entity<Tag>().HasKey(t => [|t.Code|]);
            }
            """, "ZGDB002");
    }

    [Fact]
    public void Composite_HasKey_of_usable_parts_is_accepted() => AnalyzerRun.AssertAccepted("""
        public enum Kind { A, B }
        public class Line { public int OrderId { get; set; } public Kind Kind { get; set; } public string Note { get; set; } = ""; }
        public class Db : ZgDatabase
        {
            public ZgCollection<Line> Lines => Collection<Line>();
            protected override void OnModelCreating(ModelBuilder model) => model.Entity<Line>().HasKey(l => new { l.OrderId, l.Kind });
        }
        """);
}
