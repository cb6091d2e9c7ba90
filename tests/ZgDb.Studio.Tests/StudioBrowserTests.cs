using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace ZgDb.Studio.Tests;

/// <summary>
/// The studio in a real browser: Debian's chromium, headless, driven by Playwright with the system executable (Playwright
/// never downloads a browser here). Loads each page, pages through documents, runs a query, checks what is shown, and
/// saves a screenshot of each page (docs/studio/ holds copies). Skips, saying why, when chromium is missing or cannot start.
/// </summary>
public sealed class StudioBrowserTests(ITestOutputHelper output)
{
    /// <summary>Debian's chromium; <c>ZGDB_CHROMIUM</c> names another executable (a missing one shows the skip).</summary>
    private static readonly string Chromium = Environment.GetEnvironmentVariable("ZGDB_CHROMIUM") is { Length: > 0 } other ? other : "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"];

    /// <summary>Every wait of the browser (navigation, a selector, a click) is bounded by this.</summary>
    private const float WaitMs = 60_000; // bounded, and generous: a loaded 2-core machine starts chromium in 12 s and renders slowly

    public static string ScreenshotDirectory => Path.Combine(AppContext.BaseDirectory, "studio-screenshots");

    [SkippableFact]
    public async Task A_real_browser_loads_each_page_runs_a_query_and_sees_the_results()
    {
        var clock = Stopwatch.StartNew();
        Skip.IfNot(File.Exists(Chromium), $"{Chromium} is missing: the browser test needs Debian's chromium (apt-get install -y chromium; .ci/run installs it as root).");
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        using var dir = new TempDirectory();
        var database = Path.Combine(dir.Path, "shop");
        Seed.Shop(database);
        var customers = Seed.Customers(database);
        await using var studio = await RunningStudio.Start(database);

        using var playwright = await Playwright.CreateAsync();
        IBrowser browser;
        try
        {
            browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium, Args = ChromiumArgs, Headless = true, Timeout = 90_000 });
        }
        catch (PlaywrightException e)
        {
            throw new SkipException($"{Chromium} could not be launched headless: {e.Message}");
        }
        await using var _ = browser;
        output.WriteLine($"chromium {browser.Version} launched after {clock.ElapsedMilliseconds} ms");
        Directory.CreateDirectory(ScreenshotDirectory);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1200, Height = 820 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(WaitMs);
        page.SetDefaultNavigationTimeout(WaitMs);
        var dialogs = new List<string>();
        page.Dialog += (_, dialog) => { dialogs.Add(dialog.Message); _ = dialog.DismissAsync(); };
        async Task Shot(string name)
        {
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotDirectory, name + ".png"), FullPage = true });
        }

        // Without the token: 401.
        var refused = await page.GotoAsync(studio.Address.ToString());
        Assert.Equal(401, refused!.Status);

        // The printed URL: the token becomes a cookie and leaves the address bar.
        var start = await page.GotoAsync(studio.Server.LaunchUrl.ToString());
        Assert.Equal(200, start!.Status);
        Assert.DoesNotContain("token=", page.Url);
        Assert.Equal("Collections", await page.InnerTextAsync("h1"));
        var collections = await page.InnerTextAsync("#collections");
        Assert.Matches(@"Customers\s+Id \(Int32\)\s+120\s+8", collections);
        Assert.Matches(@"Notes\s+Id \(String\)\s+11", collections);
        await Shot("overview");

        // The document browser, then the next page.
        await page.ClickAsync("#collections a:text-is('Customers')");
        await page.WaitForURLAsync(new Regex("/documents\\?collection=Customers"));
        Assert.Equal("Documents 1-25 of 120.", (await page.InnerTextAsync("#page-info")).Trim());
        Assert.Equal("1", (await page.InnerTextAsync("#documents tr:nth-child(2) td:first-child")).Trim());
        await Shot("documents");
        await page.ClickAsync("a.next");
        await page.WaitForURLAsync(new Regex("skip=25"));
        Assert.Equal("Documents 26-50 of 120.", (await page.InnerTextAsync("#page-info")).Trim());
        Assert.Equal("26", (await page.InnerTextAsync("#documents tr:nth-child(2) td:first-child")).Trim());

        // A filter that does not parse shows where.
        await page.FillAsync("#where", "Age >");
        await page.ClickAsync("#filter-form button");
        await page.WaitForSelectorAsync("#filter-error");
        Assert.Contains("expected a value, found the end at position 6", await page.InnerTextAsync("#filter-error"));
        await Shot("filter-error");

        // The query box: the plan and the result.
        await page.ClickAsync("#nav-query");
        await page.WaitForSelectorAsync("#query-form");
        await page.SelectOptionAsync("#collection", "Customers");
        await page.FillAsync("#where", "Age > 30 and City = 'Lyon'");
        await page.ClickAsync("#run");
        await page.WaitForSelectorAsync("#plan");
        var expected = customers.Where(c => c.Age > 30 && c.City == "Lyon").ToList();
        var plan = await page.InnerTextAsync("#plan");
        Assert.Contains("Full scan of 'Customers' in key order (Id, Int32): 8 chunk(s)", plan);
        Assert.Contains($"Examined 120 document(s), matched {expected.Count}", plan);
        Assert.Contains($"{expected.Count} document(s) match", await page.InnerTextAsync("#matched"));
        var keys = await page.Locator("#documents tr td:first-child").AllInnerTextsAsync();
        Assert.Equal(expected.Take(20).Select(c => c.Id.ToString()), keys.Select(k => k.Trim()));
        await Shot("query");

        // The model and its history.
        await page.ClickAsync("#nav-model");
        await page.WaitForSelectorAsync("#generations");
        Assert.Contains("Removed properties (old documents may still hold them; a filter may name them): Nickname (string)", await page.InnerTextAsync("main"));
        await Shot("model");

        // Storage plots: one bar per chunk.
        await page.ClickAsync("#nav-storage");
        await page.WaitForSelectorAsync("#chart-chunks-Customers");
        Assert.Equal(8, await page.Locator("#chart-chunks-Customers rect").CountAsync());
        Assert.True(await page.Locator("#chart-wal rect").CountAsync() >= 1);
        await Shot("storage");

        // Hostile text is shown as text, and runs nothing.
        await page.GotoAsync(new Uri(studio.Address, "/document?collection=Customers&key=13").ToString());
        var shown = await page.InnerTextAsync("#document");
        Assert.Contains("\"Name\": \"<script>alert('x')</script>\\\"'&<img src=x onerror=alert(1)>\"", shown); // as JSON text, quote escaped
        Assert.Equal(0, await page.Locator("main script, main img").CountAsync());
        await Shot("document");
        Assert.Empty(dialogs);
        await context.CloseAsync();

        // With --write: edit a document in the form and save it (the post carries the cookie and the form's token).
        await using var writable = await RunningStudio.Start(database, write: true);
        var editing = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1200, Height = 820 } });
        page = await editing.NewPageAsync();
        page.SetDefaultTimeout(WaitMs);
        page.SetDefaultNavigationTimeout(WaitMs);
        await page.GotoAsync(writable.Server.LaunchUrl.ToString());
        await page.GotoAsync(new Uri(writable.Address, "/document?collection=Customers&key=42").ToString());
        var original = await page.InputValueAsync("#document");
        await page.FillAsync("#document", original.Replace("\"Customer 42\"", "\"Renamed in the browser\""));
        await page.ClickAsync("#save");
        await page.WaitForSelectorAsync("#edit-result");
        Assert.Equal("Saved.", (await page.InnerTextAsync("#edit-result")).Trim());
        await Shot("edit");
        await editing.CloseAsync();
        Assert.Equal("Renamed in the browser", Seed.Customers(database).Single(c => c.Id == 42).Name);
        output.WriteLine($"browser test took {clock.ElapsedMilliseconds} ms; screenshots in {ScreenshotDirectory}");
    }
}
