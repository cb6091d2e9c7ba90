using System.Net;

namespace ZgDb.Studio.Tests;

/// <summary><c>zgdb studio --write</c>: edits of a closed database, checked as the engine checks, refused while an application has it open.</summary>
public sealed class StudioWriteTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private RunningStudio _studio = null!;

    public async Task InitializeAsync()
    {
        Seed.Shop(_dir.Path);
        _studio = await RunningStudio.Start(_dir.Path, write: true);
    }

    public async Task DisposeAsync()
    {
        await _studio.DisposeAsync();
        _dir.Dispose();
    }

    private Task<(HttpStatusCode Status, string Html)> Save(string collection, string key, string json) =>
        _studio.Post("/document/save", new() { ["token"] = _studio.Token, ["collection"] = collection, ["key"] = key, ["json"] = json });

    private Task<(HttpStatusCode Status, string Html)> Delete(string collection, string key) =>
        _studio.Post("/document/delete", new() { ["token"] = _studio.Token, ["collection"] = collection, ["key"] = key });

    [Fact]
    public async Task An_edited_document_is_what_the_application_reads_afterwards()
    {
        var (page, form) = await _studio.Get("/document?collection=Customers&key=42");
        Assert.Equal(HttpStatusCode.OK, page);
        Assert.Contains("id=\"edit-form\"", form);
        var (status, html) = await Save("Customers", "42", """{"Id":42,"Name":"Edited <b>in</b> the studio","Age":51,"City":"Lima","Tags":["x"]}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Saved.", Page.Text(html, "edit-result"));
        Assert.Contains("Edited &lt;b&gt;in&lt;/b&gt; the studio", html);
        var customers = Seed.Customers(_dir.Path);
        var edited = customers.Single(c => c.Id == 42);
        Assert.Equal(("Edited <b>in</b> the studio", 51, "Lima"), (edited.Name, edited.Age, edited.City));
        Assert.Equal("Changed in the WAL", customers.Single(c => c.Id == 5).Name); // the WAL's change was folded, not lost
        Assert.Equal(120, customers.Count);
    }

    [Fact]
    public async Task A_deleted_document_is_gone_and_one_others_refer_to_is_refused()
    {
        var (status, html) = await Delete("Customers", "120");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Deleted.", Page.Text(html, "edit-result"));
        Assert.DoesNotContain(Seed.Customers(_dir.Path), c => c.Id == 120);
        var (refused, page) = await Delete("Customers", "3");
        Assert.Equal(HttpStatusCode.BadRequest, refused);
        Assert.Contains("document 3 is referred to by Orders", Page.Text(page, "edit-result"));
        Assert.Contains(Seed.Customers(_dir.Path), c => c.Id == 3);
    }

    [Theory]
    [InlineData("""{"Id":42,"Name":"x","Age":"old","Tags":[]}""", "'Age' = \"old\" is")]
    [InlineData("""{"Id":43,"Name":"x","Age":1,"Tags":[]}""", "the key 'Id' cannot be changed (it was 42)")]
    [InlineData("""{"Id":42,"Name":"x","Age":1,"Tags":[],"Extra":1}""", "property 'Extra' is not in the stored model")]
    [InlineData("""{"Id":42,"Name":""", "the edited document is not valid JSON")]
    public async Task An_edit_the_model_refuses_changes_nothing(string json, string expected)
    {
        var before = Seed.Customers(_dir.Path).Single(c => c.Id == 42);
        var (status, html) = await Save("Customers", "42", json);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(expected, Page.Text(html, "edit-result"));
        var after = Seed.Customers(_dir.Path).Single(c => c.Id == 42);
        Assert.Equal((before.Name, before.Age, before.City), (after.Name, after.Age, after.City));
    }

    [Fact]
    public async Task An_edit_breaking_a_unique_index_or_a_reference_is_refused()
    {
        var (unique, html) = await Save("Notes", "\"note-2\"", """{"Id":"note-2","Text":"text 3"}""");
        Assert.Equal(HttpStatusCode.BadRequest, unique);
        Assert.Contains("Text", Page.Text(html, "edit-result"));
        Assert.Equal("text 2", StudioHttpTests.Notes(_dir.Path).Single(n => n.Id == "note-2").Text);
        var (dangling, page) = await Save("Orders", "1", """{"Id":1,"CustomerId":5000,"Total":1}""");
        Assert.Equal(HttpStatusCode.BadRequest, dangling);
        Assert.Contains("would refer to 5000, which does not exist in 'Customers'", Page.Text(page, "edit-result"));
    }

    [Fact]
    public async Task Edits_are_refused_while_an_application_has_the_database_open_and_reads_still_work()
    {
        using (var db = ZgDatabase.Open<Shop>(_dir.Path, Seed.KeepLog))
        {
            db.Customers.Update(new Customer { Id = 6, Name = "Written by the app", Age = 20 });
            await db.FlushAsync();
            var (page, html) = await _studio.Get("/document?collection=Customers&key=6");
            Assert.Equal(HttpStatusCode.OK, page);
            Assert.Contains("Written by the app", html); // the studio reads the open database's WAL
            Assert.Contains("An application has this database open", html);
            var (status, refused) = await Save("Customers", "6", """{"Id":6,"Name":"From the studio","Age":21,"Tags":[]}""");
            Assert.Equal(HttpStatusCode.Conflict, status);
            Assert.Contains("An application has the database open, so the studio cannot edit it", Page.Text(refused, "edit-result"));
            Assert.Equal("Written by the app", db.Customers.Find(6)!.Name);
        }
        Assert.Equal("Written by the app", Seed.Customers(_dir.Path).Single(c => c.Id == 6).Name);
    }
}
