// Licensed to the .NET Foundation under one or more agreements.
// The .NET Foundation licenses this file to you under the MIT license.
// Ported from dotnet/efcore test/EFCore.Specification.Tests/TestModels/Northwind/NorthwindData.cs: the entities of
// NorthwindData.Objects.cs (copied unchanged), linked into one object graph as EF Core's NorthwindData links them,
// and served as LINQ-to-Objects sets. Changes: the lists are in primary-key order (ZgDb's order without OrderBy; the
// arrays are nearly so already), and the keyless query types are not ported.

namespace ZgDb.Linq.Tests.Northwind;

public partial class NorthwindData : ISetSource
{
    public NorthwindData()
    {
        Customers = Fresh.Customers();
        Employees = Fresh.Employees();
        Products = Fresh.Products();
        Orders = Fresh.Orders();
        OrderDetails = Fresh.OrderDetails();

        foreach (var customer in Customers) customer.Orders = [];
        foreach (var product in Products) product.OrderDetails = [];
        var customers = Customers.ToDictionary(c => c.CustomerID);
        foreach (var order in Orders)
        {
            order.OrderDetails = new List<OrderDetail>();
            var customer = customers[order.CustomerID!];
            order.Customer = customer;
            customer.Orders.Add(order);
        }
        var orders = Orders.ToDictionary(o => o.OrderID);
        var products = Products.ToDictionary(p => p.ProductID);
        foreach (var orderDetail in OrderDetails)
        {
            var order = orders[orderDetail.OrderID];
            orderDetail.Order = order;
            order.OrderDetails.Add(orderDetail);
            var product = products[orderDetail.ProductID];
            orderDetail.Product = product;
            product.OrderDetails.Add(orderDetail);
        }
        foreach (var employee in Employees)
            employee.Manager = Employees.FirstOrDefault(e => employee.ReportsTo == e.EmployeeID);
    }

    public List<Customer> Customers { get; }
    public List<Employee> Employees { get; }
    public List<Product> Products { get; }
    public List<Order> Orders { get; }
    public List<OrderDetail> OrderDetails { get; }

    public IQueryable<TEntity> Set<TEntity>() where TEntity : class
    {
        if (typeof(TEntity) == typeof(Customer)) return (IQueryable<TEntity>)Customers.AsQueryable();
        if (typeof(TEntity) == typeof(Employee)) return (IQueryable<TEntity>)Employees.AsQueryable();
        if (typeof(TEntity) == typeof(Order)) return (IQueryable<TEntity>)Orders.AsQueryable();
        if (typeof(TEntity) == typeof(Product)) return (IQueryable<TEntity>)Products.AsQueryable();
        if (typeof(TEntity) == typeof(OrderDetail)) return (IQueryable<TEntity>)OrderDetails.AsQueryable();
        throw new InvalidOperationException("Invalid entity type: " + typeof(TEntity));
    }

    /// <summary>New, unlinked entities in key order (what is inserted into ZgDb, and what the graph is built from).</summary>
    public static class Fresh
    {
        public static List<Customer> Customers() => [.. CreateCustomers().OrderBy(c => c.CustomerID, StringComparer.Ordinal)];
        public static List<Employee> Employees() => [.. CreateEmployees().OrderBy(e => e.EmployeeID)];
        public static List<Product> Products() => [.. CreateProducts().OrderBy(p => p.ProductID)];
        public static List<Order> Orders() => [.. CreateOrders().OrderBy(o => o.OrderID)];

        public static List<OrderDetail> OrderDetails() => [.. CreateOrderDetails().OrderBy(d => d.OrderID).ThenBy(d => d.ProductID)];
    }
}
