namespace ZgDb.Generators.Tests;

/// <summary>ZGDB001: a stored property of a type ZgDb cannot store; the same model is refused at open with the same message.</summary>
public sealed class UnsupportedPropertyTypeTests
{
    [Fact]
    public void Dictionary_property_is_reported_where_it_is_declared()
    {
        var diagnostic = AnalyzerRun.AssertRefused("""
            public class Order { public int Id { get; set; } public Dictionary<string, int> [|Totals|] { get; set; } = new(); }
            public class Db : ZgDatabase { public ZgCollection<Order> Orders => Collection<Order>(); }
            """, "ZGDB001");
        Assert.StartsWith("Entity 'Order', property 'Totals': type Dictionary`2 cannot be stored.", diagnostic.GetMessage());
    }

    [Fact]
    public void Object_property_of_a_nested_class_names_the_entity_property_and_the_nested_one()
    {
        var diagnostic = AnalyzerRun.AssertRefused("""
            public class Address { public string City { get; set; } = ""; public object? [|Extra|] { get; set; } }
            public class Customer { public int Id { get; set; } public Address Home { get; set; } = new(); }
            public class Db : ZgDatabase { public ZgCollection<Customer> Customers => Collection<Customer>(); }
            """, "ZGDB001");
        Assert.StartsWith("Entity 'Customer', property 'Home': nested type Address: Entity 'Address', property 'Extra': type Object cannot be stored.", diagnostic.GetMessage());
    }

    [Fact]
    public void List_of_an_interface_is_reported_as_a_collection_of_it()
    {
        var diagnostic = AnalyzerRun.AssertRefused("""
            public class Note { public int Id { get; set; } public List<IDisposable> [|Handles|] { get; set; } = new(); }
            public class Db : ZgDatabase { public ZgCollection<Note> Notes => Collection<Note>(); }
            """, "ZGDB001");
        Assert.Contains("type a collection of IDisposable cannot be stored", diagnostic.GetMessage());
    }

    [Fact]
    public void Custom_struct_is_reported()
    {
        AnalyzerRun.AssertRefused("""
            public struct Money { public decimal Amount { get; set; } }
            public class Invoice { public int Id { get; set; } public Money? [|Total|] { get; set; } }
            public class Db : ZgDatabase { public ZgCollection<Invoice> Invoices => Collection<Invoice>(); }
            """, "ZGDB001");
    }

    [Fact]
    public void NotMapped_property_of_an_unsupported_type_is_not_reported() => AnalyzerRun.AssertAccepted("""
        public class Order { public int Id { get; set; } [NotMapped] public Dictionary<string, int> Totals { get; set; } = new(); }
        public class Db : ZgDatabase { public ZgCollection<Order> Orders => Collection<Order>(); }
        """);

    [Fact]
    public void Property_ignored_in_OnModelCreating_is_not_reported() => AnalyzerRun.AssertAccepted("""
        public class Order { public int Id { get; set; } public Dictionary<string, int> Totals { get; set; } = new(); public object? Tag { get; set; } }
        public class Db : ZgDatabase
        {
            public ZgCollection<Order> Orders => Collection<Order>();
            protected override void OnModelCreating(ModelBuilder model) { model.Entity<Order>().Ignore(o => o.Totals).Ignore("Tag"); }
        }
        """);

    [Fact]
    public void Get_only_property_of_an_unsupported_type_is_not_stored_and_not_reported() => AnalyzerRun.AssertAccepted("""
        public class Order { public int Id { get; set; } public Dictionary<string, int> Totals => new(); }
        public class Db : ZgDatabase { public ZgCollection<Order> Orders => Collection<Order>(); }
        """);

    [Fact]
    public void Builder_handed_to_a_helper_silences_the_checks_an_Ignore_could_change() => AnalyzerRun.AssertAccepted("""
        public class Order { public int Id { get; set; } public Dictionary<string, int> Totals { get; set; } = new(); }
        public static class Config { public static void Apply(EntityTypeBuilder<Order> order) => order.Ignore(o => o.Totals); }
        public class Db : ZgDatabase
        {
            public ZgCollection<Order> Orders => Collection<Order>();
            protected override void OnModelCreating(ModelBuilder model) => Config.Apply(model.Entity<Order>());
        }
        """);

    [Fact]
    public void Recursive_nested_type_is_described_once() => AnalyzerRun.AssertAccepted("""
        public class TreeNode { public string Name { get; set; } = ""; public List<TreeNode> Children { get; set; } = new(); }
        public class Folder { public int Id { get; set; } public TreeNode Root { get; set; } = new(); }
        public class Db : ZgDatabase { public ZgCollection<Folder> Folders => Collection<Folder>(); }
        """);
}
