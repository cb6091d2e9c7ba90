// ServerLoad: issue 20's load figures. A ZgDb server (Kestrel, HTTP/2, on 127.0.0.1) and a throwaway PostgreSQL 15
// cluster on the same machine, the same 100,000 users in each; 1, 8 and 32 concurrent clients run Find by key, an
// indexed query and single writes for a fixed time each; throughput and p50/p99 latency per cell, side by side.
//
//   dotnet run -c Release --project benchmarks/ServerLoad                      # 100,000 users, 5 s per cell
//   dotnet run -c Release --project benchmarks/ServerLoad -- --quick           # 10,000 users, 1 s per cell, clients 1 and 8
//   options: --users N --seconds S --clients 1,8,32 --out DIR (default BenchmarkDotNet.Artifacts/server-load)
//
// Durability is the same on both sides: the cluster runs with fsync=off and synchronous_commit=off (the tests' helper),
// so the ZgDb server runs with Durability.Background: the write figures compare the two without fsync.
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using Npgsql;
using ZgDb;
using ZgDb.Client;
using ZgDb.Migrations.Tests.Support;
using ZgDb.Server;

var options = LoadOptions.Parse(args);
if (args.Contains("--profile")) return await PerCallProfile.Run(options.Seconds, options.Clients, options.Users);
Console.WriteLine($"ServerLoad: {options.Users:N0} users, {options.Seconds:0.#} s per cell, clients {string.Join("/", options.Clients)}, {Environment.ProcessorCount} cores, load {LoadAverage()}");
var users = Enumerable.Range(1, options.Users).Select(i => new LoadUser { Id = i, Name = $"user {i}", City = LoadUser.Cities[i % LoadUser.Cities.Length], Age = 18 + i % 60 }).ToList();

using var cluster = new PostgresCluster();
if (cluster.Unavailable is { } why)
{
    Console.Error.WriteLine("ServerLoad needs PostgreSQL 15: " + why);
    return 2;
}
var pg = cluster.CreateDatabase().Replace("Pooling=false", "Pooling=true;Maximum Pool Size=64", StringComparison.Ordinal);
await using (var setup = new NpgsqlConnection(pg))
{
    await setup.OpenAsync();
    await Execute(setup, "CREATE TABLE users (id integer PRIMARY KEY, name text NOT NULL, city text NOT NULL, age integer NOT NULL); CREATE INDEX users_city ON users (city);");
    await using var writer = await setup.BeginBinaryImportAsync("COPY users (id, name, city, age) FROM STDIN (FORMAT BINARY)");
    foreach (var u in users)
    {
        await writer.StartRowAsync();
        await writer.WriteAsync(u.Id);
        await writer.WriteAsync(u.Name);
        await writer.WriteAsync(u.City);
        await writer.WriteAsync(u.Age);
    }
    await writer.CompleteAsync();
}
await using (var analyze = new NpgsqlConnection(pg))
{
    await analyze.OpenAsync();
    await Execute(analyze, "VACUUM ANALYZE users");
}

var directory = Path.Combine(Path.GetTempPath(), "zgdb-server-load-" + Guid.NewGuid().ToString("n")[..8]);
var (app, _, address) = await LoadServer.StartAsync(directory);
const string Token = LoadServer.Token;
using (var loader = ZgDatabase.Connect<LoadDb>(address, new ZgClientOptions { Token = Token }))
{
    foreach (var batch in users.Chunk(5_000)) loader.Users.InsertMany(batch);
    if (loader.Users.Count() != users.Count) throw new InvalidOperationException("the server did not store every user");
}
// both sides checked against each other before anything is timed
await VerifySameAnswers(address, Token, pg, users.Count);

// Warm-up, untimed: every workload on both sides at the largest client count, so the JIT's tiers (the ZgDb client and
// server share this process; tier-1 code arrives after a few seconds of calls) and PostgreSQL's caches are settled
// before the first timed cell. Without it the first ZgDb cells ran at a third to a half of their steady rate.
var warmup = options with { Seconds = Math.Max(1.5, Math.Min(3, options.Seconds)) };
foreach (var workload in new[] { "find", "indexed query", "single write" })
{
    await RunZgDb(address, Token, workload, options.Clients.Max(), warmup, users.Count);
    await RunPostgres(pg, workload, options.Clients.Max(), warmup, users.Count);
}

var results = new List<Cell>();
foreach (int clients in options.Clients)
{
    foreach (var workload in new[] { "find", "indexed query", "single write" })
    {
        results.Add(await RunZgDb(address, Token, workload, clients, options, users.Count));
        results.Add(await RunPostgres(pg, workload, clients, options, users.Count));
        var (z, p) = (results[^2], results[^1]);
        Console.WriteLine($"  {clients,2} clients  {workload,-14}  ZgDb {z.PerSecond,10:N0}/s p50 {z.P50Ms,7:F3} ms p99 {z.P99Ms,7:F3} ms   PostgreSQL {p.PerSecond,10:N0}/s p50 {p.P50Ms,7:F3} ms p99 {p.P99Ms,7:F3} ms   ratio {z.PerSecond / p.PerSecond,5:F2}x");
    }
}
await app.StopAsync();
await app.DisposeAsync(); // disposes the served database (flush, checkpoint) before its directory goes
try { Directory.Delete(directory, recursive: true); } catch (IOException) { }

Directory.CreateDirectory(options.Out);
var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
File.WriteAllText(Path.Combine(options.Out, $"server-load-{stamp}.json"), JsonSerializer.Serialize(new { options.Users, options.Seconds, options.Clients, Load = LoadAverage(), Results = results }, new JsonSerializerOptions { WriteIndented = true }));
using (var md = new StreamWriter(Path.Combine(options.Out, $"server-load-{stamp}.md")))
{
    md.WriteLine($"| clients | workload | ZgDb /s | ZgDb p50 ms | ZgDb p99 ms | PostgreSQL /s | PostgreSQL p50 ms | PostgreSQL p99 ms | ZgDb ÷ PostgreSQL |");
    md.WriteLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|");
    for (int i = 0; i < results.Count; i += 2)
    {
        var (z, p) = (results[i], results[i + 1]);
        md.WriteLine($"| {z.Clients} | {z.Workload} | {z.PerSecond:N0} | {z.P50Ms:F3} | {z.P99Ms:F3} | {p.PerSecond:N0} | {p.P50Ms:F3} | {p.P99Ms:F3} | {z.PerSecond / p.PerSecond:F2}x |");
    }
}
Console.WriteLine($"Wrote {Path.Combine(options.Out, $"server-load-{stamp}")}.json and .md (load at the end {LoadAverage()}).");
return 0;

static async Task Execute(NpgsqlConnection connection, string sql)
{
    await using var command = new NpgsqlCommand(sql, connection);
    await command.ExecuteNonQueryAsync();
}

static async Task VerifySameAnswers(string address, string token, string pg, int count)
{
    using var db = ZgDatabase.Connect<LoadDb>(address, new ZgClientOptions { Token = token });
    await using var connection = new NpgsqlConnection(pg);
    await connection.OpenAsync();
    foreach (int id in new[] { 1, count / 2, count })
    {
        var z = db.Users.Find(id) ?? throw new InvalidOperationException($"ZgDb has no user {id}");
        await using var command = new NpgsqlCommand("SELECT name, city, age FROM users WHERE id = $1", connection) { Parameters = { new() { Value = id } } };
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync() || reader.GetString(0) != z.Name || reader.GetString(1) != z.City || reader.GetInt32(2) != z.Age)
            throw new InvalidOperationException($"user {id} differs between ZgDb and PostgreSQL");
    }
    foreach (var city in LoadUser.Cities)
    {
        var z = db.Users.Where(u => u.City == city).OrderBy(u => u.Id).Take(20).Select(u => u.Id).ToList();
        var p = await IndexedQuery(connection, city);
        if (!z.SequenceEqual(p)) throw new InvalidOperationException($"the indexed query for {city} differs between ZgDb and PostgreSQL");
    }
}

static async Task<List<int>> IndexedQuery(NpgsqlConnection connection, string city)
{
    await using var command = new NpgsqlCommand("SELECT id, name, city, age FROM users WHERE city = $1 ORDER BY id LIMIT 20", connection) { Parameters = { new() { Value = city } } };
    await using var reader = await command.ExecuteReaderAsync();
    var ids = new List<int>(20);
    while (await reader.ReadAsync()) ids.Add(reader.GetInt32(0));
    return ids;
}

static async Task<Cell> RunZgDb(string address, string token, string workload, int clients, LoadOptions options, int count)
{
    // each client its own connection (one HTTP/2 channel), as separate processes would have
    var connections = Enumerable.Range(0, clients).Select(_ => ZgDatabase.Connect<LoadDb>(address, new ZgClientOptions { Token = token })).ToList();
    try
    {
        return await Timed("ZgDb", workload, clients, options, (client, i) =>
        {
            var db = connections[client];
            int id = 1 + (int)((uint)(i * 2654435761u + client * 40503u) % (uint)count);
            switch (workload)
            {
                case "find":
                    _ = db.Users.Find(id) ?? throw new InvalidOperationException($"no user {id}");
                    break;
                case "indexed query":
                    var city = LoadUser.Cities[id % LoadUser.Cities.Length];
                    if (db.Users.Where(u => u.City == city).OrderBy(u => u.Id).Take(20).ToList().Count != 20) throw new InvalidOperationException("short page");
                    break;
                default:
                    db.Users.Update(new LoadUser { Id = id, Name = $"user {id}", City = LoadUser.Cities[id % LoadUser.Cities.Length], Age = 18 + (id + i) % 60 });
                    break;
            }
            return Task.CompletedTask;
        });
    }
    finally
    {
        foreach (var c in connections) c.Dispose();
    }
}

static async Task<Cell> RunPostgres(string pg, string workload, int clients, LoadOptions options, int count)
{
    var connections = new List<NpgsqlConnection>();
    for (int c = 0; c < clients; c++)
    {
        var connection = new NpgsqlConnection(pg);
        await connection.OpenAsync();
        connections.Add(connection);
    }
    try
    {
        return await Timed("PostgreSQL", workload, clients, options, async (client, i) =>
        {
            var connection = connections[client];
            int id = 1 + (int)((uint)(i * 2654435761u + client * 40503u) % (uint)count);
            switch (workload)
            {
                case "find":
                {
                    await using var command = new NpgsqlCommand("SELECT id, name, city, age FROM users WHERE id = $1", connection) { Parameters = { new() { Value = id } } };
                    await using var reader = await command.ExecuteReaderAsync();
                    if (!await reader.ReadAsync()) throw new InvalidOperationException($"no user {id}");
                    _ = (reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetInt32(3));
                    break;
                }
                case "indexed query":
                    if ((await IndexedQuery(connection, LoadUser.Cities[id % LoadUser.Cities.Length])).Count != 20) throw new InvalidOperationException("short page");
                    break;
                default:
                {
                    await using var command = new NpgsqlCommand("UPDATE users SET name = $2, city = $3, age = $4 WHERE id = $1", connection)
                    {
                        Parameters = { new() { Value = id }, new() { Value = $"user {id}" }, new() { Value = LoadUser.Cities[id % LoadUser.Cities.Length] }, new() { Value = 18 + (id + i) % 60 } },
                    };
                    if (await command.ExecuteNonQueryAsync() != 1) throw new InvalidOperationException($"no user {id}");
                    break;
                }
            }
        });
    }
    finally
    {
        foreach (var c in connections) await c.DisposeAsync();
    }
}

// Every client runs its operation in a loop on its own task for the cell's time (after a short warm-up); each
// operation's latency is recorded. ZgDb's client API is synchronous: its clients run on their own threads.
static async Task<Cell> Timed(string store, string workload, int clients, LoadOptions options, Func<int, int, Task> operation)
{
    var warmupEnd = Stopwatch.GetTimestamp() + (long)(Stopwatch.Frequency * Math.Min(1.0, options.Seconds / 3));
    var measureEnd = warmupEnd + (long)(Stopwatch.Frequency * options.Seconds);
    var latencies = new List<long>[clients];
    var tasks = Enumerable.Range(0, clients).Select(client => Task.Factory.StartNew(async () =>
    {
        var mine = latencies[client] = new List<long>(1 << 16);
        for (int i = 0; ; i++)
        {
            long start = Stopwatch.GetTimestamp();
            if (start >= measureEnd) break;
            await operation(client, i);
            if (start >= warmupEnd) mine.Add(Stopwatch.GetTimestamp() - start);
        }
    }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap()).ToArray();
    await Task.WhenAll(tasks);
    var all = latencies.SelectMany(l => l).Order().ToArray();
    double Ms(double q) => all.Length == 0 ? 0 : all[Math.Min(all.Length - 1, (int)(q * all.Length))] * 1000.0 / Stopwatch.Frequency;
    return new Cell(store, workload, clients, all.Length, all.Length / options.Seconds, Ms(0.50), Ms(0.99));
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

/// <summary>One cell: a store, a workload, a number of clients; operations done in the timed part, per second, latency quantiles.</summary>
internal sealed record Cell(string Store, string Workload, int Clients, long Operations, double PerSecond, double P50Ms, double P99Ms);

internal sealed record LoadOptions(int Users, double Seconds, int[] Clients, string Out)
{
    public static LoadOptions Parse(string[] args)
    {
        bool quick = args.Contains("--quick");
        string? Value(string name) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? args[i + 1] : null;
        return new LoadOptions(
            int.Parse(Value("--users") ?? (quick ? "10000" : "100000"), CultureInfo.InvariantCulture),
            double.Parse(Value("--seconds") ?? (quick ? "1" : "5"), CultureInfo.InvariantCulture),
            (Value("--clients") ?? (quick ? "1,8" : "1,8,32")).Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToArray(),
            Value("--out") ?? Path.Combine("BenchmarkDotNet.Artifacts", "server-load"));
    }
}

/// <summary>The served user: key, a name, an indexed city, an age.</summary>
public sealed class LoadUser
{
    public static readonly string[] Cities = ["Lima", "Oslo", "Rome", "Kyiv", "Lagos", "Quito", "Hanoi", "Perth", "Turin", "Accra"];

    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string City { get; set; } = "";
    public int Age { get; set; }
}

/// <summary>The served database: users, indexed on City.</summary>
public sealed class LoadDb : ZgDatabase
{
    public ZgCollection<LoadUser> Users => Collection<LoadUser>();

    protected override void OnModelCreating(ModelBuilder model) => model.Entity<LoadUser>().HasIndex(u => u.City);
}
