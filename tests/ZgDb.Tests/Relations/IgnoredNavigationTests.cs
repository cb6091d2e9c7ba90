namespace ZgDb.Tests.Relations;

/// <summary>
/// A navigation left out of the model (<c>Ignore(x => x.Navigation)</c> or <c>[NotMapped]</c>) is not a relationship:
/// relationship discovery used to find it anyway (a foreign key checked, a cascade run, an index built).
/// </summary>
public sealed class IgnoredNavigationTests
{
    public sealed class Customer
    {
        public int Id { get; set; }
        public string Name { get; set; } = "";
        public List<Invoice> Invoices { get; set; } = [];
    }

    public sealed class Invoice
    {
        public int Id { get; set; }
        public int CustomerId { get; set; }
        public Customer? Customer { get; set; }
    }

    public sealed class Payment
    {
        public int Id { get; set; }
        public int CustomerId { get; set; }
        [System.ComponentModel.DataAnnotations.Schema.NotMapped]
        public Customer? Customer { get; set; }
    }

    public sealed class IgnoringDb : ZgDatabase
    {
        public ZgCollection<Customer> Customers => Collection<Customer>();
        public ZgCollection<Invoice> Invoices => Collection<Invoice>();

        protected override void OnModelCreating(ModelBuilder model)
        {
            model.Entity<Invoice>().Ignore(i => i.Customer);
            model.Entity<Customer>().Ignore(c => c.Invoices);
        }
    }

    public sealed class NotMappedDb : ZgDatabase
    {
        public ZgCollection<Customer> Customers => Collection<Customer>();
        public ZgCollection<Payment> Payments => Collection<Payment>();

        protected override void OnModelCreating(ModelBuilder model) => model.Entity<Customer>().Ignore(c => c.Invoices);
    }

    public sealed class PartlyIgnoringDb : ZgDatabase
    {
        public ZgCollection<Customer> Customers => Collection<Customer>();
        public ZgCollection<Invoice> Invoices => Collection<Invoice>();

        // only the collection side is ignored: Invoice.Customer still makes the relationship (without an inverse)
        protected override void OnModelCreating(ModelBuilder model) => model.Entity<Customer>().Ignore(c => c.Invoices);
    }

    public sealed class ConflictingDb : ZgDatabase
    {
        public ZgCollection<Customer> Customers => Collection<Customer>();
        public ZgCollection<Invoice> Invoices => Collection<Invoice>();

        protected override void OnModelCreating(ModelBuilder model)
        {
            model.Entity<Invoice>().HasOne(i => i.Customer).WithMany(c => c.Invoices).HasForeignKey(i => i.CustomerId);
            model.Entity<Invoice>().Ignore(i => i.Customer);
        }
    }

    [Fact]
    public void A_navigation_both_configured_and_ignored_is_refused_naming_it()
    {
        var e = Assert.Throws<ZgDbModelException>(() => ZgDatabase.OpenInMemory<ConflictingDb>());
        Assert.Contains("Invoice", e.Message);
        Assert.Contains("Customer", e.Message);
        Assert.Contains("Ignore", e.Message);
    }

    [Fact]
    public void Ignored_navigations_were_still_discovered_as_a_relationship()
    {
        using var db = ZgDatabase.OpenInMemory<IgnoringDb>();
        Assert.Empty(db.Model.Relationships);
        // no foreign key is checked: an invoice of a customer that does not exist is stored, as in a model without the navigation
        db.Invoices.Insert(new Invoice { Id = 1, CustomerId = 42 });
        Assert.Equal(42, db.Invoices.Find(1)!.CustomerId);
    }

    [Fact]
    public void Not_mapped_navigation_was_still_discovered_as_a_relationship()
    {
        using var db = ZgDatabase.OpenInMemory<NotMappedDb>();
        Assert.Empty(db.Model.Relationships);
        db.Payments.Insert(new Payment { Id = 1, CustomerId = 7 });
        Assert.Equal(7, db.Payments.Find(1)!.CustomerId);
    }

    [Fact]
    public void Ignoring_one_end_keeps_the_relationship_of_the_other()
    {
        using var db = ZgDatabase.OpenInMemory<PartlyIgnoringDb>();
        var relationship = Assert.Single(db.Model.Relationships);
        Assert.Null(relationship.PrincipalNavigation);
        Assert.Equal(nameof(Invoice.Customer), relationship.DependentNavigation?.Name);
        Assert.Throws<ZgDbForeignKeyException>(() => db.Invoices.Insert(new Invoice { Id = 1, CustomerId = 42 }));
    }
}
