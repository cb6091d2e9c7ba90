using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.IO.Hashing;
using System.Text.Json;
using ZgDb.Benchmarks.Data;
using ZgDb.Benchmarks.Smoke;
using ZgDb.Benchmarks.Stores;
using ZgDb.Storage.Chunks;
using ZgDb.Storage.Engine;
using ZgDb.Storage.Format;
using ZgDb.Storage.Wal;
using ZstdSharp;

namespace ZgDb.Benchmarks.Profiling;

/// <summary>
/// <c>--profile w1|w2|w7</c>: where ZgDb's time and allocations go on W1 (InsertMany + FlushAsync), W2 (Find) and
/// W7 (open + first Find in a fresh process), step by step, by timing the engine's own pieces (internal API)
/// in isolation on the same data. Complements a dotnet-trace CPU profile (see docs/BENCHMARKS.md).
/// </summary>
public static class HotPaths
{
    public static int Run(string[] args)
    {
        int users = ArgValue(args, "--users", 100_000);
        int w7Docs = ArgValue(args, "--w7-docs", 1_000_000);
        var what = args.Length > 1 && !args[1].StartsWith("--", StringComparison.Ordinal) ? args[1] : "all";
        var root = Path.Combine(Path.GetTempPath(), "zgdb-profile");
        switch (what)
        {
            case "w7-child": return W7Child(args[2], int.Parse(args[3], CultureInfo.InvariantCulture));
            case "w1": W1(root, users); break;
            case "w2": W2(root, users); break;
            case "w7": W7(root, w7Docs); break;
            case "sync-writers": SyncWriters(root, ArgValue(args, "--threads", 8), ArgValue(args, "--seconds", 5)); break;
            default:
                W1(root, users);
                W2(root, users);
                W7(root, w7Docs);
                break;
        }
        return 0;
    }

    private static int ArgValue(string[] args, string name, int fallback)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
    }

    /// <summary>Times <paramref name="action"/> and counts the bytes this thread allocated meanwhile.</summary>
    private static (double Ms, long Bytes) Measure(Action action)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var paused = GC.GetTotalPauseDuration();
        int gen0 = GC.CollectionCount(0), gen1 = GC.CollectionCount(1), gen2 = GC.CollectionCount(2);
        long start = Stopwatch.GetTimestamp();
        action();
        var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        _lastGc = $"GC: {(GC.GetTotalPauseDuration() - paused).TotalMilliseconds:F0} ms paused, collections gen0 {GC.CollectionCount(0) - gen0}, gen1 {GC.CollectionCount(1) - gen1}, gen2 {GC.CollectionCount(2) - gen2}";
        return (elapsed, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>The garbage collector's pauses and collections during the last <see cref="Measure"/>.</summary>
    private static string _lastGc = "";

    private static void Print(string step, (double Ms, long Bytes) m, int documents) =>
        Console.WriteLine($"  {step,-58} {m.Ms,9:F1} ms {m.Ms * 1e6 / documents,9:F0} ns/doc {m.Bytes / 1048576.0,9:F1} MB {m.Bytes / (double)documents,7:F0} B/doc");

    private static CollectionStore<int, User> StoreOf(BenchDb db) => (CollectionStore<int, User>)db.Engine.Store<User>();

    // ---- durable single writes from several threads ---------------------------------------------------------

    /// <summary>
    /// <c>--profile sync-writers [--threads N] [--seconds S]</c>: N threads each insert one document per call with
    /// Durability.Synchronous for S seconds (group commit: writers waiting on one fsync share it). Run it on a real disk.
    /// </summary>
    private static void SyncWriters(string root, int threads, int seconds)
    {
        var directory = Path.Combine(root, "sync-writers");
        SmokeRunner.DeleteDirectory(directory);
        using var db = ZgDatabase.Open<BenchDb>(directory, new ZgDbOptions { Durability = Durability.Synchronous, Checkpoint = CheckpointPolicy.Manual });
        var users = Dataset.Generate(1_000_000);
        int next = -1;
        long writes = 0;
        var stop = DateTime.UtcNow.AddSeconds(seconds);
        var workers = Enumerable.Range(0, threads).Select(_ => new Thread(() =>
        {
            while (DateTime.UtcNow < stop)
            {
                db.Users.Insert(users[Interlocked.Increment(ref next)]);
                Interlocked.Increment(ref writes);
            }
        })).ToList();
        long start = Stopwatch.GetTimestamp();
        workers.ForEach(t => t.Start());
        workers.ForEach(t => t.Join());
        double elapsed = Stopwatch.GetElapsedTime(start).TotalSeconds;
        Console.WriteLine($"sync-writers: {threads} threads, {writes:N0} durable single inserts in {elapsed:F1} s = {writes / elapsed:N0} writes/s ({db.Users.Count():N0} documents)");
    }

    // ---- W1 ----------------------------------------------------------------------------------------------

    private static void W1(string root, int count)
    {
        Console.WriteLine($"W1: InsertMany({count:N0}) + FlushAsync, default options except a manual checkpoint (timed separately)");
        var directory = Path.Combine(root, "w1");
        for (int round = 0; round < 2; round++) // round 0 warms the JIT up on the same sizes
        {
            SmokeRunner.DeleteDirectory(directory);
            var users = Dataset.Generate(count);
            using var db = ZgDatabase.Open<BenchDb>(directory, new ZgDbOptions { Checkpoint = CheckpointPolicy.Manual });
            var insert = Measure(() => db.Users.InsertMany(users));
            var insertGc = _lastGc;
            var flush = Measure(() => db.FlushAsync().GetAwaiter().GetResult());
            var checkpoint = Measure(db.Checkpoint);
            if (round == 0) continue;
            Print("InsertMany (apply in memory, encode the WAL record)", insert, count);
            Console.WriteLine($"    {insertGc}");
            Print("FlushAsync (WAL write + fsync, background thread)", flush, count);
            Console.WriteLine($"  => {count / ((insert.Ms + flush.Ms) / 1000):N0} docs/s for InsertMany + FlushAsync; WAL {db.GetStatistics().WalBytesWritten / (double)count:F0} B/doc");
            Print("Checkpoint (later, in the background by default)", checkpoint, count);
            Components(db, users);
        }
    }

    /// <summary>The per-document steps of InsertMany, each over the whole batch on its own.</summary>
    private static void Components(BenchDb db, List<User> users)
    {
        var engine = db.Engine;
        var store = StoreOf(db);
        var copy = engine.Cloner.For<User>();
        int n = users.Count;
        Console.WriteLine("  InsertMany's steps in isolation (same documents):");
        User[] copies = new User[n];
        Print("  deep copy (DocumentCloner)", Measure(() => { for (int i = 0; i < n; i++) copies[i] = copy(users[i]); }), n);
        byte[][] json = new byte[n][];
        Print("  JSON serialize (DocumentSerializer, SerializeToUtf8Bytes)", Measure(() => { for (int i = 0; i < n; i++) json[i] = engine.Serializer.Serialize(copies[i], "Users"); }), n);
        var keys = store.Keys;
        byte[][] keyJson = new byte[n][];
        Print("  key JSON (KeyCodec.ToJson)", Measure(() => { for (int i = 0; i < n; i++) keyJson[i] = keys.ToJson(copies[i].Id); }), n);
        var builder = ImmutableSortedDictionary.Create<int, DeltaEntry<User>>(keys.Comparer).ToBuilder();
        Print("  delta insert (ImmutableSortedDictionary.Builder)", Measure(() => { for (int i = 0; i < n; i++) builder[copies[i].Id] = new DeltaEntry<User>(copies[i], 1); }), n);
        Print("  delta ToImmutable", Measure(() => builder.ToImmutable()), n);
        var ops = new List<WalOp>(n);
        Print("  WalOp list", Measure(() => { for (int i = 0; i < n; i++) ops.Add(new WalOp(WalOpKind.Put, "Users", keyJson[i], json[i])); }), n);
        byte[] payload = [];
        Print("  WalBatch.Encode (one record for the batch)", Measure(() => payload = WalBatch.Encode(ops)), n);
        var path = Path.Combine(Path.GetTempPath(), "zgdb-profile", "fsync-test.bin");
        Print("  write the record to a file + fsync (FileStream.Flush(true))", Measure(() =>
        {
            using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            file.Write(payload);
            file.Flush(flushToDisk: true);
        }), n);
        File.Delete(path);
        var chunkRaw = Measure(() => { for (int i = 0; i < n; i += 2048) JsonSerializer.SerializeToUtf8Bytes(copies.AsSpan(i, Math.Min(2048, n - i)).ToArray(), engine.Serializer.Options); });
        Print("  checkpoint: chunk JSON (a second serialization)", chunkRaw, n);
    }

    // ---- W2 ----------------------------------------------------------------------------------------------

    private static void W2(string root, int count)
    {
        Console.WriteLine($"W2: Find on {count:N0} documents, every chunk cached (after the checkpoint)");
        var directory = Path.Combine(root, "w2");
        SmokeRunner.DeleteDirectory(directory);
        using var db = ZgDatabase.Open<BenchDb>(directory);
        db.Users.InsertMany(Dataset.Generate(count));
        db.FlushAsync().GetAwaiter().GetResult();
        db.Checkpoint();
        var store = StoreOf(db);
        var ids = SmokeRunner.RandomInts(1 << 16, 1, count + 1, 1);
        var state = (CollectionState<int, User>)db.Engine.State.Collections[0];
        var stored = ids.Select(id => store.TryGetStored(state, id)!).ToArray();
        var comparer = store.Comparer;
        var dictionary = Dataset.Generate(count).ToDictionary(u => u.Id);
        var chunk = store.Load(state.Chunks[0]);
        Row("ZgCollection.Find(object) (public API)", i => db.Users.Find(ids[i & 0xFFFF])!.Id);
        Row("  CollectionStore.TryGetStored (no copy)", i => store.TryGetStored(state, ids[i & 0xFFFF])!.Id);
        Row("  state.FindChunk (binary search over chunk refs)", i => state.FindChunk(ids[i & 0xFFFF], comparer));
        Row("  ChunkCache.GetOrLoad hit (string-keyed dictionary)", i => store.Load(state.Chunks[i % state.Chunks.Length]).Keys.Length);
        Row("  LoadedChunk.IndexOf (Array.BinarySearch + comparer)", i => chunk.IndexOf(chunk.Keys[i % chunk.Keys.Length], comparer));
        Row("  deep copy of the found document (DocumentCloner)", i => store.Copy(stored[i & 0xFFFF]).Id);
        Row("Dictionary<int, User> lookup (the ceiling)", i => dictionary[ids[i & 0xFFFF]].Id);
        // LINQ: the ad hoc lookup, its phase 1 (the shape key and the values, QueryParameterizer.Analyze), and the compiled query
        int current = 0;
        var query = ((System.Linq.Expressions.Expression<Func<User?>>)(() => db.Users.FirstOrDefault(u => u.Id == current))).Body;
        var compiled = ZgQuery.Compile((BenchDb d, int id) => d.Users.FirstOrDefault(u => u.Id == id));
        Func<int, User?> adHoc = id => db.Users.FirstOrDefault(u => u.Id == id); // as W2-linq
        // The first seconds of LINQ calls after the bulk load ran 2-10x slower than later ones (the tiered JIT and the
        // GC settling after 100,000 inserts; a 0.5 s warm-up per row was not enough): warm the LINQ path up for 3 s first,
        // or the first row below looks like an unexplained ~11x gap to the compiled query (it was measured that way once).
        long linqWarmupEnd = Stopwatch.GetTimestamp() + 3 * Stopwatch.Frequency;
        for (int i = 0; Stopwatch.GetTimestamp() < linqWarmupEnd; i++) adHoc(ids[i & 0xFFFF]);
        Row("FirstOrDefault(u => u.Id == id), ad hoc", i => adHoc(ids[i & 0xFFFF])!.Id);
        Row("  the same with the key computed in the tree (u.Id == ids[i & 0xFFFF])", i => db.Users.FirstOrDefault(u => u.Id == ids[i & 0xFFFF])!.Id);
        Row("  QueryParameterizer.Analyze (shape key + parameter values)", i =>
        {
            current = ids[i & 0xFFFF];
            return ZgDb.Query.QueryParameterizer.Analyze(query, db).Values.Length;
        });
        Row("  building the call's expression tree (C# compiler's code)", i =>
        {
            current = ids[i & 0xFFFF];
            return ((System.Linq.Expressions.Expression<Func<User?>>)(() => db.Users.FirstOrDefault(u => u.Id == current))).Parameters.Count;
        });
        Row("  Include stripping (IncludeProcessor.Strip)", i =>
        {
            current = ids[i & 0xFFFF];
            return ZgDb.Relations.IncludeProcessor.Strip(query, db).Includes is null ? 0 : 1;
        });
        var pipeline = ZgDb.Query.QueryPipeline.For(db);
        long compilationsBefore = pipeline.Compilations;
        Row("  QueryPipeline.Execute (the tree built once)", i =>
        {
            current = ids[i & 0xFFFF];
            return ((User)pipeline.Execute(query, null)!).Id;
        });
        Console.WriteLine($"  plan compilations during the rows above: {pipeline.Compilations - compilationsBefore}");
        IQueryable<User> source = db.Users;
        System.Linq.Expressions.Expression<Func<User, bool>> predicate = u => u.Id == current;
        var firstOrDefault = new Func<IQueryable<User>, System.Linq.Expressions.Expression<Func<User, bool>>, User?>(Queryable.FirstOrDefault).Method;
        var call = System.Linq.Expressions.Expression.Call(null, firstOrDefault, source.Expression, System.Linq.Expressions.Expression.Quote(predicate));
        Row("  provider.Execute<User>(the Queryable call, built once)", i =>
        {
            current = ids[i & 0xFFFF];
            return source.Provider.Execute<User>(call)!.Id;
        });
        Row("  Expression.Call(FirstOrDefault, source, Quote(predicate))", i =>
            System.Linq.Expressions.Expression.Call(null, firstOrDefault.GetGenericMethodDefinition().MakeGenericMethod(typeof(User)), source.Expression, System.Linq.Expressions.Expression.Quote(predicate)).Arguments.Count);
        Func<int, System.Linq.Expressions.Expression<Func<User, bool>>> lambdaOnly = id => u => u.Id == id;
        Row("  the predicate's lambda alone (u => u.Id == id, C# compiler's code)", i => lambdaOnly(ids[i & 0xFFFF]).Parameters.Count);
        Row("  Queryable.FirstOrDefault(source, prebuilt predicate)", i =>
        {
            current = ids[i & 0xFFFF];
            return source.FirstOrDefault(predicate)!.Id;
        });
        Row("  Queryable.FirstOrDefault(source, a new predicate tree and closure)", i => source.FirstOrDefault(lambdaOnly(ids[i & 0xFFFF]))!.Id);
        Row("  db.Users.Expression", i => db.Users.Expression.NodeType == System.Linq.Expressions.ExpressionType.Constant ? 1 : 0);
        Row("FirstOrDefault(u => u.Id == id), compiled (ZgQuery.Compile)", i => compiled(db, ids[i & 0xFFFF])!.Id);
        Console.WriteLine($"  chunk cache: {db.GetStatistics().CachedChunks} chunks, {db.GetStatistics().CachedBytes / 1048576.0:F0} MB estimated");
    }

    private static void Row(string step, Func<int, long> operation)
    {
        // Warm up for a fixed time, not a count: a LINQ call runs hundreds of methods, and until the tiered JIT has
        // recompiled them (in the background, slower on a busy machine) the first row measured 5-10x its steady cost.
        long warmupEnd = Stopwatch.GetTimestamp() + Stopwatch.Frequency / 2;
        for (int i = 0; Stopwatch.GetTimestamp() < warmupEnd; i++) operation(i);
        var outcome = Timed.Run(operation, 1.0, warmup: 0);
        Console.WriteLine($"  {step,-58} {1e9 / outcome.PerSecond,9:F0} ns/op {outcome.PerSecond,14:N0} ops/s {outcome.AllocatedBytes / (double)outcome.Operations,7:F0} B/op");
    }

    // ---- W7 ----------------------------------------------------------------------------------------------

    private static void W7(string root, int documents)
    {
        var directory = Path.Combine(Path.GetTempPath(), "zgdb-bench", $"w7-zgdb-{documents}");
        if (!File.Exists(Path.Combine(directory, "bench-complete.txt")))
        {
            Console.WriteLine($"W7: no database of {documents:N0} documents at {directory}; run --smoke first (it builds and keeps it).");
            return;
        }
        Console.WriteLine($"W7: a fresh process opens {directory} ({documents:N0} documents) and finds key {documents / 2 + 7}");
        var start = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") // run as `dotnet ZgDb.Benchmarks.dll`
            start.ArgumentList.Add(System.Reflection.Assembly.GetExecutingAssembly().Location);
        foreach (var arg in new[] { "--profile", "w7-child", directory, (documents / 2 + 7).ToString(CultureInfo.InvariantCulture) }) start.ArgumentList.Add(arg);
        using var child = Process.Start(start)!;
        child.WaitForExit();
    }

    private static int W7Child(string directory, int key)
    {
        var sinceStart = DateTime.Now - Process.GetCurrentProcess().StartTime;
        Console.WriteLine($"  process start -> Main                                      {sinceStart.TotalMilliseconds,9:F1} ms");
        var clock = Stopwatch.StartNew();
        var model = Measure(() => ModelFactory.Build([("Users", typeof(User))], null));
        Console.WriteLine($"  ModelFactory.Build, cold (a part of Open)                  {model.Ms,9:F1} ms");
        BenchDb? db = null;
        var open = Measure(() => db = ZgDatabase.Open<BenchDb>(directory));
        Console.WriteLine($"  ZgDatabase.Open (model, manifest, WAL replay, lock), cold  {open.Ms,9:F1} ms {open.Bytes / 1048576.0,7:F1} MB allocated");
        var find = Measure(() => db!.Users.Find(key));
        Console.WriteLine($"  first Find (loads one chunk), cold                         {find.Ms,9:F1} ms {find.Bytes / 1048576.0,7:F1} MB allocated");
        var stats = db!.GetStatistics();
        Console.WriteLine($"  => open + first Find {model.Ms + open.Ms + find.Ms:F1} ms (cold code: JIT, type loading, JSON metadata); chunks loaded {stats.ChunkLoads}");
        db.Dispose();
        var reopen = Measure(() => db = ZgDatabase.Open<BenchDb>(directory));
        Console.WriteLine($"  ZgDatabase.Open again, warm code                           {reopen.Ms,9:F1} ms");
        var store = StoreOf(db!);
        var state = (CollectionState<int, User>)db!.Engine.State.Collections[0];
        var other = state.Chunks[state.Chunks.Length / 3];
        var load = Measure(() => store.Load(other));
        Console.WriteLine($"  load another chunk, warm code ({other.Count} docs, {other.FileBytes:N0} B)        {load.Ms,9:F1} ms {load.Bytes / 1048576.0,7:F1} MB allocated");
        ChunkPieces(db!, other);
        Console.WriteLine($"  manifest + chunks: {state.Chunks.Length} chunk refs; manifest files {string.Join(", ", Directory.GetFiles(directory, "*manifest*").Select(f => $"{Path.GetFileName(f)} {new FileInfo(f).Length:N0} B"))}");
        db!.Dispose();
        return 0;
    }

    /// <summary>A chunk load's steps, warm: read, checksum, decompress, JSON decode.</summary>
    private static void ChunkPieces(BenchDb db, ChunkRef<int> chunk)
    {
        var engine = db.Engine;
        var path = engine.ChunkPath(chunk.File);
        byte[] data = [];
        var read = Measure(() => data = File.ReadAllBytes(path));
        var header = ChunkHeader.Validate(data, path);
        var body = data.AsMemory(header.Length);
        var hash = Measure(() => XxHash64.HashToUInt64(body.Span));
        var raw = new byte[header.RawLength];
        var unzip = Measure(() => { using var d = new Decompressor(); d.Unwrap(body.Span, raw); });
        var decode = Measure(() => JsonSerializer.Deserialize<User[]>(raw, engine.Serializer.Options));
        Console.WriteLine($"    read file {read.Ms:F2} ms; xxhash64 {hash.Ms:F2} ms; zstd decompress {unzip.Ms:F2} ms ({body.Length:N0} -> {raw.Length:N0} B); JSON decode {decode.Ms:F2} ms ({decode.Bytes / 1048576.0:F1} MB allocated)");
    }
}
