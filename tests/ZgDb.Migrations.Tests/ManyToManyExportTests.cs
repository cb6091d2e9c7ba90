using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;
using ZgDb.Migrations.Export;
using ZgDb.Migrations.Tests.Support;

namespace ZgDb.Migrations.Tests
{
    /// <summary>
    /// Issue 15: many-to-many in the export. An implicit join collection becomes EF Core's implicit join table (same
    /// name, columns and key, <c>HasMany().WithMany()</c> in the replayed model), an explicit one its entity in
    /// <c>UsingEntity&lt;TJoin&gt;()</c>; the links arrive on SQLite and a real PostgreSQL, EF Core's <c>Include</c> and
    /// navigation predicates answer as ZgDb's, and a link the EF Core application adds is a row of the same table.
    /// </summary>
    public abstract class ManyToManyExportSuite(ExportBackend backend, ITestOutputHelper output) : IDisposable
    {
        public void Dispose() => backend.Dispose();

        private static ManyToManyExportDb Seed()
        {
            var db = ZgDatabase.OpenInMemory<ManyToManyExportDb>();
            db.Tags.InsertMany(new[] { "db", "cs", "web", "ops" }.Select(n => new MmTag { Name = n }));
            var tags = db.Tags.ToList();
            foreach (var (title, picks) in new[] { ("a", new[] { 0, 1 }), ("b", [1]), ("c", [0, 2, 3]), ("d", []) })
                db.Posts.Insert(new MmPost { Title = title, Tags = picks.Select(i => tags[i]).ToList() });
            db.Hobbies.InsertMany([new MmHobby { Id = 1, Name = "chess" }, new MmHobby { Id = 2, Name = "go" }]);
            db.People.Insert(new MmPerson { Id = 1, Name = "Ann", Hobbies = [new MmHobby { Id = 2 }, new MmHobby { Id = 1 }] });
            db.People.Insert(new MmPerson { Id = 2, Name = "Bob", Hobbies = [new MmHobby { Id = 2 }] });
            db.Genres.InsertMany([new MmGenre { Id = 1, Name = "sf" }, new MmGenre { Id = 2, Name = "crime" }]);
            db.Books.Insert(new MmBook { Id = 1, Title = "Dune", Genres = [new MmGenre { Id = 1 }, new MmGenre { Id = 2 }] });
            db.Books.Insert(new MmBook { Id = 2, Title = "Maigret", Genres = [new MmGenre { Id = 2 }] });
            return db;
        }

        [SkippableFact]
        public async Task Join_collections_export_as_EF_Core_join_tables_with_their_links()
        {
            backend.SkipIfUnavailable();
            using var db = Seed();
            var target = backend.NewTarget();
            var report = await ZgDbExporter.ExportAsync(db, target);
            output.WriteLine(report.ToString());
            Assert.True(report.Verified, report.ToString());
            Assert.Contains(report.Tables, t => t.Collection == "MmPostMmTag" && t.SourceRows == 6 && t.TargetRows == 6);
            Assert.Contains("MmPostMmTag", backend.Tables(target));

            await using var context = backend.Context(db.Model, target);
            var join = context.Model.FindEntityType("MmPostMmTag")!;
            Assert.True(join.HasSharedClrType); // EF Core's own implicit join entity
            // EF Core names the implicit join's columns and orders its key as ZgDb does
            Assert.Equal(db.Model.FindCollection("MmPostMmTag")!.KeyParts.Select(p => p.Name), join.FindPrimaryKey()!.Properties.Select(p => p.Name));
            Assert.Equal(db.Model.FindCollection("MmHobbyMmPerson")!.KeyParts.Select(p => p.Name),
                context.Model.FindEntityType("MmHobbyMmPerson")!.FindPrimaryKey()!.Properties.Select(p => p.Name));
            Assert.Equal(typeof(MmBookGenre), context.Model.FindEntityType(typeof(MmBook))!.GetSkipNavigations().Single().JoinEntityType.ClrType);

            string Tags(IEnumerable<MmPost> posts) => string.Join(";", posts.OrderBy(p => p.Id).Select(p => p.Title + ":" + string.Join(",", p.Tags.OrderBy(t => t.Id).Select(t => t.Name))));
            Assert.Equal(Tags(ZgDb.Linq.IncludeExtensions.Include(db.Posts, p => p.Tags).ToList()), Tags(await EntityFrameworkQueryableExtensions.Include(context.Set<MmPost>(), p => p.Tags).ToListAsync()));
            Assert.Equal(db.Posts.Where(p => p.Tags.Any(t => t.Name == "db")).Select(p => p.Id).ToList(),
                (await context.Set<MmPost>().Where(p => p.Tags.Any(t => t.Name == "db")).Select(p => p.Id).ToListAsync()).Order());
            Assert.Equal(db.Tags.Select(t => new { t.Id, t.Posts.Count }).ToList().Select(t => (t.Id, t.Count)),
                (await context.Set<MmTag>().Select(t => new { t.Id, t.Posts.Count }).ToListAsync()).OrderBy(t => t.Id).Select(t => (t.Id, t.Count)));
            Assert.Equal(ZgDb.Linq.IncludeExtensions.Include(db.People, p => p.Hobbies).ToList().Select(p => string.Join(",", p.Hobbies.Select(h => h.Name))),
                (await EntityFrameworkQueryableExtensions.Include(context.Set<MmPerson>(), p => p.Hobbies).OrderBy(p => p.Id).ToListAsync()).Select(p => string.Join(",", p.Hobbies.OrderBy(h => h.Id).Select(h => h.Name))));
            Assert.Equal(db.BookGenres.ToList().Select(j => (j.BookId, j.MmGenreId)),
                (await context.Set<MmBookGenre>().ToListAsync()).Select(j => (j.BookId, j.MmGenreId)).Order());
            Assert.Equal(["Dune", "Maigret"], (await EntityFrameworkQueryableExtensions.Include(context.Set<MmGenre>(), g => g.Books).SingleAsync(g => g.Id == 2)).Books.Select(b => b.Title).Order());

            // (each Include named in full: this file imports EF Core's namespace, and ZgDb's Include (ZgDb.Linq) does nothing on an EF
            // query, EF Core's nothing on a ZgDb query; see docs/ASYNC.md)
            // the EF Core application links a post to a tag: a row of the same join table; deleting the tag cascades
            var post = await EntityFrameworkQueryableExtensions.Include(context.Set<MmPost>().AsTracking(), p => p.Tags).SingleAsync(p => p.Title == "d");
            post.Tags.Add(await context.Set<MmTag>().AsTracking().SingleAsync(t => t.Name == "ops"));
            await context.SaveChangesAsync();
            context.ChangeTracker.Clear();
            Assert.Equal(7, await context.Set<Dictionary<string, object>>("MmPostMmTag").CountAsync());
            context.Set<MmTag>().Remove(await context.Set<MmTag>().AsTracking().SingleAsync(t => t.Name == "ops"));
            await context.SaveChangesAsync();
            Assert.Equal(5, await context.Set<Dictionary<string, object>>("MmPostMmTag").CountAsync());
        }
    }

    public sealed class SqliteManyToManyExportTests(ITestOutputHelper output) : ManyToManyExportSuite(new SqliteExportBackend(), output);

    [Collection("postgres")]
    public sealed class PostgresManyToManyExportTests(PostgresCluster cluster, ITestOutputHelper output) : ManyToManyExportSuite(new PostgresExportBackend(cluster), output);
}

namespace ZgDb.Migrations.Tests.Support
{
    public sealed class MmPost { public int Id { get; set; } public string Title { get; set; } = ""; public List<MmTag> Tags { get; set; } = []; }
    public sealed class MmTag { public int Id { get; set; } public string Name { get; set; } = ""; public List<MmPost> Posts { get; set; } = []; }
    /// <summary>Person.Hobbies / Hobby.Fans: the join (MmHobbyMmPerson) is named by the entities, its key by the foreign keys (FansId, HobbiesId).</summary>
    public sealed class MmPerson { public int Id { get; set; } public string Name { get; set; } = ""; public List<MmHobby> Hobbies { get; set; } = []; }
    public sealed class MmHobby { public int Id { get; set; } public string Name { get; set; } = ""; public List<MmPerson> Fans { get; set; } = []; }
    public sealed class MmBook { public int Id { get; set; } public string Title { get; set; } = ""; public List<MmGenre> Genres { get; set; } = []; }
    public sealed class MmGenre { public int Id { get; set; } public string Name { get; set; } = ""; public List<MmBook> Books { get; set; } = []; }
    public sealed class MmBookGenre { public int BookId { get; set; } public int MmGenreId { get; set; } public MmBook? Book { get; set; } }

    public sealed class ManyToManyExportDb : ZgDatabase
    {
        public ZgCollection<MmPost> Posts => Collection<MmPost>();
        public ZgCollection<MmTag> Tags => Collection<MmTag>();
        public ZgCollection<MmPerson> People => Collection<MmPerson>();
        public ZgCollection<MmHobby> Hobbies => Collection<MmHobby>();
        public ZgCollection<MmBook> Books => Collection<MmBook>();
        public ZgCollection<MmGenre> Genres => Collection<MmGenre>();
        public ZgCollection<MmBookGenre> BookGenres => Collection<MmBookGenre>();

        protected override void OnModelCreating(ModelBuilder model)
        {
            model.Entity<MmPost>().HasMany(p => p.Tags).WithMany(t => t.Posts);
            model.Entity<MmBook>().HasMany(b => b.Genres).WithMany(g => g.Books).UsingEntity<MmBookGenre>();
            model.Entity<MmBookGenre>().HasKey(j => new { j.BookId, j.MmGenreId });
        }
    }
}
