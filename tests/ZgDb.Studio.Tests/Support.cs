using System.Net;
using System.Text.RegularExpressions;
using ZgDb.Cli.Studio;

namespace ZgDb.Studio.Tests;

public sealed class Customer
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public int Age { get; set; }
    public string? City { get; set; }
    public List<string> Tags { get; set; } = [];
    public List<Order> Orders { get; set; } = [];
}

/// <summary>The first version of the customer: it also had a Nickname, which the second removes (the stored model remembers it).</summary>
public sealed class CustomerV1
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public int Age { get; set; }
    public string? City { get; set; }
    public List<string> Tags { get; set; } = [];
    public string? Nickname { get; set; }
}

public sealed class Order
{
    public long Id { get; set; }
    public int CustomerId { get; set; }
    public decimal Total { get; set; }
    public Customer? Customer { get; set; }
}

public sealed class Note
{
    public string Id { get; set; } = "";
    public string Text { get; set; } = "";
}

public sealed class ShopV1 : ZgDatabase
{
    public ZgCollection<CustomerV1> Customers => Collection<CustomerV1>();
}

/// <summary>Customers (int keys, an index on City), orders (long keys, Order.CustomerId -> Customer), notes (string keys, a unique index).</summary>
public sealed class Shop : ZgDatabase
{
    public ZgCollection<Customer> Customers => Collection<Customer>();
    public ZgCollection<Order> Orders => Collection<Order>();
    public ZgCollection<Note> Notes => Collection<Note>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.Entity<Customer>().Property(c => c.Name).HasMaxLength(80);
        model.Entity<Customer>().HasIndex(c => c.City);
        model.Entity<Note>().HasIndex(n => n.Text).IsUnique();
    }
}

public static class Seed
{
    /// <summary>Text that runs script if any page writes it unencoded.</summary>
    public const string Hostile = "<script>alert('x')</script>\"'&<img src=x onerror=alert(1)>";

    public static readonly string[] Cities = ["Oslo", "Lyon", "Kyoto", "Lima"];

    public static ZgDbOptions KeepLog => new() { Checkpoint = new CheckpointPolicy { MaxChangedDocuments = int.MaxValue, MaxWalBytes = long.MaxValue, OnDispose = false } };

    /// <summary>
    /// 120 customers (checkpointed, in chunks of 16; one named <see cref="Hostile"/>), 200 orders, 10 notes (one keyed
    /// and worded <see cref="Hostile"/>), a removed property (Customers.Nickname), and two changes left in the WAL.
    /// </summary>
    public static void Shop(string directory)
    {
        using (var v1 = ZgDatabase.Open<ShopV1>(directory))
            v1.Customers.Insert(new CustomerV1 { Name = "First", Age = 30, Nickname = "old" });
        var random = new Random(18);
        using (var db = ZgDatabase.Open<Shop>(directory, new ZgDbOptions { ChunkDocuments = 16 }))
        {
            db.Customers.InsertMany(Enumerable.Range(2, 119).Select(i => new Customer
            {
                Name = i == 13 ? Hostile : $"Customer {i}",
                Age = 18 + random.Next(60),
                City = random.Next(5) == 0 ? null : Cities[random.Next(Cities.Length)],
                Tags = Enumerable.Range(0, random.Next(3)).Select(t => $"t{random.Next(4)}").ToList(),
            }));
            db.Orders.InsertMany(Enumerable.Range(1, 200).Select(i => new Order { CustomerId = 1 + i % 100, Total = i * 2.5m }));
            db.Notes.InsertMany(Enumerable.Range(1, 9).Select(i => new Note { Id = $"note-{i}", Text = $"text {i}" }));
            db.Notes.Insert(new Note { Id = Hostile, Text = Hostile });
        }
        using (var db = ZgDatabase.Open<Shop>(directory, KeepLog))
        {
            db.Customers.Update(new Customer { Id = 5, Name = "Changed in the WAL", Age = 77, City = "Oslo" });
            db.Notes.Insert(new Note { Id = "zz-wal", Text = "only in the WAL" });
            db.FlushAsync().Wait();
        }
    }

    public static List<Customer> Customers(string directory)
    {
        using var db = ZgDatabase.Open<Shop>(directory, KeepLog);
        return db.Customers.AsEnumerable().OrderBy(c => c.Id).ToList();
    }
}

/// <summary>A studio started in process on a free 127.0.0.1 port, and an HTTP client that has been through its token URL.</summary>
public sealed class RunningStudio : IAsyncDisposable
{
    /// <summary>Every network wait in these tests is bounded by this.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private RunningStudio(StudioServer server, HttpClient client, CookieContainer cookies)
    {
        Server = server;
        Client = client;
        Cookies = cookies;
    }

    internal StudioServer Server { get; }
    public HttpClient Client { get; }
    public CookieContainer Cookies { get; }
    public Uri Address => Server.Address;
    public string Token => Server.Token;

    public static async Task<RunningStudio> Start(string directory, bool write = false, bool signIn = true)
    {
        var server = await StudioServer.StartAsync(new StudioOptions(directory, 0, write));
        var (client, cookies) = NewClient(server.Address);
        if (signIn)
        {
            using var response = await client.GetAsync(server.LaunchUrl);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        return new RunningStudio(server, client, cookies);
    }

    public static (HttpClient, CookieContainer) NewClient(Uri address)
    {
        var cookies = new CookieContainer();
        var handler = new HttpClientHandler { CookieContainer = cookies, UseCookies = true, AllowAutoRedirect = true, UseProxy = false };
        return (new HttpClient(handler) { BaseAddress = address, Timeout = Timeout }, cookies);
    }

    /// <summary>GETs a page and returns its status and HTML.</summary>
    public async Task<(HttpStatusCode Status, string Html)> Get(string path)
    {
        using var response = await Client.GetAsync(path);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<(HttpStatusCode Status, string Html)> Post(string path, Dictionary<string, string> form)
    {
        using var response = await Client.PostAsync(path, new FormUrlEncodedContent(form));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}

public static class Page
{
    /// <summary>The text of the element with <paramref name="id"/> (tags removed, entities decoded).</summary>
    public static string Text(string html, string id)
    {
        var match = Regex.Match(html, $"<(\\w+)[^>]*\\bid=\"{Regex.Escape(id)}\"[^>]*>(.*?)</\\1>", RegexOptions.Singleline);
        Assert.True(match.Success, $"no element with id '{id}' in:\n{html}");
        return WebUtility.HtmlDecode(Regex.Replace(match.Groups[2].Value, "<[^>]+>", " "));
    }

    /// <summary>The cells of the documents table's first column (the keys), decoded.</summary>
    public static List<string> Keys(string html)
    {
        var table = Regex.Match(html, "<table id=\"documents\">(.*?)</table>", RegexOptions.Singleline);
        Assert.True(table.Success, html);
        return Regex.Matches(table.Groups[1].Value, "<tr><td>(.*?)</td>", RegexOptions.Singleline)
            .Select(m => WebUtility.HtmlDecode(Regex.Replace(m.Groups[1].Value, "<[^>]+>", ""))).ToList();
    }
}
