using ZgDb.Tests.Support;
using ZgDb.Linq;

namespace ZgDb.Tests.ManyToMany;

/// <summary>
/// Issue 15: many-to-many through skip navigations (<c>HasMany(p =&gt; p.Tags).WithMany(t =&gt; t.Posts)</c>): join rows
/// written with the document, replaced on update, cascaded on delete, rolled back with a transaction; the lists read
/// through Include, explicit loading and navigation predicates, equal to LINQ-to-Objects over the linked graph; the
/// same after a WAL replay and after a checkpoint.
/// </summary>
public abstract class ManyToManySuite<TBackend> : IDisposable where TBackend : Backend, new()
{
    private readonly TBackend _backend = new();
    private TaggedBlogDb _db;

    /// <summary>No checkpoint but the test's own: a reopen replays the WAL.</summary>
    private static ZgDbOptions Manual => new() { Checkpoint = new CheckpointPolicy { MaxChangedDocuments = int.MaxValue, MaxWalBytes = long.MaxValue, OnDispose = false } };

    protected ManyToManySuite() => _db = _backend.Open<TaggedBlogDb>(Manual);

    public void Dispose()
    {
        _db.Dispose();
        _backend.Dispose();
    }

    private long JoinRows() => _db.GetStatistics().Collections.Single(c => c.Name == "PostTag").Count;

    /// <summary>Tags 1..4 (db, cs, web, ops); posts 1..5 with known links (post 5 has none).</summary>
    private static readonly (int Post, int[] Tags)[] Links = [(1, [1, 2]), (2, [2]), (3, [1, 3, 4]), (4, [3]), (5, [])];
    private static readonly string[] TagNames = ["db", "cs", "web", "ops"];

    private void Seed()
    {
        var tags = TagNames.Select((name, i) => new Tag { Id = i + 1, Name = name }).ToList();
        _db.Tags.InsertMany(tags);
        foreach (var (post, tagIds) in Links)
            _db.Posts.Insert(new Post { Title = "post " + post, Tags = tagIds.Select(t => tags[t - 1]).ToList() });
    }

    /// <summary>The linked object graph LINQ-to-Objects answers over: every list in the target's key order.</summary>
    private static (List<Post> Posts, List<Tag> Tags) Graph(IEnumerable<(int Post, int[] Tags)> links)
    {
        var tags = TagNames.Select((name, i) => new Tag { Id = i + 1, Name = name }).ToList();
        var posts = links.Select(l => new Post { Id = l.Post, Title = "post " + l.Post, Tags = l.Tags.Order().Select(t => tags[t - 1]).ToList() }).ToList();
        foreach (var tag in tags) tag.Posts = posts.Where(p => p.Tags.Contains(tag)).ToList();
        return (posts, tags);
    }

    [Fact]
    public void The_implicit_join_collection_is_named_and_keyed_as_EF_Core_names_it()
    {
        var join = _db.Model.FindCollection("PostTag")!;
        Assert.Equal(["PostsId", "TagsId"], join.KeyParts.Select(p => p.Name));
        Assert.Equal(KeyKind.Composite, join.KeyKind);
        var relationships = _db.Model.Relationships.Where(r => r.Dependent == join).ToList();
        Assert.Equal(["PostTag.PostsId -> Post (Cascade)", "PostTag.TagsId -> Tag (Cascade)"], relationships.Select(r => r.ToString()));
        var skip = _db.Model.FindSkipNavigation(typeof(Post).GetProperty(nameof(Post.Tags))!)!;
        Assert.Equal("Post.Tags <-> Tag.Posts (PostTag)", skip.ToString());
        Assert.True(skip.IsImplicit);
        Assert.Equal(2, _db.Model.SkipNavigations.Count);
        Assert.DoesNotContain(_db.Model.FindEntity(typeof(Post))!.Properties, p => p.Name == "Tags");
        Assert.Contains(_db.Model.Stored.Entities, e => e.Collection == "PostTag" && e.Key == "PostsId,TagsId");
    }

    [Fact]
    public void Insert_records_join_rows_and_reads_leave_the_list_empty_unless_included()
    {
        Seed();
        Assert.Equal(7, JoinRows());
        Assert.Empty(_db.Posts.Find(1)!.Tags);
        Assert.Empty(_db.Tags.Single(t => t.Name == "db").Posts);
        var (posts, tags) = Graph(Links);
        AssertLinks(posts, tags);
        _db = _backend.Reopen(_db, Manual); // WAL replay
        Assert.Equal(7, JoinRows());
        AssertLinks(posts, tags);
        _db.Checkpoint();
        _db = _backend.Reopen(_db, Manual); // from chunk files
        AssertLinks(posts, tags);
    }

    private void AssertLinks(List<Post> posts, List<Tag> tags)
    {
        var included = _db.Posts.Include(p => p.Tags).ToList();
        Assert.Equal(posts.Select(p => (p.Id, string.Join(",", p.Tags.Select(t => t.Name)))), included.Select(p => (p.Id, string.Join(",", p.Tags.Select(t => t.Name)))));
        var back = _db.Tags.Include(t => t.Posts).ThenInclude(p => p.Tags).ToList();
        Assert.Equal(tags.Select(t => (t.Id, string.Join(",", t.Posts.Select(p => p.Id + ":" + p.Tags.Count)))),
            back.Select(t => (t.Id, string.Join(",", t.Posts.Select(p => p.Id + ":" + p.Tags.Count)))));
        Assert.Equal(posts.Where(p => p.Tags.Any(t => t.Name == "db")).Select(p => p.Id), _db.Posts.Where(p => p.Tags.Any(t => t.Name == "db")).Select(p => p.Id).ToList());
        Assert.Equal(posts.Where(p => p.Tags.Count >= 2).Select(p => p.Title), _db.Posts.Where(p => p.Tags.Count >= 2).Select(p => p.Title).ToList());
        Assert.Equal(posts.Where(p => !p.Tags.Any()).Select(p => p.Id), _db.Posts.Where(p => !p.Tags.Any()).Select(p => p.Id).ToList());
        Assert.Equal(posts.Select(p => new { p.Id, Count = p.Tags.Count, First = p.Tags.Select(t => t.Name).FirstOrDefault() }),
            _db.Posts.Select(p => new { p.Id, Count = p.Tags.Count, First = p.Tags.Select(t => t.Name).FirstOrDefault() }).ToList());
        Assert.Equal(tags.OrderByDescending(t => t.Posts.Count).ThenBy(t => t.Id).Select(t => t.Name),
            _db.Tags.OrderByDescending(t => t.Posts.Count).ThenBy(t => t.Id).Select(t => t.Name).ToList());
        Assert.Equal(tags.Where(t => t.Posts.Any(p => p.Tags.Any(o => o.Name == "ops"))).Select(t => t.Name),
            _db.Tags.Where(t => t.Posts.Any(p => p.Tags.Any(o => o.Name == "ops"))).Select(t => t.Name).ToList());
        Assert.Equal(posts.SelectMany(p => p.Tags, (p, t) => p.Id + t.Name), _db.Posts.SelectMany(p => p.Tags, (p, t) => p.Id + t.Name).ToList());
    }

    [Fact]
    public void A_navigation_predicate_over_a_skip_navigation_explains_as_a_navigation()
    {
        Seed();
        var plan = _db.Posts.Where(p => p.Tags.Any(t => t.Name == "db")).Explain();
        Assert.Contains("FULL SCAN Post", plan);
        Assert.Contains("Tags", plan);
        Assert.DoesNotContain("SkipTargets", plan);
    }

    [Fact]
    public void Explicit_loading_sets_the_list_from_the_join_rows()
    {
        Seed();
        var post = _db.Posts.Find(3)!;
        var loaded = _db.Entry(post).Collection(p => p.Tags).Load();
        Assert.Same(post.Tags, loaded);
        Assert.Equal(["db", "web", "ops"], post.Tags.Select(t => t.Name));
        var tag = _db.Tags.Find(4)!;
        _db.Entry(tag).Collection(t => t.Posts).Load();
        Assert.Equal([3], tag.Posts.Select(p => p.Id));
    }

    [Fact]
    public void A_link_to_a_tag_that_does_not_exist_is_refused_naming_it_and_nothing_is_written()
    {
        Seed();
        var post = new Post { Title = "new", Tags = [new Tag { Id = 1 }, new Tag { Id = 99, Name = "ghost" }] };
        var error = Assert.Throws<ZgDbForeignKeyException>(() => _db.Posts.Insert(post));
        Assert.Contains("lists Tag 99 in Tags, which does not exist in 'Tags'", error.Message);
        Assert.Contains("Post.Tags <-> Tag.Posts", error.Message);
        Assert.Equal(0, post.Id); // the assigned key is undone with the write
        Assert.Equal(5, _db.Posts.Count());
        Assert.Equal(7, JoinRows());
        var existing = _db.Posts.Find(2)!;
        existing.Title = "changed";
        existing.Tags = [new Tag { Id = 98 }];
        Assert.Throws<ZgDbForeignKeyException>(() => _db.Posts.Update(existing));
        Assert.Equal("post 2", _db.Posts.Find(2)!.Title);
        Assert.Equal(["cs"], _db.Posts.Include(p => p.Tags).Single(p => p.Id == 2).Tags.Select(t => t.Name));
        var nullItem = new Post { Title = "null", Tags = [null!] };
        Assert.Contains("Tags[0] is null", Assert.Throws<ZgDbValidationException>(() => _db.Posts.Insert(nullItem)).Message);
        Assert.Equal(5, _db.Posts.Count());
    }

    [Fact]
    public void Update_replaces_the_join_rows_with_the_current_list_and_a_null_list_leaves_them()
    {
        Seed();
        var post = _db.Posts.Include(p => p.Tags).Single(p => p.Id == 3);
        post.Tags = [post.Tags[2], new Tag { Id = 2 }, new Tag { Id = 2 }]; // ops, cs, and cs again (one link)
        _db.Posts.Update(post);
        Assert.Equal(["cs", "ops"], _db.Posts.Include(p => p.Tags).Single(p => p.Id == 3).Tags.Select(t => t.Name));
        Assert.Equal(6, JoinRows());
        var untouched = _db.Posts.Find(1)!;
        untouched.Tags = null!;
        untouched.Title = "renamed";
        _db.Posts.Update(untouched);
        _db.Posts.Upsert(new Post { Id = 4, Title = "upserted", Tags = [] }); // a list ZgDb did not load only adds
        _db = _backend.Reopen(_db, Manual);
        var links = new[] { (1, new[] { 1, 2 }), (2, [2]), (3, [2, 4]), (4, [3]), (5, []) };
        var (posts, tags) = Graph(links);
        posts[0].Title = "renamed";
        posts[3].Title = "upserted";
        AssertLinks(posts, tags);
        Assert.Equal("renamed", _db.Posts.Find(1)!.Title);
    }

    [Fact]
    public void Updating_a_document_read_without_its_list_unlinked_every_target()
    {
        Seed();
        var tag = _db.Tags.Find(1)!; // read without Include: Posts is the constructor's empty list
        tag.Name = "database";
        _db.Tags.Update(tag);
        var post = _db.Posts.Find(3)!;
        post.Title = "retitled";
        post.Tags = [new Tag { Id = 2 }]; // a list ZgDb did not load: links are added, none removed
        _db.Posts.Update(post);
        _db = _backend.Reopen(_db, Manual);
        var (posts, tags) = Graph([(1, [1, 2]), (2, [2]), (3, [1, 2, 3, 4]), (4, [3]), (5, [])]);
        posts[2].Title = "retitled";
        tags[0].Name = "database";
        AssertLinks(posts, tags);
        // Loaded, then an item removed: the list is the whole truth, the removed link goes.
        var loaded = _db.Tags.Include(t => t.Posts).Single(t => t.Id == 1);
        loaded.Posts.RemoveAll(p => p.Id == 1);
        _db.Tags.Update(loaded);
        Assert.Equal([3], _db.Tags.Include(t => t.Posts).Single(t => t.Id == 1).Posts.Select(p => p.Id));
        var explicitly = _db.Posts.Find(3)!;
        _db.Entry(explicitly).Collection(p => p.Tags).Load();
        explicitly.Tags.RemoveAll(t => t.Id == 4);
        _db.Posts.Update(explicitly);
        Assert.Equal([1, 2, 3], _db.Posts.Include(p => p.Tags).Single(p => p.Id == 3).Tags.Select(t => t.Id));
    }

    [Fact]
    public void Deleting_a_post_or_a_tag_cascades_to_its_join_rows()
    {
        Seed();
        Assert.True(_db.Posts.Delete(3));
        Assert.Equal(4, JoinRows());
        Assert.True(_db.Tags.Delete(2));
        Assert.Equal(2, JoinRows());
        Assert.Equal(1, _db.Posts.DeleteMany(p => p.Id == 4));
        Assert.Equal(1, JoinRows());
        _db = _backend.Reopen(_db, Manual);
        Assert.Equal(1, JoinRows());
        Assert.Equal([("post 1", "db")], _db.Posts.Include(p => p.Tags).Where(p => p.Tags.Count > 0).ToList().SelectMany(p => p.Tags.Select(t => (p.Title, t.Name))));
        Assert.Equal([1], _db.Tags.Include(t => t.Posts).Single(t => t.Id == 1).Posts.Select(p => p.Id));
    }

    [Fact]
    public void A_rolled_back_transaction_takes_the_join_rows_with_it()
    {
        Seed();
        using (var transaction = _db.BeginTransaction())
        {
            _db.Posts.Insert(new Post { Id = 10, Title = "in tx", Tags = [new Tag { Id = 1 }, new Tag { Id = 4 }] });
            var post = _db.Posts.Include(p => p.Tags).Single(p => p.Id == 1);
            post.Tags = [];
            _db.Posts.Update(post);
            _db.Tags.Delete(3);
            Assert.Equal([3, 10], _db.Posts.Where(p => p.Tags.Any(t => t.Name == "ops")).Select(p => p.Id).ToList()); // the transaction's own view
            Assert.Throws<ZgDbForeignKeyException>(() => _db.Posts.Insert(new Post { Id = 11, Tags = [new Tag { Id = 77 }] }));
            Assert.Null(_db.Posts.Find(11)); // the failed call was undone alone
            transaction.Rollback();
        }
        Assert.Equal(7, JoinRows());
        Assert.Null(_db.Posts.Find(10));
        _db = _backend.Reopen(_db, Manual);
        var (posts, tags) = Graph(Links);
        AssertLinks(posts, tags);

        using (var transaction = _db.BeginTransaction())
        {
            _db.Posts.Insert(new Post { Id = 10, Title = "post 10", Tags = [new Tag { Id = 4 }] });
            transaction.Commit();
        }
        _db = _backend.Reopen(_db, Manual);
        (posts, tags) = Graph(Links.Append((10, [4])));
        AssertLinks(posts, tags);
    }

    [Fact]
    public void InsertMany_links_every_document_in_one_atomic_write()
    {
        _db.Tags.InsertMany([new Tag { Id = 1, Name = "db" }, new Tag { Id = 2, Name = "cs" }]);
        Assert.Throws<ZgDbForeignKeyException>(() => _db.Posts.InsertMany([new Post { Id = 1, Tags = [new Tag { Id = 1 }] }, new Post { Id = 2, Tags = [new Tag { Id = 3 }] }]));
        Assert.Equal(0, _db.Posts.Count());
        Assert.Equal(0, JoinRows());
        _db.Posts.InsertMany([new Post { Id = 1, Tags = [new Tag { Id = 1 }] }, new Post { Id = 2, Tags = [new Tag { Id = 1 }, new Tag { Id = 2 }] }]);
        Assert.Equal(3, JoinRows());
        Assert.Equal([1, 2], _db.Tags.Include(t => t.Posts).Single(t => t.Id == 1).Posts.Select(p => p.Id));
    }
}

public sealed class ManyToManySuiteInMemory : ManyToManySuite<InMemoryBackend>;
public sealed class ManyToManySuiteOnDisk : ManyToManySuite<OnDiskBackend>;
