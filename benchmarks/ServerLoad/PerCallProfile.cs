// ServerLoad --profile: where a remote Find's time goes. The same in-process server as the load run (no
// PostgreSQL), then, for 1 and 8 clients (each its own channel), calls per second and p50/p99 of:
//   zgdb Find        the connected database's Find (what the load run times)
//   raw sync         the generated gRPC client's blocking Find with the same headers and deadline
//   raw sync/nodl    the same without a deadline
//   raw async        awaited FindAsync from async loops (no thread blocked per call)
//   zgdb Find again  the first row once more, after the others: the first row of a run pays for the JIT's warm-up
// The gap between the rows says what the client adds above gRPC, and what blocking a thread per call costs.
using System.Diagnostics;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;
using ZgDb;
using ZgDb.Remote;
using ZgDb.Server;
using Profile = ZgDb.Remote.Protocol;

internal static class PerCallProfile
{
    public static async Task<int> Run(double seconds, int[] clientCounts, int users)
    {
        var directory = Path.Combine(Path.GetTempPath(), "zgdb-server-profile-" + Guid.NewGuid().ToString("n")[..8]);
        const string Token = LoadServer.Token;
        var (app, port, address) = await LoadServer.StartAsync(directory);
        string fingerprint;
        using (var loader = ZgDatabase.Connect<LoadDb>(address, new ZgClientOptions { Token = Token }))
        {
            loader.Users.InsertMany(Enumerable.Range(1, users).Select(i => new LoadUser { Id = i, Name = $"user {i}", City = LoadUser.Cities[i % LoadUser.Cities.Length], Age = 18 + i % 60 }).ToList());
            fingerprint = loader.Model.Stored.Fingerprint;
        }
        Console.WriteLine($"per-call profile: {users:N0} users, {seconds:0.#} s a row, load {File.ReadAllText("/proc/loadavg")[..14]}");
        var headers = new Metadata
        {
            { "authorization", "Bearer " + Token },
            { RemoteProtocol.ProtocolHeader, RemoteProtocol.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) },
            { RemoteProtocol.FingerprintHeader, fingerprint },
        };
        foreach (int clients in clientCounts)
        {
            var dbs = Enumerable.Range(0, clients).Select(_ => ZgDatabase.Connect<LoadDb>(address, new ZgClientOptions { Token = Token })).ToArray();
            var channels = Enumerable.Range(0, clients).Select(_ => GrpcChannel.ForAddress($"http://127.0.0.1:{port}", new GrpcChannelOptions
            {
                HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = false, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) },
            })).ToArray();
            var raw = channels.Select(c => new Profile.ZgDbData.ZgDbDataClient(c)).ToArray();
            static Profile.FindRequest Request(int id) => new() { Collection = "Users", KeyJson = Google.Protobuf.ByteString.CopyFromUtf8(id.ToString(System.Globalization.CultureInfo.InvariantCulture)) };
            int Id(int client, int i) => 1 + (int)((uint)(i * 2654435761u + client * 40503u) % (uint)users);
            Report(clients, "zgdb Find", Blocking(clients, seconds, (c, i) => _ = dbs[c].Users.Find(Id(c, i)) ?? throw new InvalidOperationException("missing")));
            Report(clients, "raw sync", Blocking(clients, seconds, (c, i) =>
            {
                if (!raw[c].Find(Request(Id(c, i)), new CallOptions(headers, DateTime.UtcNow.AddSeconds(30))).Found) throw new InvalidOperationException("missing");
            }));
            Report(clients, "raw sync/nodl", Blocking(clients, seconds, (c, i) =>
            {
                if (!raw[c].Find(Request(Id(c, i)), new CallOptions(headers)).Found) throw new InvalidOperationException("missing");
            }));
            Report(clients, "raw async", await Async(clients, seconds, async (c, i) =>
            {
                if (!(await raw[c].FindAsync(Request(Id(c, i)), new CallOptions(headers, DateTime.UtcNow.AddSeconds(30)))).Found) throw new InvalidOperationException("missing");
            }));
            Report(clients, "zgdb Find again", Blocking(clients, seconds, (c, i) => _ = dbs[c].Users.Find(Id(c, i)) ?? throw new InvalidOperationException("missing")));
            if (clients == clientCounts[^1])
            {
                // the client's own pieces of a Find, without the network: the key's JSON and the document read back
                var entity = dbs[0].Users.Entity;
                var json = RemoteDatabase.DocumentJson(dbs[0]);
                var reply = raw[0].Find(Request(7), new CallOptions(headers));
                var sw = Stopwatch.StartNew();
                const int N = 200_000;
                for (int i = 0; i < N; i++)
                {
                    _ = Google.Protobuf.ByteString.CopyFrom(KeyJson.Write(entity, (object)i));
                    _ = System.Text.Json.JsonSerializer.Deserialize<LoadUser>(RemoteDocuments.Unpack(reply.Document.Span, 1 << 24), json);
                }
                Console.WriteLine($"  client pieces (key JSON + document JSON, no network): {sw.Elapsed.TotalMicroseconds / N:F2} us/call");
            }
            foreach (var db in dbs) db.Dispose();
            foreach (var channel in channels) channel.Dispose();
        }
        await app.StopAsync();
        await app.DisposeAsync();
        try { Directory.Delete(directory, recursive: true); } catch (IOException) { }
        return 0;
    }

    private static void Report(int clients, string row, long[] latencies)
    {
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        double cpuPerCall = (cpu - _cpuAtStart).TotalMicroseconds / Math.Max(1, _calls);
        Array.Sort(latencies);
        double Ms(double q) => latencies.Length == 0 ? 0 : latencies[Math.Min(latencies.Length - 1, (int)(q * latencies.Length))] * 1000.0 / Stopwatch.Frequency;
        Console.WriteLine($"  {clients,2} clients  {row,-16} {latencies.Length / _seconds,10:N0}/s  p50 {Ms(0.5),7:F3} ms  p99 {Ms(0.99),7:F3} ms  cpu {cpuPerCall,6:F0} us/call (client and server)");
    }

    private static double _seconds;
    private static TimeSpan _cpuAtStart;
    private static long _calls;

    private static long[] Blocking(int clients, double seconds, Action<int, int> call)
    {
        _seconds = seconds;
        var (warm, end) = Window(seconds);
        var lists = new List<long>[clients];
        _calls = 0;
        _cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
        var threads = Enumerable.Range(0, clients).Select(c => new Thread(() =>
        {
            var mine = lists[c] = new List<long>(1 << 16);
            for (int i = 0; ; i++)
            {
                long start = Stopwatch.GetTimestamp();
                if (start >= end) break;
                call(c, i);
                Interlocked.Increment(ref _calls);
                if (start >= warm) mine.Add(Stopwatch.GetTimestamp() - start);
            }
        }) { IsBackground = true }).ToArray();
        foreach (var t in threads) t.Start();
        foreach (var t in threads) t.Join();
        return lists.SelectMany(l => l).ToArray();
    }

    private static async Task<long[]> Async(int clients, double seconds, Func<int, int, Task> call)
    {
        _seconds = seconds;
        var (warm, end) = Window(seconds);
        var lists = new List<long>[clients];
        _calls = 0;
        _cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            var mine = lists[c] = new List<long>(1 << 16);
            for (int i = 0; ; i++)
            {
                long start = Stopwatch.GetTimestamp();
                if (start >= end) break;
                await call(c, i);
                Interlocked.Increment(ref _calls);
                if (start >= warm) mine.Add(Stopwatch.GetTimestamp() - start);
            }
        })));
        return lists.SelectMany(l => l).ToArray();
    }

    private static (long Warm, long End) Window(double seconds)
    {
        long warm = Stopwatch.GetTimestamp() + (long)(Stopwatch.Frequency * 0.3);
        return (warm, warm + (long)(Stopwatch.Frequency * seconds));
    }
}
