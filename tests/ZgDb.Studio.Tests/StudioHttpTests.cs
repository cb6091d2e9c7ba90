using System.Net;
using System.Text.RegularExpressions;
using ZgDb.Cli.Studio;

namespace ZgDb.Studio.Tests;

/// <summary>The studio over real HTTP on 127.0.0.1: its gate, each page, paging, filters, escaping.</summary>
public sealed class StudioHttpTests : IAsyncLifetime
{
    private readonly TempDirectory _dir = new();
    private RunningStudio _studio = null!;

    public async Task InitializeAsync()
    {
        Seed.Shop(_dir.Path);
        _studio = await RunningStudio.Start(_dir.Path);
    }

    public async Task DisposeAsync()
    {
        await _studio.DisposeAsync();
        _dir.Dispose();
    }

    [Fact]
    public async Task Requests_without_the_token_get_401_and_with_a_wrong_token_403()
    {
        var (client, cookies) = RunningStudio.NewClient(_studio.Address);
        using (client)
        {
            foreach (var path in new[] { "/", "/documents?collection=Customers", "/query", "/model", "/storage", "/document?collection=Notes&key=%22note-1%22", "/favicon.ico" })
            {
                using var response = await client.GetAsync(path);
                Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
                Assert.DoesNotContain("Customer 2", await response.Content.ReadAsStringAsync());
            }
            using (var wrong = await client.GetAsync("/?token=" + new string('A', 43)))
                Assert.Equal(HttpStatusCode.Forbidden, wrong.StatusCode);
            cookies.Add(_studio.Address, new Cookie($"zgdb-studio-{_studio.Address.Port}", "not-the-token"));
            using (var badCookie = await client.GetAsync("/"))
                Assert.Equal(HttpStatusCode.Forbidden, badCookie.StatusCode);
        }
        // Another Host header (a DNS-rebinding page) is refused even with the token.
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_studio.Server.LaunchUrl.ToString()));
        request.Headers.Host = "attacker.example";
        using var rebound = await _studio.Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, rebound.StatusCode);
    }

    [Fact]
    public async Task The_token_in_the_url_becomes_a_cookie_and_leaves_the_address()
    {
        var (client, cookies) = RunningStudio.NewClient(_studio.Address);
        using (client)
        {
            using var response = await client.GetAsync("/storage?token=" + _studio.Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("/storage", response.RequestMessage!.RequestUri!.PathAndQuery); // redirected without the token
            var cookie = cookies.GetCookies(_studio.Address).Single();
            Assert.True(cookie.HttpOnly);
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/model")).StatusCode);
            var headers = response.Headers;
            Assert.Contains("default-src 'none'", string.Join(";", response.Headers.GetValues("Content-Security-Policy")));
            Assert.Equal("no-referrer", headers.GetValues("Referrer-Policy").Single());
        }
    }

    [Fact]
    public async Task Overview_lists_each_collection_with_its_count_size_and_indexes()
    {
        var (status, html) = await _studio.Get("/");
        Assert.Equal(HttpStatusCode.OK, status);
        var table = Page.Text(html, "collections");
        Assert.Matches(@"Customers\s+Id \(Int32\)\s+120\s+8\s+[\d.]+ KiB\s+1\s+City \(no file yet\)|Customers\s+Id \(Int32\)\s+120\s+8\s+[\d.]+ KiB\s+1\s+City", table);
        Assert.Matches(@"Orders\s+Id \(Int64\)\s+200\s", table);
        Assert.Matches(@"Notes\s+Id \(String\)\s+11\s+1\s+[\d.]+ (B|KiB)\s+1\s+Text \(unique\)", table);
        Assert.Contains("Orders.CustomerId -&gt; Customers", html);
    }

    [Fact]
    public async Task Document_browser_pages_through_a_collection_in_key_order()
    {
        var expected = Seed.Customers(_dir.Path).Select(c => c.Id.ToString()).ToList();
        var seen = new List<string>();
        string? next = "/documents?collection=Customers&take=25";
        int pages = 0;
        while (next is not null)
        {
            var (status, html) = await _studio.Get(next);
            Assert.Equal(HttpStatusCode.OK, status);
            var keys = Page.Keys(html);
            seen.AddRange(keys);
            Assert.Contains($"Documents {(keys.Count == 0 ? 0 : pages * 25 + 1)}-{pages * 25 + keys.Count} of 120.", Page.Text(html, "page-info"));
            var link = Regex.Match(html, "<a href=\"([^\"]+)\" class=\"next\">");
            next = link.Success ? WebUtility.HtmlDecode(link.Groups[1].Value) : null;
            Assert.True(++pages <= 5, "more pages than documents");
        }
        Assert.Equal(5, pages);
        Assert.Equal(expected, seen);
        var (_, last) = await _studio.Get("/documents?collection=Customers&take=25&skip=100");
        Assert.Contains("class=\"prev\"", last);
        Assert.Contains("Changed in the WAL", (await _studio.Get("/documents?collection=Customers&take=5")).Html); // the WAL is merged
    }

    [Fact]
    public async Task A_filter_in_the_browser_matches_what_linq_to_objects_finds()
    {
        var customers = Seed.Customers(_dir.Path);
        var expected = customers.Where(c => c.Age > 40 && (c.City == "Oslo" || c.Tags.Contains("t1"))).Select(c => c.Id.ToString()).ToList();
        Assert.NotEmpty(expected);
        var where = Uri.EscapeDataString("Age > 40 and (City = 'Oslo' or Tags contains 't1')");
        var (status, html) = await _studio.Get($"/documents?collection=Customers&take=500&where={where}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(expected, Page.Keys(html));
        Assert.Contains($"of {expected.Count} matching (of 120)", Page.Text(html, "page-info"));
    }

    [Theory]
    [InlineData("/documents?collection=Customers&where=", "Age%20%3E", "--where: expected a value, found the end at position 6.", 5)]
    [InlineData("/query?collection=Customers&where=", "Age%20%3E%2025%20%23", "--where: unexpected character '#' at position 10.", 9)]
    public async Task A_bad_filter_shows_the_error_with_its_position(string page, string where, string message, int caret)
    {
        var (status, html) = await _studio.Get(page + where);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var error = Page.Text(html, "filter-error");
        Assert.Contains(message, error);
        Assert.Contains("\n" + new string(' ', caret) + "^", error);
    }

    [Fact]
    public async Task A_misspelt_property_in_a_filter_is_an_error_with_a_suggestion()
    {
        var (status, html) = await _studio.Get("/query?collection=Customers&where=" + Uri.EscapeDataString("Agee > 3"));
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("has no property 'Agee' (did you mean 'Age'?)", Page.Text(html, "filter-error"));
        // A removed property is known to the stored model (old documents may hold it): not an error.
        var (ok, found) = await _studio.Get("/query?collection=Customers&where=" + Uri.EscapeDataString("Nickname = 'old'"));
        Assert.Equal(HttpStatusCode.OK, ok);
        Assert.Contains("document(s) match", Page.Text(found, "matched"));
    }

    [Fact]
    public async Task The_query_box_shows_the_result_and_the_plan()
    {
        var customers = Seed.Customers(_dir.Path);
        var expected = customers.Where(c => c.City == "Lyon").ToList();
        var (status, html) = await _studio.Get("/query?collection=Customers&take=3&where=" + Uri.EscapeDataString("City = 'Lyon'"));
        Assert.Equal(HttpStatusCode.OK, status);
        var plan = Page.Text(html, "plan");
        Assert.Contains("Full scan of 'Customers' in key order (Id, Int32): 8 chunk(s)", plan);
        Assert.Contains("merged with 1 change(s) from the WAL", plan);
        Assert.Contains("Filter on each document's JSON: City = 'Lyon'  (reads City)", plan);
        Assert.Contains("Indexes of the collection (City) are not used", plan);
        Assert.Contains($"Examined 120 document(s), matched {expected.Count}, showing 3 from #1", plan);
        Assert.Contains($"{expected.Count} document(s) match; 3 shown.", Page.Text(html, "matched"));
        Assert.Equal(expected.Take(3).Select(c => c.Id.ToString()), Page.Keys(html));
        var (_, empty) = await _studio.Get("/query");
        Assert.DoesNotContain("id=\"plan\"", empty);
        Assert.Contains("<option value=\"Notes\">", empty);
    }

    [Fact]
    public async Task The_model_page_shows_the_stored_model_and_its_history()
    {
        var (status, html) = await _studio.Get("/model");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Customers (ZgDb.Studio.Tests.Customer)", html);
        Assert.Contains("<td>Name</td><td>string</td><td></td><td>80</td>", html);
        Assert.Contains("<td>Id</td><td>int32, key Int32</td><td>yes</td>", html);
        Assert.Contains("Indexes: Text (unique)", html);
        Assert.Contains("Removed properties (old documents may still hold them; a filter may name them): Nickname (string)", html);
        Assert.Contains("<td>Orders</td><td>CustomerId</td><td>Customers</td>", html);
        Assert.Matches(@"id=""generations"">.*<td>\d+</td>.*<td>[0-9a-f]{16}</td>", html);
    }

    [Fact]
    public async Task The_storage_page_draws_chunks_and_the_wal_as_svg()
    {
        var (status, html) = await _studio.Get("/storage");
        Assert.Equal(HttpStatusCode.OK, status);
        var customers = Regex.Match(html, "<svg[^>]*id=\"chart-chunks-Customers\".*?</svg>", RegexOptions.Singleline);
        Assert.True(customers.Success, html);
        Assert.Equal(8, Regex.Matches(customers.Value, "<rect ").Count); // one bar per chunk
        Assert.Matches("<title>Customers-\\d+\\.zgc: [\\d.]+ (B|KiB), 16 documents, keys 1 \\.\\. 16</title>", customers.Value);
        var wal = Regex.Match(html, "<svg[^>]*id=\"chart-wal\".*?</svg>", RegexOptions.Singleline);
        Assert.True(wal.Success);
        Assert.True(Regex.Matches(wal.Value, "<rect ").Count >= 1);
        Assert.Contains("<svg", Regex.Match(html, "id=\"chart-totals\"").Success ? html : "");
        Assert.Contains("the files do not record its use", html);
    }

    [Fact]
    public async Task Hostile_text_in_documents_keys_and_filters_is_escaped_on_every_page()
    {
        var hostileKey = Uri.EscapeDataString(System.Text.Json.JsonSerializer.Serialize(Seed.Hostile));
        var hostileWhere = Uri.EscapeDataString($"Text = '{Seed.Hostile.Replace("'", "''")}'");
        var pages = new[]
        {
            "/", "/model", "/storage", "/query",
            "/documents?collection=Customers", "/documents?collection=Notes",
            $"/document?collection=Notes&key={hostileKey}",
            "/document?collection=Customers&key=13",
            $"/query?collection=Notes&where={hostileWhere}",
            $"/query?collection=Notes&where={Uri.EscapeDataString("Text = '<script>")}", // a filter error echoing the text
            $"/documents?collection={Uri.EscapeDataString("<script>x</script>")}", // an error naming the collection
            $"/document?collection=Notes&key={Uri.EscapeDataString("<script>")}",
        };
        int shown = 0;
        foreach (var path in pages)
        {
            var (_, html) = await _studio.Get(path);
            Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
            if (html.Contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&#39;&amp;&lt;img src=x onerror=alert(1)&gt;", StringComparison.Ordinal)) shown++;
        }
        Assert.True(shown >= 4, $"the hostile text was shown (encoded) on {shown} pages"); // the notes, a note, customer 13, the query result
        var (_, result) = await _studio.Get($"/query?collection=Notes&where={hostileWhere}");
        Assert.Contains("1 document(s) match", Page.Text(result, "matched"));
    }

    [Fact]
    public async Task A_read_only_studio_shows_documents_and_refuses_edits()
    {
        var (status, html) = await _studio.Get("/document?collection=Notes&key=%22note-1%22");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("\"Text\": \"text 1\"", Page.Text(html, "document"));
        Assert.DoesNotContain("<form method=\"post\"", html);
        var (refused, page) = await _studio.Post("/document/delete", new() { ["token"] = _studio.Token, ["collection"] = "Notes", ["key"] = "\"note-1\"" });
        Assert.Equal(HttpStatusCode.Forbidden, refused);
        Assert.Contains("read-only", Page.Text(page, "edit-result"));
        Assert.Equal(11, Notes(_dir.Path).Count);
    }

    [Fact]
    public async Task A_post_without_the_form_token_is_refused()
    {
        var (status, _) = await _studio.Post("/document/delete", new() { ["collection"] = "Notes", ["key"] = "\"note-1\"" });
        Assert.Equal(HttpStatusCode.Forbidden, status);
    }

    [Fact]
    public async Task Unknown_collection_and_missing_document_are_named()
    {
        var (status, html) = await _studio.Get("/documents?collection=Nope");
        Assert.Equal(HttpStatusCode.InternalServerError, status);
        Assert.Contains("The database has no collection 'Nope' (it has: Customers, Orders, Notes)", Page.Text(html, "error"));
        var (missing, page) = await _studio.Get("/document?collection=Customers&key=9999");
        Assert.Equal(HttpStatusCode.NotFound, missing);
        Assert.Contains("&#39;Customers&#39; has no document with key 9999.", page);
    }

    internal static List<Note> Notes(string directory)
    {
        using var db = ZgDatabase.Open<Shop>(directory, Seed.KeepLog);
        return db.Notes.AsEnumerable().ToList();
    }
}

/// <summary>Start-up and the command line.</summary>
public sealed class StudioStartTests
{
    [Fact]
    public async Task A_directory_that_is_not_a_database_fails_before_anything_listens()
    {
        using var dir = new TempDirectory();
        var e = await Assert.ThrowsAsync<ZgDbException>(() => StudioServer.StartAsync(new StudioOptions(dir.Path)));
        Assert.Contains("is not a ZgDb database", e.Message);
    }

    [Fact]
    public async Task Zgdb_studio_prints_the_url_serves_it_and_stops_on_ctrl_c()
    {
        using var dir = new TempDirectory();
        Seed.Shop(dir.Path);
        var output = new StringWriter();
        var console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings { Out = new Spectre.Console.AnsiConsoleOutput(TextWriter.Synchronized(output)), Interactive = Spectre.Console.InteractionSupport.No });
        using var cancel = new CancellationTokenSource();
        var run = Task.Run(() => Cli.Program.Run(["studio", dir.Path, "--no-browser"], console, TextWriter.Null, cancel.Token));
        Uri? url = null;
        for (var deadline = DateTime.UtcNow + RunningStudio.Timeout; url is null && DateTime.UtcNow < deadline && !run.IsCompleted; await Task.Delay(50))
            if (Regex.Match(output.ToString(), @"Open: (http://127\.0\.0\.1:\d+/\?token=[A-Za-z0-9_-]{43})") is { Success: true } m) url = new Uri(m.Groups[1].Value);
        Assert.True(url is not null, "no URL printed: " + output);
        Assert.Contains("read-only", output.ToString());
        var (client, _) = RunningStudio.NewClient(new Uri(url!.GetLeftPart(UriPartial.Authority)));
        using (client)
        {
            var html = await client.GetStringAsync(url);
            Assert.Contains("Customers", html);
        }
        cancel.Cancel();
        Assert.True(run.Wait(RunningStudio.Timeout), "the studio did not stop within 10 s of Ctrl+C");
        Assert.Equal(0, run.Result);
        Assert.Contains("Studio stopped.", output.ToString());
        using var after = new HttpClient { Timeout = TimeSpan.FromSeconds(3) };
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => after.GetAsync(url));
    }

    [Fact]
    public void A_port_in_use_is_an_error_naming_it()
    {
        using var dir = new TempDirectory();
        Seed.Shop(dir.Path);
        var taken = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        try
        {
            int port = ((IPEndPoint)taken.LocalEndpoint).Port;
            var error = new StringWriter();
            int code = Cli.Program.Run(["studio", dir.Path, "--port", port.ToString(), "--no-browser"], Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings { Out = new Spectre.Console.AnsiConsoleOutput(TextWriter.Null) }), error);
            Assert.Equal(2, code);
            Assert.Contains($"127.0.0.1:{port}", error.ToString());
        }
        finally
        {
            taken.Stop();
        }
    }

    [Fact]
    public void A_port_out_of_range_is_refused_by_name()
    {
        using var dir = new TempDirectory();
        Seed.Shop(dir.Path);
        var error = new StringWriter();
        int code = Cli.Program.Run(["studio", dir.Path, "--port", "70000", "--no-browser"], Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings { Out = new Spectre.Console.AnsiConsoleOutput(TextWriter.Null) }), error);
        Assert.Equal(2, code);
        Assert.Contains("--port must be between 1 and 65535", error.ToString());
    }
}

/// <summary>The studio reads a database an application has open and is checkpointing, as <c>zgdb query</c> does.</summary>
public sealed class StudioLiveReadTests
{
    /// <remarks>
    /// Without the studio's retry (<see cref="Cli.Studio.StudioDatabase.Attempts"/> = 1) this fails within a few hundred
    /// requests: a checkpoint between the reader's manifest and its WAL read deletes segments, and the read reports
    /// "the log starts at LSN N but the checkpoint holds only up to LSN M" or a missing segment, on a healthy database.
    /// </remarks>
    [Fact]
    public async Task Pages_read_a_database_that_an_application_is_checkpointing_meanwhile()
    {
        using var dir = new TempDirectory();
        Seed.Shop(dir.Path);
        await using var studio = await RunningStudio.Start(dir.Path);
        using var db = ZgDatabase.Open<Shop>(dir.Path, new ZgDbOptions { ChunkDocuments = 16, Checkpoint = new CheckpointPolicy { MaxChangedDocuments = int.MaxValue, MaxWalBytes = long.MaxValue } });
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        int checkpoints = 0;
        var writer = Task.Run(() =>
        {
            for (int round = 0; !stop.IsCancellationRequested && round < 2_000; round++)
            {
                db.Customers.Update(new Customer { Id = 2 + round % 100, Name = $"round {round}", Age = 20 + round % 50, City = "Oslo" });
                db.Checkpoint();
                checkpoints++;
            }
        });
        try
        {
            for (int i = 0; i < 300; i++)
            {
                var (status, html) = await studio.Get("/documents?collection=Customers&take=500");
                Assert.True(status == HttpStatusCode.OK, $"request {i}: " + (html.Contains("id=\"error\"") ? Page.Text(html, "error") : html));
                Assert.Contains("of 120.", Page.Text(html, "page-info"));
                Assert.Equal(120, Page.Keys(html).Count);
            }
        }
        finally
        {
            stop.Cancel();
            await writer;
        }
        Assert.True(checkpoints > 0);
    }
}
