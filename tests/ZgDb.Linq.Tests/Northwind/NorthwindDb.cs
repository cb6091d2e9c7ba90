namespace ZgDb.Linq.Tests.Northwind;

/// <summary>
/// EF Core's Northwind model as a ZgDb database: the five entity types, their keys (Employee by uint, OrderDetail by
/// EF Core's composite key (OrderID, ProductID)), the navigations of EF Core's model and the indexes of its NorthwindContext.
/// </summary>
public sealed class NorthwindDb : ZgDatabase
{
    public ZgCollection<Customer> Customers => Collection<Customer>();
    public ZgCollection<Employee> Employees => Collection<Employee>();
    public ZgCollection<Product> Products => Collection<Product>();
    public ZgCollection<Order> Orders => Collection<Order>();
    public ZgCollection<OrderDetail> OrderDetails => Collection<OrderDetail>();

    /// <summary>Any of the collections by entity type (EF Core's DbContext.Set).</summary>
    public ZgCollection<T> Set<T>() where T : class => Collection<T>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        var customer = model.Entity<Customer>();
        customer.HasKey(c => c.CustomerID);
        customer.HasIndex(c => c.City);
        customer.HasIndex(c => c.CompanyName);
        customer.HasIndex(c => c.PostalCode);
        customer.HasIndex(c => c.Region);
        var employee = model.Entity<Employee>();
        employee.HasKey(e => e.EmployeeID);
        employee.HasOne(e => e.Manager).WithMany().HasForeignKey(e => e.ReportsTo);
        var product = model.Entity<Product>();
        product.HasKey(p => p.ProductID);
        product.HasIndex(p => p.ProductName);
        var order = model.Entity<Order>();
        order.HasKey(o => o.OrderID);
        order.HasIndex(o => o.OrderDate);
        order.HasOne(o => o.Customer).WithMany(c => c.Orders).HasForeignKey(o => o.CustomerID);
        var detail = model.Entity<OrderDetail>();
        detail.HasKey(d => new { d.OrderID, d.ProductID });
        detail.HasOne(d => d.Order).WithMany(o => o.OrderDetails).HasForeignKey(d => d.OrderID);
        detail.HasOne(d => d.Product).WithMany(p => p.OrderDetails).HasForeignKey(d => d.ProductID);
    }
}

/// <summary>ZgDb as EF Core's tests' ISetSource: <c>ss.Set&lt;Customer&gt;()</c> is the database's collection.</summary>
public sealed class NorthwindDbSource(NorthwindDb db) : ISetSource
{
    public IQueryable<TEntity> Set<TEntity>() where TEntity : class => db.Set<TEntity>();
}

/// <summary>The Northwind data in a ZgDb database (where is up to the subclass) and as LINQ-to-Objects' linked graph.</summary>
public abstract class NorthwindBackend : IDisposable
{
    public NorthwindData Expected { get; } = new();
    public NorthwindDb Db { get; protected set; } = null!;
    public abstract string Name { get; }

    protected static void Fill(NorthwindDb db)
    {
        // One transaction, as an application would load it (an Update of a document inserted earlier in the same
        // transaction used to be lost: docs/NORTHWIND.md, defect 6, fixed).
        using var tx = db.BeginTransaction();
        db.Customers.InsertMany(NorthwindData.Fresh.Customers());
        var employees = NorthwindData.Fresh.Employees();
        var managers = employees.ToDictionary(e => e.EmployeeID, e => e.ReportsTo);
        foreach (var employee in employees) employee.ReportsTo = null; // inserted first, then linked: 1 reports to 2
        db.Employees.InsertMany(employees);
        foreach (var employee in employees)
        {
            employee.ReportsTo = managers[employee.EmployeeID];
            if (employee.ReportsTo is not null) db.Employees.Update(employee);
        }
        db.Products.InsertMany(NorthwindData.Fresh.Products());
        db.Orders.InsertMany(NorthwindData.Fresh.Orders());
        db.OrderDetails.InsertMany(NorthwindData.Fresh.OrderDetails());
        tx.Commit();
    }

    public virtual void Dispose()
    {
        Db.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class InMemoryNorthwindBackend : NorthwindBackend
{
    public InMemoryNorthwindBackend()
    {
        Db = ZgDatabase.OpenInMemory<NorthwindDb>();
        Fill(Db);
    }

    public override string Name => "in memory";
}

/// <summary>On disk, reopened after the data was written and checkpointed, so reads come from chunk files.</summary>
public sealed class OnDiskNorthwindBackend : NorthwindBackend
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "zgdb-northwind-" + Guid.NewGuid().ToString("N"));

    public OnDiskNorthwindBackend()
    {
        var options = new ZgDbOptions { ChunkDocuments = 128 };
        using (var db = ZgDatabase.Open<NorthwindDb>(_directory, options)) Fill(db);
        Db = ZgDatabase.Open<NorthwindDb>(_directory, options);
    }

    public override string Name => "on disk";

    public override void Dispose()
    {
        base.Dispose();
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }
}
