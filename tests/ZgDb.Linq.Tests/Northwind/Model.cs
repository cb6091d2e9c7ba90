// Licensed to the .NET Foundation under one or more agreements.
// The .NET Foundation licenses this file to you under the MIT license.
// Ported from dotnet/efcore test/EFCore.Specification.Tests/TestModels/Northwind/{Customer,Order,OrderDetail,Product,Employee}.cs.
// Changes for ZgDb: no DbContext/ILazyLoader constructor, no Context property, Order.Customer is not initialized to
// a new Customer (that tests an EF Core change-tracking issue). OrderDetail is keyed by (OrderID, ProductID) as in
// EF Core (a composite key, NorthwindDb.OnModelCreating; before ZgDb had composite keys it had a surrogate key).
// Equality stays EF Core's (by key), so LINQ-to-Objects compares entities as the EF Core tests do.

using System.ComponentModel.DataAnnotations;
using System.ComponentModel.DataAnnotations.Schema;

namespace ZgDb.Linq.Tests.Northwind;

#pragma warning disable CS0660, CS0661 // == without Equals/GetHashCode: as in EF Core's model

public class Customer : IComparable<Customer>
{
    [MaxLength(5), Required]
    public string CustomerID { get; set; } = null!;
    [MaxLength(40), Required]
    public string CompanyName { get; set; } = null!;
    public string? ContactName { get; set; }
    public string? ContactTitle { get; set; }
    public string? Address { get; set; }
    public string? City { get; set; }
    public string? Region { get; set; }
    public string? PostalCode { get; set; }
    public string? Country { get; set; }
    public string? Phone { get; set; }
    public string? Fax { get; set; }

    public virtual List<Order> Orders { get; set; } = null!;

    [NotMapped]
    public bool IsLondon => City == "London";

    protected bool Equals(Customer other) => string.Equals(CustomerID, other.CustomerID);
    public override bool Equals(object? obj) => obj is not null && (ReferenceEquals(this, obj) || (obj.GetType() == GetType() && Equals((Customer)obj)));
    public static bool operator ==(Customer? left, Customer? right) => Equals(left, right);
    public static bool operator !=(Customer? left, Customer? right) => !Equals(left, right);
    public int CompareTo(Customer? other) => other == null ? 1 : string.CompareOrdinal(CustomerID, other.CustomerID);
    public override int GetHashCode() => CustomerID.GetHashCode();
    public override string ToString() => "Customer " + CustomerID;
}

public class Order
{
    private int? _orderId;

    public int OrderID
    {
        get => _orderId ?? 0;
        set => _orderId = value;
    }

    public string? CustomerID { get; set; }
    public uint? EmployeeID { get; set; }
    public DateTime? OrderDate { get; set; }
    public DateTime? RequiredDate { get; set; }
    public DateTime? ShippedDate { get; set; }
    public int? ShipVia { get; set; }
    public decimal? Freight { get; set; }
    public string? ShipName { get; set; }
    public string? ShipAddress { get; set; }
    public string? ShipCity { get; set; }
    public string? ShipRegion { get; set; }
    public string? ShipPostalCode { get; set; }
    public string? ShipCountry { get; set; }

    public Customer? Customer { get; set; }

    public virtual ICollection<OrderDetail> OrderDetails { get; set; } = null!;

    protected bool Equals(Order other) => OrderID == other.OrderID;
    public override bool Equals(object? obj) => obj is not null && (ReferenceEquals(this, obj) || (obj.GetType() == GetType() && Equals((Order)obj)));
    public override int GetHashCode() => OrderID.GetHashCode();
    public override string ToString() => "Order " + OrderID;
}

public class OrderDetail : IComparable<OrderDetail>
{
    private int? _orderId;
    private int? _productId;

    public int OrderID
    {
        get => _orderId ?? 0;
        set => _orderId = value;
    }

    public int ProductID
    {
        get => _productId ?? 0;
        set => _productId = value;
    }

    public decimal UnitPrice { get; set; }
    public short Quantity { get; set; }
    public float Discount { get; set; }

    public virtual Product Product { get; set; } = null!;
    public virtual Order Order { get; set; } = null!;

    protected bool Equals(OrderDetail other) => OrderID == other.OrderID && ProductID == other.ProductID;
    public override bool Equals(object? obj) => obj is not null && (ReferenceEquals(this, obj) || (obj.GetType() == GetType() && Equals((OrderDetail)obj)));
    public override int GetHashCode() => HashCode.Combine(OrderID, ProductID);

    public int CompareTo(OrderDetail? other)
    {
        if (other == null) return 1;
        var comp1 = OrderID.CompareTo(other.OrderID);
        return comp1 == 0 ? ProductID.CompareTo(other.ProductID) : comp1;
    }
}

public class Product
{
    private int? _productId;

    public Product() => OrderDetails = [];

    public int ProductID
    {
        get => _productId ?? 0;
        set => _productId = value;
    }

    [MaxLength(40), Required]
    public string ProductName { get; set; } = null!;
    public int? SupplierID { get; set; }
    public int? CategoryID { get; set; }
    public string? QuantityPerUnit { get; set; }
    public decimal? UnitPrice { get; set; }
    public ushort UnitsInStock { get; set; }
    public ushort? UnitsOnOrder { get; set; }
    public ushort? ReorderLevel { get; set; }
    public bool Discontinued { get; set; }

    public virtual List<OrderDetail> OrderDetails { get; set; }

    protected bool Equals(Product other) => Equals(ProductID, other.ProductID);
    public override bool Equals(object? obj) => obj is not null && (ReferenceEquals(this, obj) || (obj.GetType() == GetType() && Equals((Product)obj)));
    public override int GetHashCode() => ProductID.GetHashCode();
    public override string ToString() => "Product " + ProductID;
}

public class Employee
{
    private uint? _employeeId;

    public uint EmployeeID
    {
        get => _employeeId ?? 0;
        set => _employeeId = value;
    }

    [MaxLength(20), Required]
    public string LastName { get; set; } = null!;
    [MaxLength(10), Required]
    public string FirstName { get; set; } = null!;
    public string? Title { get; set; }
    public string? TitleOfCourtesy { get; set; }
    public DateTime? BirthDate { get; set; }
    public DateTime? HireDate { get; set; }
    public string? Address { get; set; }
    public string? City { get; set; }
    public string? Region { get; set; }
    public string? PostalCode { get; set; }
    public string? Country { get; set; }
    public string? HomePhone { get; set; }
    public string? Extension { get; set; }
    public byte[]? Photo { get; set; }
    public string? Notes { get; set; }
    public uint? ReportsTo { get; set; }
    public string? PhotoPath { get; set; }

    public Employee? Manager { get; set; }

    protected bool Equals(Employee other) => EmployeeID == other.EmployeeID;
    public override bool Equals(object? obj) => obj is not null && (ReferenceEquals(this, obj) || (obj.GetType() == GetType() && Equals((Employee)obj)));
    public override int GetHashCode() => EmployeeID.GetHashCode();
    public override string ToString() => "Employee " + EmployeeID;
}
