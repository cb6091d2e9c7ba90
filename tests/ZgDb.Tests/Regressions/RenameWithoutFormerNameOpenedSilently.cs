using Microsoft.Extensions.Logging;
using ZgDb.Tests.Support;

namespace ZgDb.Tests.Regressions;

public sealed class PostTitled { public int Id { get; set; } public string Title { get; set; } = ""; public int Views { get; set; } }
public sealed class PostHeadlined { public int Id { get; set; } public string Headline { get; set; } = ""; public int Views { get; set; } }
public sealed class PostWithNumber { public int Id { get; set; } public int Number { get; set; } public int Views { get; set; } }
public sealed class TitledPosts : ZgDatabase { public ZgCollection<PostTitled> Posts => Collection<PostTitled>(); }
public sealed class HeadlinedPosts : ZgDatabase { public ZgCollection<PostHeadlined> Posts => Collection<PostHeadlined>(); }
public sealed class NumberedPosts : ZgDatabase { public ZgCollection<PostWithNumber> Posts => Collection<PostWithNumber>(); }

/// <summary>
/// Issue 18: a property renamed without <c>HasFormerName</c> opened with every stored value at its default and only
/// information-level logs. Now the open warns naming both properties, and <see cref="ZgDbOptions.StrictSchema"/>
/// refuses it with the files untouched.
/// </summary>
public sealed class RenameWithoutFormerNameOpenedSilently : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private void Seed()
    {
        using var db = ZgDatabase.Open<TitledPosts>(_dir.Path);
        db.Posts.Insert(new PostTitled { Title = "Hello", Views = 3 });
    }

    [Fact]
    public void A_removed_and_an_added_property_of_the_same_type_log_a_warning_naming_both()
    {
        Seed();
        var logger = new ListLogger();
        using var db = ZgDatabase.Open<HeadlinedPosts>(_dir.Path, new ZgDbOptions { Logger = logger });
        var warning = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains("PossibleRename Posts.Title", warning.Message);
        Assert.Contains("Headline", warning.Message);
        Assert.Contains("HasFormerName(\"Title\")", warning.Message);
        Assert.Equal("", db.Posts.Find(1)!.Headline); // what the warning is about: the stored title is not read
    }

    [Fact]
    public void StrictSchema_refuses_the_open_and_leaves_the_files_untouched()
    {
        Seed();
        var before = Directory.GetFiles(_dir.Path, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith("zgdb.lock"))
            .ToDictionary(f => f, File.ReadAllBytes);
        var e = Assert.Throws<ZgDbSchemaMismatchException>(() => ZgDatabase.Open<HeadlinedPosts>(_dir.Path, new ZgDbOptions { StrictSchema = true }));
        Assert.Equal("Posts", e.Collection);
        Assert.Equal("Title", e.Property);
        Assert.Contains("StrictSchema", e.Message);
        var after = Directory.GetFiles(_dir.Path, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith("zgdb.lock"))
            .ToDictionary(f => f, File.ReadAllBytes);
        Assert.Equal(before.Keys.Order(), after.Keys.Order());
        foreach (var (file, bytes) in before) Assert.Equal(bytes, after[file]);
        using var old = ZgDatabase.Open<TitledPosts>(_dir.Path);
        Assert.Equal("Hello", old.Posts.Find(1)!.Title);
    }

    [Fact]
    public void A_removed_and_an_added_property_of_different_types_is_no_rename()
    {
        Seed();
        var logger = new ListLogger();
        using var db = ZgDatabase.Open<NumberedPosts>(_dir.Path, new ZgDbOptions { Logger = logger, StrictSchema = true });
        Assert.DoesNotContain(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Contains(logger.Entries, e => e.Message.Contains("PropertyRemoved Posts.Title"));
    }
}
