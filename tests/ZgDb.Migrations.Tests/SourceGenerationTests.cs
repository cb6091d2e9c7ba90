using System.Reflection;
using System.Runtime.Loader;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Xunit.Abstractions;
using ZgDb.Migrations.EfCore;
using ZgDb.Migrations.Export;
using ZgDb.Migrations.SourceGeneration;
using ZgDb.Migrations.Tests.Support;

namespace ZgDb.Migrations.Tests;

/// <summary>The generated DbContext compiles (Roslyn, warnings included) and builds the same EF Core model as the replay.</summary>
public sealed class SourceGenerationTests(ITestOutputHelper output)
{
    [Fact]
    public void Generated_blog_context_compiles_and_matches_the_replayed_model() => CompileAndCompare<BlogDb>("BlogDbContext");

    [Fact]
    public void Generated_context_of_every_property_type_compiles_and_matches_the_replayed_model() => CompileAndCompare<EverythingDb>("EverythingDbContext");

    [Fact]
    public void Generated_context_of_uint_ulong_byte_array_keys_and_a_record_compiles_and_matches_the_replayed_model() => CompileAndCompare<KeysDb>("KeysDbContext");

    [Fact]
    public void Generated_context_of_composite_keys_and_composite_foreign_keys_compiles_and_matches_the_replayed_model()
    {
        CompileAndCompare<CompositeExportDb>("CompositeExportDbContext");
        using var db = ZgDatabase.OpenInMemory<CompositeExportDb>();
        var source = ZgDbExporter.GenerateDbContext(db);
        Assert.Contains("entity.HasKey(e => new { e.OrderId, e.Sku, e.Day });", source);
        Assert.Contains(".HasForeignKey(e => new { e.LineOrder, e.LineSku, e.LineDay })", source);
    }

    [Fact]
    public void Generated_context_of_implicit_and_explicit_many_to_many_compiles_and_matches_the_replayed_model()
    {
        CompileAndCompare<ManyToManyExportDb>("ManyToManyExportDbContext");
        using var db = ZgDatabase.OpenInMemory<ManyToManyExportDb>();
        var source = ZgDbExporter.GenerateDbContext(db);
        Assert.Contains(".WithMany(e => e.Posts);", source);
        Assert.Contains(".UsingEntity<global::ZgDb.Migrations.Tests.Support.MmBookGenre>(", source);
        Assert.DoesNotContain("MmPostMmTag", source); // EF Core declares the implicit join itself
    }

    [Fact]
    public async Task Generated_context_reads_an_exported_database()
    {
        using var db = ZgDatabase.OpenInMemory<BlogDb>();
        BlogData.Fill(db, seed: 21);
        var path = Path.Combine(Path.GetTempPath(), $"zgdb-gen-{Guid.NewGuid():N}.db");
        try
        {
            var target = ExportTarget.Sqlite(path);
            await ZgDbExporter.ExportAsync(db, target);
            var file = ZgDbExporter.WriteDbContextFile(db, Path.GetDirectoryName(path)!, new DbContextSourceOptions { ContextName = "BlogDbContext" + Guid.NewGuid().ToString("N")[..6] });
            var contextName = Path.GetFileNameWithoutExtension(file);
            var type = Compile(File.ReadAllText(file), contextName);
            File.Delete(file);
            await using var context = Create(type, b => b.UseSqlite(target.ConnectionString));
            var users = (IQueryable<User>)type.GetProperty("Users")!.GetValue(context)!;
            Assert.Equal(db.Users.Where(u => u.Age > 40).Select(u => u.Id).OrderBy(i => i).ToList(),
                users.Where(u => u.Age > 40).Select(u => u.Id).OrderBy(i => i).ToList());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(path);
        }
    }

    [Fact]
    public void Names_and_namespace_can_be_chosen()
    {
        using var db = ZgDatabase.OpenInMemory<BlogDb>();
        var source = ZgDbExporter.GenerateDbContext(db.Model, new DbContextSourceOptions { ContextName = "ShopContext", Namespace = "Shop.Data" });
        Assert.Contains("namespace Shop.Data;", source);
        Assert.Contains("public partial class ShopContext", source);
        Assert.Contains("OnDelete(global::Microsoft.EntityFrameworkCore.DeleteBehavior.SetNull)", source);
    }

    [Fact]
    public void Generated_context_with_owned_columns_and_a_string_collation_compiles_and_matches_the_replayed_model() =>
        CompileAndCompare<ZgDb.Migrations.Tests.DayOne.OrdersDb>("OrdersDbContext", new EfMappingOptions { NestedTypes = NestedTypeMapping.OwnedColumns, StringCollation = "NOCASE" });

    [Fact]
    public void Generated_blog_context_with_owned_columns_compiles_and_matches_the_replayed_model() =>
        CompileAndCompare<BlogDb>("BlogDbContext", new EfMappingOptions { NestedTypes = NestedTypeMapping.OwnedColumns });

    private void CompileAndCompare<TDb>(string contextName, EfMappingOptions? mapping = null) where TDb : ZgDatabase, new()
    {
        using var db = ZgDatabase.OpenInMemory<TDb>();
        var source = ZgDbExporter.GenerateDbContext(db, new DbContextSourceOptions { Mapping = mapping });
        output.WriteLine(source);
        var type = Compile(source, contextName);
        Assert.Equal(typeof(TDb).Namespace, type.Namespace);
        var dbSets = type.GetProperties().Where(p => p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(DbSet<>)).Select(p => p.Name);
        Assert.Equal(db.Model.Entities.Except(db.Model.SkipNavigations.Where(s => s.IsImplicit).Select(s => s.JoinEntity)).Select(e => e.CollectionName), dbSets);

        using var generated = Create(type, b => b.UseSqlite("Data Source=:memory:"));
        using var replayed = new ZgDbReplayContext(db.Model, new DbContextOptionsBuilder().UseSqlite("Data Source=:memory:").Options, mapping);
        Assert.Equal(replayed.Model.ToDebugString(MetadataDebugStringOptions.LongDefault), generated.Model.ToDebugString(MetadataDebugStringOptions.LongDefault));
        Assert.Equal(replayed.Database.GenerateCreateScript(), generated.Database.GenerateCreateScript());
    }

    internal static DbContext Create(Type contextType, Action<DbContextOptionsBuilder> configure)
    {
        var builder = (DbContextOptionsBuilder)Activator.CreateInstance(typeof(DbContextOptionsBuilder<>).MakeGenericType(contextType))!;
        configure(builder);
        return (DbContext)Activator.CreateInstance(contextType, builder.Options)!;
    }

    internal static Type Compile(string source, string contextName)
    {
        _ = typeof(Microsoft.EntityFrameworkCore.RelationalEntityTypeBuilderExtensions); // make sure EF assemblies are loaded
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Concat(AppDomain.CurrentDomain.GetAssemblies().Where(a => !a.IsDynamic && a.Location.Length > 0).Select(a => a.Location))
            .Distinct().Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create("Generated" + Guid.NewGuid().ToString("N"),
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Latest))], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable)
                // CS1702 is about the references (Npgsql's EF Core 10.0.4 unified with 10.0.15 once a PostgreSQL test loaded it), not the generated code
                .WithSpecificDiagnosticOptions([new KeyValuePair<string, ReportDiagnostic>("CS1702", ReportDiagnostic.Suppress)]));
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        var problems = result.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
        Assert.True(result.Success && problems.Count == 0, string.Join("\n", problems));
        stream.Position = 0;
        var assembly = AssemblyLoadContext.Default.LoadFromStream(stream);
        return assembly.GetTypes().Single(t => t.Name == contextName);
    }
}
