using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using ZgDb.Migrations.EfCore;
using ZgDb.Migrations.Export;
using ZgDb.Migrations.Tests.Support;
using EfDeleteBehavior = Microsoft.EntityFrameworkCore.DeleteBehavior;

namespace ZgDb.Migrations.Tests;

/// <summary>The EF Core model replayed from a ZgDb model holds what the ZgDb configuration says.</summary>
public sealed class ModelReplayTests
{
    private static IModel Replay<TDb>() where TDb : ZgDatabase, new()
    {
        using var db = ZgDatabase.OpenInMemory<TDb>();
        using var context = new ZgDbReplayContext(db.Model, new DbContextOptionsBuilder().UseSqlite("Data Source=:memory:").Options);
        return context.Model;
    }

    private static Type? StoreType(IProperty property) =>
        property.GetValueConverter()?.ProviderClrType ?? property.GetProviderClrType() ?? property.FindTypeMapping()?.Converter?.ProviderClrType;

    [Fact]
    public void Keys_zgdb_assigns_are_generated_on_add_others_never_and_tables_are_named_like_collections()
    {
        var model = Replay<BlogDb>();
        foreach (var (type, table, key) in new[] { (typeof(User), "Users", "Id"), (typeof(Post), "Posts", "Id"), (typeof(Category), "Categories", "Id"), (typeof(Comment), "Comments", "Id") })
        {
            var entity = model.FindEntityType(type)!;
            Assert.Equal(table, entity.GetTableName());
            var pk = Assert.Single(entity.FindPrimaryKey()!.Properties);
            Assert.Equal(key, pk.Name);
            Assert.Equal(ValueGenerated.OnAdd, pk.ValueGenerated); // int, long (identity) and Guid keys: ZgDb assigns them, so does EF Core
        }
        var everything = Replay<EverythingDb>().FindEntityType(typeof(Everything))!;
        var code = Assert.Single(everything.FindPrimaryKey()!.Properties);
        Assert.Equal("Code", code.Name);
        Assert.Equal(ValueGenerated.Never, code.ValueGenerated); // a string key is the application's
        var keys = Replay<KeysDb>();
        Assert.Equal(ValueGenerated.OnAdd, keys.FindEntityType(typeof(Shipper))!.FindPrimaryKey()!.Properties[0].ValueGenerated);
        Assert.Equal(ValueGenerated.OnAdd, keys.FindEntityType(typeof(Badge))!.FindPrimaryKey()!.Properties[0].ValueGenerated);
        Assert.Equal(ValueGenerated.Never, keys.FindEntityType(typeof(Shipment))!.FindPrimaryKey()!.Properties[0].ValueGenerated); // ulong: decimal(20,0)
        Assert.Equal(ValueGenerated.Never, keys.FindEntityType(typeof(Blob))!.FindPrimaryKey()!.Properties[0].ValueGenerated);
    }

    [Fact]
    public void Required_max_length_nullable_and_ignored_properties_follow_zgdb()
    {
        var user = Replay<BlogDb>().FindEntityType(typeof(User))!;
        Assert.False(user.FindProperty("Name")!.IsNullable);
        Assert.Equal(100, user.FindProperty("Name")!.GetMaxLength());
        Assert.True(user.FindProperty("Email")!.IsNullable); // ZgDb does not read nullable annotations: not [Required], so optional
        Assert.False(user.FindProperty("Age")!.IsNullable);
        Assert.Null(user.FindProperty("Display"));
        var everything = Replay<EverythingDb>().FindEntityType(typeof(Everything))!;
        Assert.True(everything.FindProperty("NullableInt")!.IsNullable);
        Assert.Null(everything.FindProperty("ReadOnlyLength"));
        Assert.Equal(typeof(long), StoreType(everything.FindProperty("UInt")!));
        Assert.Equal(typeof(decimal), StoreType(everything.FindProperty("ULong")!));
        Assert.Equal(typeof(long), StoreType(everything.FindProperty("Flags")!));
        Assert.NotNull(everything.FindProperty("DateTime")!.GetValueConverter());
        Assert.Equal(typeof(Role), everything.FindProperty("Role")!.ClrType);
    }

    [Fact]
    public void Indexes_unique_and_composite_are_replayed_and_nested_ones_are_noted()
    {
        var user = Replay<BlogDb>().FindEntityType(typeof(User))!;
        var email = user.GetIndexes().Single(i => i.Properties.Select(p => p.Name).SequenceEqual(["Email"]));
        Assert.True(email.IsUnique);
        var composite = user.GetIndexes().Single(i => i.Properties.Count == 2);
        Assert.Equal(["Role", "Age"], composite.Properties.Select(p => p.Name));
        Assert.False(composite.IsUnique);

        using var db = ZgDatabase.OpenInMemory<BlogDb>();
        var notes = EfModelReplay.Apply(new Microsoft.EntityFrameworkCore.ModelBuilder(), db.Model);
        Assert.Contains(notes, n => n.Contains("'Address.City'", StringComparison.Ordinal));
    }

    [Fact]
    public void Relationships_keep_their_ends_requiredness_and_delete_behaviours()
    {
        var model = Replay<BlogDb>();
        IForeignKey Fk<T>(string property) => model.FindEntityType(typeof(T))!.GetForeignKeys().Single(f => f.Properties[0].Name == property);

        var author = Fk<Post>("AuthorId");
        Assert.Equal(typeof(User), author.PrincipalEntityType.ClrType);
        Assert.Equal(EfDeleteBehavior.Cascade, author.DeleteBehavior);
        Assert.True(author.IsRequired);
        Assert.Equal("Author", author.DependentToPrincipal!.Name);
        Assert.Equal("Posts", author.PrincipalToDependent!.Name);

        var category = Fk<Post>("CategoryId");
        Assert.Equal(EfDeleteBehavior.SetNull, category.DeleteBehavior);
        Assert.False(category.IsRequired);

        var profile = Fk<Profile>("UserId");
        Assert.True(profile.IsUnique);
        Assert.Equal("Profile", profile.PrincipalToDependent!.Name);

        var parent = Fk<Category>("ParentId");
        Assert.Equal(typeof(Category), parent.PrincipalEntityType.ClrType);
        Assert.Equal(EfDeleteBehavior.Restrict, parent.DeleteBehavior);
        Assert.Equal(EfDeleteBehavior.Cascade, Fk<Comment>("PostId").DeleteBehavior);
        Assert.Equal(5, model.GetEntityTypes().Count(e => !e.IsOwned()));
    }

    [Fact]
    public void Nested_classes_are_owned_json_and_lists_of_scalars_are_primitive_collections()
    {
        var model = Replay<EverythingDb>();
        var everything = model.FindEntityType(typeof(Everything))!;
        var address = everything.FindNavigation("Address")!.TargetEntityType;
        Assert.True(address.IsOwned());
        Assert.True(address.IsMappedToJson());
        var lines = everything.FindNavigation("Lines")!;
        Assert.True(lines.IsCollection);
        Assert.True(lines.TargetEntityType.IsMappedToJson());
        Assert.True(lines.TargetEntityType.FindNavigation("ShipTo")!.TargetEntityType.IsOwned());
        Assert.True(everything.FindProperty("Ints")!.IsPrimitiveCollection);
        Assert.True(everything.FindProperty("Strings")!.IsPrimitiveCollection);
        Assert.True(everything.FindProperty("Guids")!.IsPrimitiveCollection);
    }

    [Fact]
    public void A_nested_type_that_contains_itself_is_refused_naming_it()
    {
        using var db = ZgDatabase.OpenInMemory<TreeDb>();
        var error = Assert.Throws<ZgDbExportException>(() => EfModelReplay.Apply(new Microsoft.EntityFrameworkCore.ModelBuilder(), db.Model));
        Assert.Equal("Documents", error.Collection);
        Assert.Contains("Root.Children", error.Message);
        Assert.Contains("TreeNode", error.Message);
        // The exporter refuses it before touching any target.
        var path = Path.Combine(Path.GetTempPath(), $"zgdb-tree-{Guid.NewGuid():N}.db");
        Assert.ThrowsAsync<ZgDbExportException>(() => ZgDbExporter.ExportAsync(db, ExportTarget.Sqlite(path))).GetAwaiter().GetResult();
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Collections_are_ordered_principals_first()
    {
        using var db = ZgDatabase.OpenInMemory<BlogDb>();
        Assert.Equal(["Users", "Profiles", "Categories", "Posts", "Comments"], ExportOrder.Collections(db.Model).Select(e => e.CollectionName));
    }
}
