namespace ZgDb.Generators.Tests;

/// <summary>An OnModelCreating the analyzer does not see (a base class's) may ignore a property: the checks it could change stay silent.</summary>
public sealed class UnreadableConfigurationTests
{
    [Fact]
    public void Property_ignored_by_a_base_class_OnModelCreating_is_not_reported() => AnalyzerRun.AssertAccepted("""
        public class Order { public int Id { get; set; } public Dictionary<string, int> Totals { get; set; } = new(); }
        public abstract class BaseDb : ZgDatabase
        {
            protected override void OnModelCreating(ModelBuilder model) => model.Entity<Order>().Ignore(o => o.Totals);
        }
        public class Db : BaseDb { public ZgCollection<Order> Orders => Collection<Order>(); }
        """);

    [Fact]
    public void Property_ignored_by_base_OnModelCreating_called_from_an_override_is_not_reported() => AnalyzerRun.AssertAccepted("""
        public class Order { public int Id { get; set; } public Dictionary<string, int> Totals { get; set; } = new(); public string Code { get; set; } = ""; }
        public abstract class BaseDb : ZgDatabase
        {
            protected override void OnModelCreating(ModelBuilder model) => model.Entity<Order>().Ignore(o => o.Totals);
        }
        public class Db : BaseDb
        {
            public ZgCollection<Order> Orders => Collection<Order>();
            protected override void OnModelCreating(ModelBuilder model)
            {
                base.OnModelCreating(model);
                model.Entity<Order>().HasIndex(o => o.Code);
            }
        }
        """);

    [Fact]
    public void Override_that_does_not_call_the_base_is_read_alone()
    {
        // The base's Ignore never runs: the runtime refuses Totals, and so does the analyzer.
        AnalyzerRun.AssertRefused("""
            public class Order { public int Id { get; set; } public Dictionary<string, int> [|Totals|] { get; set; } = new(); }
            public abstract class BaseDb : ZgDatabase
            {
                protected override void OnModelCreating(ModelBuilder model) => model.Entity<Order>().Ignore(o => o.Totals);
            }
            public class Db : BaseDb
            {
                public ZgCollection<Order> Orders => Collection<Order>();
                protected override void OnModelCreating(ModelBuilder model) { }
            }
            """, "ZGDB001");
    }

    [Fact]
    public void Entity_builder_kept_in_a_local_is_read() => AnalyzerRun.AssertAccepted("""
        public class Order { public int Id { get; set; } public Dictionary<string, int> Totals { get; set; } = new(); }
        public class Db : ZgDatabase
        {
            public ZgCollection<Order> Orders => Collection<Order>();
            protected override void OnModelCreating(ModelBuilder model)
            {
                var order = model.Entity<Order>();
                order.Ignore(nameof(Order.Totals));
            }
        }
        """);

    [Fact]
    public void Ignore_of_a_name_that_is_not_a_constant_silences_the_entitys_property_checks() => AnalyzerRun.AssertAccepted("""
        public class Order { public int Id { get; set; } public Dictionary<string, int> Totals { get; set; } = new(); }
        public class Db : ZgDatabase
        {
            private static readonly string Left = "Totals";
            public ZgCollection<Order> Orders => Collection<Order>();
            protected override void OnModelCreating(ModelBuilder model) => model.Entity<Order>().Ignore(Left);
        }
        """);

    [Fact]
    public void Call_of_ZgDatabase_own_OnModelCreating_keeps_the_configuration_readable()
    {
        AnalyzerRun.AssertRefused("""
            public class Order { public int Id { get; set; } public Dictionary<string, int> [|Totals|] { get; set; } = new(); }
            public class Db : ZgDatabase
            {
                public ZgCollection<Order> Orders => Collection<Order>();
                protected override void OnModelCreating(ModelBuilder model)
                {
                    base.OnModelCreating(model);
                    model.Entity<Order>().HasIndex(o => o.Id);
                }
            }
            """, "ZGDB001");
    }
}
