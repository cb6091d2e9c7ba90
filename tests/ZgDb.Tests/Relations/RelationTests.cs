using ZgDb.Tests.Support;

namespace ZgDb.Tests.Relations;

public sealed class RelationTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static void Seed(ChainDb db)
    {
        db.Authors.InsertMany([new Author { Name = "Ada", Age = 36 }, new Author { Name = "Grace", Age = 45 }]);
        db.Articles.InsertMany([
            new Article { Title = "Engines", AuthorId = 1 }, new Article { Title = "Notes", AuthorId = 1 },
            new Article { Title = "Compilers", AuthorId = 2 }, new Article { Title = "Anonymous" },
        ]);
        db.Remarks.InsertMany([
            new Remark { Text = "great", ArticleId = 1 }, new Remark { Text = "more", ArticleId = 1 },
            new Remark { Text = "ok", ArticleId = 2 }, new Remark { Text = "hm", ArticleId = 3 },
        ]);
        db.Profiles.Insert(new AuthorProfile { AuthorId = 1, Bio = "first programmer" });
    }

    private static string Dump(ChainDb db) =>
        string.Join(" | ", db.Authors.AsEnumerable().Select(a => $"A{a.Id}")) + " # " +
        string.Join(" | ", db.Articles.AsEnumerable().Select(a => $"P{a.Id}:{a.AuthorId?.ToString() ?? "null"}")) + " # " +
        string.Join(" | ", db.Remarks.AsEnumerable().Select(r => $"R{r.Id}:{r.ArticleId}")) + " # " +
        string.Join(" | ", db.Profiles.AsEnumerable().Select(p => $"F{p.Id}:{p.AuthorId}"));

    private TDb Reopen<TDb>(TDb db) where TDb : ZgDatabase, new()
    {
        db.Dispose();
        return ZgDatabase.Open<TDb>(_dir.Path);
    }

    [Fact]
    public void Conventions_find_one_to_many_and_one_to_one_and_index_every_foreign_key()
    {
        using var db = ZgDatabase.OpenInMemory<ConventionDb>();
        var relationships = db.Model.Relationships.Select(r => r.ToString()).Order().ToList();
        Assert.Equal([
            "Article.AuthorId -> Author (ClientSetNull)",
            "AuthorProfile.AuthorId -> Author (Cascade)",
            "Remark.ArticleId -> Article (Cascade)",
        ], relationships);
        Assert.True(db.Model.Relationships.Single(r => r.Dependent.Name == "AuthorProfile").IsUnique);
        Assert.Contains(db.Model.FindEntity(typeof(Article))!.Indexes, i => i.Name == "AuthorId");
        Assert.Contains(db.Model.FindEntity(typeof(AuthorProfile))!.Indexes, i => i.Name == "AuthorId" && i.IsUnique);
        Assert.DoesNotContain(db.Model.FindEntity(typeof(Author))!.Properties, p => p.Name is "Articles" or "Profile");
    }

    [Fact]
    public void A_dependent_without_its_principal_is_refused_and_nothing_changes()
    {
        var db = ZgDatabase.Open<CascadeDb>(_dir.Path);
        Seed(db);
        var before = Dump(db);
        var e = Assert.Throws<ZgDbForeignKeyException>(() => db.Articles.Insert(new Article { Title = "ghost", AuthorId = 99 }));
        Assert.Contains("Author 99", e.Message);
        Assert.Contains("'Articles'", e.Message);
        Assert.Throws<ZgDbForeignKeyException>(() => db.Remarks.Insert(new Remark { Text = "no article" })); // required FK of 0
        var article = db.Articles.Find(1)!;
        article.AuthorId = 42;
        Assert.Throws<ZgDbForeignKeyException>(() => db.Articles.Update(article));
        Assert.Throws<ZgDbForeignKeyException>(() => db.Remarks.InsertMany([new Remark { ArticleId = 1 }, new Remark { ArticleId = 77 }]));
        db = Reopen(db);
        Assert.Equal(before, Dump(db));
        db.Dispose();
    }

    [Fact]
    public void Cascade_deletes_the_whole_chain_atomically()
    {
        var db = ZgDatabase.Open<CascadeDb>(_dir.Path);
        Seed(db);
        Assert.True(db.Authors.Delete(1));
        Assert.Equal("A2 # P3:2 | P4:null # R4:3 # ", Dump(db));
        db = Reopen(db);
        Assert.Equal("A2 # P3:2 | P4:null # R4:3 # ", Dump(db));
        db.Dispose();
    }

    [Theory]
    [InlineData(typeof(RestrictDb), "Restrict")]
    [InlineData(typeof(NoActionDb), "NoAction")]
    [InlineData(typeof(ClientSetNullDb), "ClientSetNull")]
    public void Restrict_like_behaviours_refuse_to_orphan_and_change_nothing(Type dbType, string behavior)
    {
        var method = typeof(RelationTests).GetMethod(nameof(RestrictCase), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance)!;
        method.MakeGenericMethod(dbType).Invoke(this, [behavior]);
    }

    private void RestrictCase<TDb>(string behavior) where TDb : ChainDb, new()
    {
        var db = ZgDatabase.Open<TDb>(_dir.Path);
        Seed(db);
        var before = Dump(db);
        var e = Assert.Throws<ZgDbForeignKeyException>(() => db.Authors.Delete(1));
        Assert.Contains(behavior, e.Message);
        Assert.Contains("Article.AuthorId", e.Message);
        Assert.Throws<ZgDbForeignKeyException>(() => db.Authors.DeleteMany(a => a.Age > 0));
        Assert.Equal(before, Dump(db));
        Assert.True(db.Articles.Delete(1) && db.Articles.Delete(2)); // cascades to remarks 1-3
        Assert.True(db.Authors.Delete(1)); // no article left: allowed (its profile cascades)
        db = Reopen(db);
        Assert.Equal("A2 # P3:2 | P4:null # R4:3 # ", Dump(db));
        db.Dispose();
    }

    [Fact]
    public void SetNull_clears_the_foreign_keys_and_keeps_the_dependents()
    {
        var db = ZgDatabase.Open<SetNullDb>(_dir.Path);
        Seed(db);
        db.Authors.Delete(1);
        Assert.Equal("A2 # P1:null | P2:null | P3:2 | P4:null # R1:1 | R2:1 | R3:2 | R4:3 # ", Dump(db));
        db = Reopen(db);
        Assert.Equal("A2 # P1:null | P2:null | P3:2 | P4:null # R1:1 | R2:1 | R3:2 | R4:3 # ", Dump(db));
        db.Dispose();
    }

    [Fact]
    public void A_failed_cascade_inside_a_transaction_leaves_the_transaction_usable()
    {
        using var db = ZgDatabase.OpenInMemory<RestrictDb>();
        Seed(db);
        using (var tx = db.BeginTransaction())
        {
            db.Authors.Insert(new Author { Name = "Linus" });
            db.Articles.Insert(new Article { Title = "Kernel", AuthorId = 3 }); // sees the principal written in this transaction
            Assert.Throws<ZgDbForeignKeyException>(() => db.Authors.Delete(3));
            tx.Commit();
        }
        Assert.Equal(3, db.Authors.Count());
        Assert.Equal(3, db.Articles.Find(5)!.AuthorId);
    }

    [Fact]
    public void Explicit_loading_fills_references_collections_and_one_to_one()
    {
        using var db = ZgDatabase.OpenInMemory<CascadeDb>();
        Seed(db);
        var article = db.Articles.Find(2)!;
        db.Entry(article).Reference(a => a.Author).Load();
        Assert.Equal("Ada", article.Author!.Name);
        db.Entry(article).Collection(a => a.Remarks).Load();
        Assert.Equal(["ok"], article.Remarks.Select(r => r.Text));
        var ada = db.Authors.Find(1)!;
        db.Entry(ada).Collection(a => a.Articles).Load();
        Assert.Equal(["Engines", "Notes"], ada.Articles.Select(a => a.Title));
        db.Entry(ada).Reference(a => a.Profile).Load();
        Assert.Equal("first programmer", ada.Profile!.Bio);
        var anonymous = db.Articles.Find(4)!;
        db.Entry(anonymous).Reference(a => a.Author).Load();
        Assert.Null(anonymous.Author);
        ada.Articles[0].Title = "changed";
        Assert.Equal("Engines", db.Articles.Find(1)!.Title); // loaded objects are copies
    }
}
