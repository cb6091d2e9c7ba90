using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Xunit.Abstractions;
using ZgDb.Migrations.Export;
using ZgDb.Migrations.SourceGeneration;
using ZgDb.Migrations.Tests.Support;
using ZgDb.Migrations.Tests.Tph;

namespace ZgDb.Migrations.Tests.Tph
{
    public abstract class TphPet { public int Id { get; set; } public string Name { get; set; } = ""; }
    public class TphDog : TphPet { public string Breed { get; set; } = ""; public List<string> Tricks { get; set; } = []; }
    public sealed class TphPuppy : TphDog { public int Teeth { get; set; } }
    public sealed class TphCat : TphPet { public int Lives { get; set; } public TphCollar? Collar { get; set; } }
    public sealed class TphCollar { public string Color { get; set; } = ""; }

    public sealed class TphDb : ZgDatabase
    {
        public ZgCollection<TphPet> Pets => Collection<TphPet>();

        protected override void OnModelCreating(ZgDb.ModelBuilder model)
        {
            model.Entity<TphDog>().HasBaseType<TphPet>().HasIndex(d => d.Breed);
            model.Entity<TphCat>();
            model.Entity<TphPuppy>();
        }
    }
}

namespace ZgDb.Migrations.Tests
{
    /// <summary>
    /// Issue 15: a collection holding a hierarchy exports as EF Core's table-per-hierarchy: one table with EF Core's
    /// discriminator column (<c>HasDiscriminator&lt;string&gt;("Discriminator").HasValue&lt;Dog&gt;("Dog")</c>), each
    /// derived type on its base with its own columns and indexes; the rows arrive with their types on SQLite and a
    /// real PostgreSQL, and EF Core's OfType answers as ZgDb's.
    /// </summary>
    public abstract class InheritanceExportSuite(ExportBackend backend, ITestOutputHelper output) : IDisposable
    {
        public void Dispose() => backend.Dispose();

        private static TphDb Seed()
        {
            var db = ZgDatabase.OpenInMemory<TphDb>();
            db.Pets.Insert(new TphDog { Name = "rex", Breed = "pug", Tricks = ["sit"] });
            db.Pets.Insert(new TphCat { Name = "tom", Lives = 9, Collar = new TphCollar { Color = "red" } });
            db.Pets.Insert(new TphPuppy { Name = "bit", Breed = "collie", Teeth = 12 });
            db.Pets.Insert(new TphCat { Name = "kit", Lives = 3 });
            return db;
        }

        [SkippableFact]
        public async Task A_hierarchy_exports_as_table_per_hierarchy_with_EF_Cores_discriminator_and_its_rows()
        {
            backend.SkipIfUnavailable();
            using var db = Seed();
            var target = backend.NewTarget();
            var report = await ZgDbExporter.ExportAsync(db, target);
            output.WriteLine(report.ToString());
            Assert.True(report.Verified, report.ToString());

            await using var context = backend.Context(db.Model, target);
            var pet = context.Model.FindEntityType(typeof(TphPet))!;
            Assert.Equal("Discriminator", pet.FindDiscriminatorProperty()!.Name);
            Assert.Equal("TphDog", context.Model.FindEntityType(typeof(TphDog))!.GetDiscriminatorValue());
            Assert.Equal(typeof(TphDog), context.Model.FindEntityType(typeof(TphPuppy))!.BaseType!.ClrType);
            Assert.Equal("Pets", context.Model.FindEntityType(typeof(TphCat))!.GetTableName());
            Assert.Contains(context.Model.FindEntityType(typeof(TphDog))!.GetDeclaredIndexes(), i => i.Properties.Single().Name == "Breed");

            var exported = await context.Set<TphPet>().OrderBy(p => p.Id).ToListAsync();
            var source = db.Pets.ToList();
            Assert.Equal(source.Select(p => p.GetType()), exported.Select(p => p.GetType()));
            for (int i = 0; i < source.Count; i++)
            {
                var properties = db.Pets.Entity.PropertiesOf(source[i].GetType())!;
                Assert.Equal(ContentChecksum.CanonicalText(source[i], properties), ContentChecksum.CanonicalText(exported[i], properties));
            }
            Assert.Equal(db.Pets.OfType<TphDog>().Select(d => d.Name).ToList(), (await context.Set<TphPet>().OfType<TphDog>().OrderBy(d => d.Id).ToListAsync()).Select(d => d.Name));
            Assert.Equal(db.Pets.OfType<TphCat>().Where(c => c.Lives > 5).Select(c => c.Name).ToList(),
                await context.Set<TphPet>().OfType<TphCat>().Where(c => c.Lives > 5).OrderBy(c => c.Id).Select(c => c.Name).ToListAsync());

            // the discriminator column holds EF Core's default values, the CLR short names
            await context.Database.OpenConnectionAsync();
            var connection = context.Database.GetDbConnection();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT \"Discriminator\" FROM \"Pets\" ORDER BY \"Id\"";
            var values = new List<string>();
            await using (var reader = await command.ExecuteReaderAsync())
                while (await reader.ReadAsync()) values.Add(reader.GetString(0));
            Assert.Equal(["TphDog", "TphCat", "TphPuppy", "TphCat"], values);
            await context.Database.CloseConnectionAsync();

            // the EF Core application adds a derived row after the export (the identity restarts past the keys)
            context.Add(new TphPuppy { Name = "new", Breed = "pug", Teeth = 1 });
            await context.SaveChangesAsync();
            Assert.Equal(5, await context.Set<TphPet>().CountAsync());
        }
    }

    public sealed class SqliteInheritanceExportTests(ITestOutputHelper output) : InheritanceExportSuite(new SqliteExportBackend(), output);

    [Collection("postgres")]
    public sealed class PostgresInheritanceExportTests(PostgresCluster cluster, ITestOutputHelper output) : InheritanceExportSuite(new PostgresExportBackend(cluster), output);

    /// <summary>The generated DbContext of a hierarchy compiles and builds the same EF Core model as the replay.</summary>
    public sealed class InheritanceSourceGenerationTests(ITestOutputHelper output)
    {
        [Fact]
        public void Generated_context_of_a_hierarchy_has_EF_Cores_discriminator_and_matches_the_replayed_model()
        {
            using var db = ZgDatabase.OpenInMemory<TphDb>();
            var source = ZgDbExporter.GenerateDbContext(db, new DbContextSourceOptions());
            output.WriteLine(source);
            Assert.Contains("entity.HasDiscriminator<string>(\"Discriminator\").HasValue<global::ZgDb.Migrations.Tests.Tph.TphDog>(\"TphDog\")", source);
            Assert.Contains("entity.HasBaseType<global::ZgDb.Migrations.Tests.Tph.TphDog>();", source);
            var type = SourceGenerationTests.Compile(source, "TphDbContext");
            using var generated = SourceGenerationTests.Create(type, b => b.UseSqlite("Data Source=:memory:"));
            using var replayed = new ZgDb.Migrations.EfCore.ZgDbReplayContext(db.Model, new DbContextOptionsBuilder().UseSqlite("Data Source=:memory:").Options, (ZgDb.Migrations.EfCore.EfMappingOptions?)null);
            Assert.Equal(replayed.Model.ToDebugString(MetadataDebugStringOptions.LongDefault), generated.Model.ToDebugString(MetadataDebugStringOptions.LongDefault));
            Assert.Equal(replayed.Database.GenerateCreateScript(), generated.Database.GenerateCreateScript());
        }
    }
}
