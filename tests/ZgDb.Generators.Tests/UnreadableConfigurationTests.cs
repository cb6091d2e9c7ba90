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

/// <summary>Fluent calls that may not run (under a condition) are not taken as made: no diagnostic rests on them.</summary>
public sealed class ConditionalConfigurationTests
{
    [Fact]
    public void Ignore_under_a_condition_does_not_make_an_index_on_the_property_a_problem() => AnalyzerRun.AssertAccepted("""
        public class User { public int Id { get; set; } public string Nickname { get; set; } = ""; }
        public class Db : ZgDatabase
        {
            public static bool Slim;
            public ZgCollection<User> Users => Collection<User>();
            protected override void OnModelCreating(ModelBuilder model)
            {
                if (Slim) model.Entity<User>().Ignore(u => u.Nickname);
                model.Entity<User>().HasIndex(u => u.Nickname);
            }
        }
        """);

    [Fact]
    public void HasKey_under_a_condition_is_not_checked() => AnalyzerRun.AssertAccepted("""
        public class Tag { public int Id { get; set; } public int? Code { get; set; } }
        public class Db : ZgDatabase
        {
            public static bool ByCode;
            public ZgCollection<Tag> Tags => Collection<Tag>();
            protected override void OnModelCreating(ModelBuilder model)
            {
                if (ByCode) model.Entity<Tag>().HasKey(t => t.Code);
            }
        }
        """);
}
