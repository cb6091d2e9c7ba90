using Xunit;
using ZgDb.Linq;
using ZgDb.Storage.IO;

namespace ZgDb.Linq.Tests;

public sealed class ColdItem
{
    public int Id { get; set; }
    public int Group { get; set; }
    public string Name { get; set; } = "";
}

public sealed class ColdDb : ZgDatabase
{
    public ZgCollection<ColdItem> Items => Collection<ColdItem>();

    protected override void OnModelCreating(ModelBuilder model) => model.Entity<ColdItem>().HasIndex(i => i.Group);
}

/// <summary>
/// The engine's file system, counting how each chunk file (*.zgc) was read: synchronously on the query's thread, or by
/// an awaited read. An optional gate holds every awaited read until it is released (a read in flight, for cancellation).
/// </summary>
internal sealed class ChunkReadRecorder : IStorageFileSystem
{
    private readonly IStorageFileSystem _inner = PhysicalFileSystem.Instance;
    private int _sync, _async;

    public int SynchronousChunkReads => Volatile.Read(ref _sync);
    public int AwaitedChunkReads => Volatile.Read(ref _async);
    public TaskCompletionSource? Gate { get; set; }

    public void Reset()
    {
        Volatile.Write(ref _sync, 0);
        Volatile.Write(ref _async, 0);
    }

    public bool FileExists(string path) => _inner.FileExists(path);
    public bool DirectoryExists(string path) => _inner.DirectoryExists(path);
    public void CreateDirectory(string path) => _inner.CreateDirectory(path);
    public string[] ListFiles(string directory, string pattern) => _inner.ListFiles(directory, pattern);
    public IStorageFile Open(string path, FileMode mode, FileAccess access, FileShare share) => _inner.Open(path, mode, access, share);
    public void Move(string source, string destination) => _inner.Move(source, destination);
    public void Delete(string path) => _inner.Delete(path);
    public void FlushDirectory(string directory) => _inner.FlushDirectory(directory);

    public byte[] ReadAllBytes(string path)
    {
        if (path.EndsWith(".zgc", StringComparison.Ordinal)) Interlocked.Increment(ref _sync);
        return _inner.ReadAllBytes(path);
    }

    public async Task<byte[]> ReadAllBytesAsync(string path, CancellationToken cancellationToken)
    {
        if (path.EndsWith(".zgc", StringComparison.Ordinal)) Interlocked.Increment(ref _async);
        if (Gate is { } gate) await gate.Task.WaitAsync(cancellationToken);
        return await _inner.ReadAllBytesAsync(path, cancellationToken);
    }
}

/// <summary>
/// Async queries over chunks not yet cached await their loads (issue 18 §4): no chunk file is read on the query's
/// thread by ToListAsync, CountAsync, FirstOrDefaultAsync or an await foreach; answers equal LINQ-to-Objects; the token
/// cancels a load in flight; a small cache still gives the right answer (bounded restarts, then synchronous reads).
/// </summary>
public sealed class AsyncChunkLoadTests : IDisposable
{
    private const int ChunkDocuments = 32;
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "zgdb-async-chunks-" + Guid.NewGuid().ToString("N"));
    private readonly List<ColdItem> _items = Enumerable.Range(1, 3000).Select(i => new ColdItem { Id = i, Group = i % 13, Name = "item " + (i * 7919 % 3001) }).ToList();
    private readonly ChunkReadRecorder _files = new();

    public AsyncChunkLoadTests()
    {
        using var db = ZgDatabase.Open<ColdDb>(_directory, new ZgDbOptions { ChunkDocuments = ChunkDocuments });
        db.Items.InsertMany(_items.Select(i => new ColdItem { Id = i.Id, Group = i.Group, Name = i.Name }));
    }

    public void Dispose()
    {
        try { Directory.Delete(_directory, recursive: true); } catch (IOException) { }
    }

    private int ChunkFiles => Directory.GetFiles(Path.Combine(_directory, "chunks"), "*.zgc").Length;

    private ColdDb OpenCold(long cacheBytes = 512L << 20)
    {
        var db = ZgDatabase.Open<ColdDb>(_directory, new ZgDbOptions { ChunkDocuments = ChunkDocuments, ChunkCacheBytes = cacheBytes, FileSystem = _files });
        _files.Reset();
        return db;
    }

    [Fact]
    public async Task ToListAsync_over_a_cold_collection_awaits_every_chunk_load()
    {
        using var db = OpenCold();
        var expected = _items.Where(i => i.Name.StartsWith("item 1", StringComparison.Ordinal)).Select(i => i.Id).ToList();
        var actual = await db.Items.Where(i => i.Name.StartsWith("item 1", StringComparison.Ordinal)).ToListAsync();
        Assert.Equal(expected, actual.Select(i => i.Id).ToList());
        Assert.Equal(0, _files.SynchronousChunkReads);
        Assert.Equal(ChunkFiles, _files.AwaitedChunkReads);
        Assert.True(ChunkFiles > 50, $"{ChunkFiles} chunk files");
    }

    [Fact]
    public async Task An_await_foreach_over_a_cold_collection_awaits_its_first_chunk_and_reads_ahead_for_the_rest()
    {
        using var db = OpenCold();
        var streamed = new List<int>();
        await foreach (var item in db.Items.OrderBy(i => i.Id).AsAsyncEnumerable()) streamed.Add(item.Id);
        Assert.Equal(_items.Select(i => i.Id).ToList(), streamed);
        Assert.Equal(0, _files.SynchronousChunkReads);
        Assert.Equal(ChunkFiles, _files.AwaitedChunkReads);
    }

    [Fact]
    public async Task A_plain_await_foreach_past_its_first_row_reads_ahead()
    {
        using var db = OpenCold(cacheBytes: 1); // the restart's prefetch is one chunk: everything after the first row is read-ahead
        int count = 0;
        long sum = 0;
        await foreach (var item in db.Items.AsAsyncEnumerable())
        {
            count++;
            sum += item.Id;
        }
        Assert.Equal(_items.Count, count);
        Assert.Equal(_items.Sum(i => (long)i.Id), sum);
        Assert.Equal(0, _files.SynchronousChunkReads);
    }

    [Fact]
    public async Task Scalar_and_element_operators_on_a_cold_database_await_their_loads()
    {
        using (var db = OpenCold())
        {
            Assert.Equal(_items.Count(i => i.Name.EndsWith('7')), await db.Items.CountAsync(i => i.Name.EndsWith('7')));
            Assert.Equal(0, _files.SynchronousChunkReads);
        }
        using (var db = OpenCold())
        {
            var id = 2222;
            Assert.Equal(_items.First(i => i.Id == id).Name, (await db.Items.FirstOrDefaultAsync(i => i.Id == id))!.Name);
            Assert.Equal(0, _files.SynchronousChunkReads);
            Assert.Equal(1, _files.AwaitedChunkReads); // the key's one chunk
        }
        using (var db = OpenCold())
        {
            Assert.Equal(_items.Max(i => i.Name), await db.Items.MaxAsync(i => i.Name));
            Assert.Equal(_items.Where(i => i.Group == 5).Sum(i => i.Id), await db.Items.Where(i => i.Group == 5).SumAsync(i => i.Id));
            Assert.Equal(_items.Any(i => i.Name == "item 42"), await db.Items.AnyAsync(i => i.Name == "item 42"));
        }
    }

    [Fact]
    public async Task ForEachAsync_over_a_cold_collection_runs_its_action_once_per_row_and_awaits_every_load()
    {
        using var db = OpenCold(cacheBytes: 1); // every chunk after the first is a miss met after actions have run
        var seen = new List<int>();
        await db.Items.Where(i => i.Group != 0).ForEachAsync(item => seen.Add(item.Id));
        Assert.Equal(_items.Where(i => i.Group != 0).Select(i => i.Id).ToList(), seen); // a restart would repeat actions
        Assert.Equal(0, _files.SynchronousChunkReads);
    }

    [Fact]
    public void A_synchronous_query_reads_its_chunks_on_its_thread()
    {
        using var db = OpenCold();
        Assert.Equal(_items.Count, db.Items.ToList().Count);
        Assert.Equal(ChunkFiles, _files.SynchronousChunkReads);
        Assert.Equal(0, _files.AwaitedChunkReads);
    }

    [Fact]
    public async Task A_warm_cache_completes_async_operators_synchronously()
    {
        using var db = OpenCold();
        await db.Items.ToListAsync();
        _files.Reset();
        var task = db.Items.Where(i => i.Group == 3).ToListAsync();
        Assert.True(task.IsCompletedSuccessfully);
        Assert.Equal(_items.Count(i => i.Group == 3), task.Result.Count);
        Assert.Equal(0, _files.SynchronousChunkReads + _files.AwaitedChunkReads);
    }

    [Fact]
    public async Task Cancelling_while_a_chunk_load_is_awaited_cancels_the_query_and_the_database_goes_on()
    {
        using var db = OpenCold();
        using var cancel = new CancellationTokenSource();
        _files.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var query = db.Items.ToListAsync(cancel.Token);
        Assert.False(query.IsCompleted); // waiting on the held read
        cancel.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => query);
        _files.Gate = null;
        Assert.Equal(_items.Count, (await db.Items.ToListAsync()).Count);
    }

    [Fact]
    public async Task With_a_cache_smaller_than_the_data_async_answers_stay_equal_to_LINQ_to_Objects()
    {
        using var db = OpenCold(cacheBytes: 64 << 10);
        Assert.Equal(_items.Where(i => i.Group == 4).Select(i => i.Id).ToList(), (await db.Items.Where(i => i.Group == 4).ToListAsync()).Select(i => i.Id).ToList());
        Assert.Equal(_items.Count(i => i.Id % 3 == 0), await db.Items.CountAsync(i => i.Id % 3 == 0));
        Assert.Equal(_items.OrderByDescending(i => i.Name).Take(5).Select(i => i.Id).ToList(),
            (await db.Items.OrderByDescending(i => i.Name).Take(5).ToListAsync()).Select(i => i.Id).ToList());
    }
}
