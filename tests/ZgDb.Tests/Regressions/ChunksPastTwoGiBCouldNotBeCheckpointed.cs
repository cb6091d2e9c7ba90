using ZgDb.Storage.Chunks;
using ZgDb.Tests.Support;

namespace ZgDb.Tests.Regressions;

/// <summary>
/// Regression (issue 13, finding 8): chunks were sized by document count only, so 140 documents of 15.9 MiB (each
/// under the 16 MiB limit) made one chunk whose JSON passed 2 GiB: Checkpoint() and Dispose threw
/// OutOfMemoryException while later writes were accepted and the WAL grew without bound. Chunks are now sized by
/// bytes as well (ZgDbOptions.ChunkMaxBytes, 64 MiB), so a chunk holds at most that much JSON, or one larger document.
/// </summary>
public sealed class ChunksPastTwoGiBCouldNotBeCheckpointed
{
    public sealed class Blob
    {
        public int Id { get; set; }
        public string Text { get; set; } = "";
    }

    public sealed class BlobDb : ZgDatabase
    {
        public ZgCollection<Blob> Blobs => Collection<Blob>();
    }

    private static IEnumerable<(string File, long RawBytes, int Count)> Chunks(string dir) =>
        Directory.GetFiles(Path.Combine(dir, "chunks"), "*.zgc").Select(f =>
        {
            var (header, _) = ChunkFile.ReadRaw(Storage.IO.PhysicalFileSystem.Instance, f);
            return (f, (long)header.RawLength, header.DocumentCount);
        });

    [Fact]
    public void Large_documents_are_split_into_chunks_below_the_byte_limit_at_the_default_settings()
    {
        using var dir = new TempDirectory();
        var text = new string('x', (16 << 20) - 200); // just under MaxDocumentBytes (16 MiB), as in the finding
        // The default chunk limits; checkpoints only when asked. With the default policy a background checkpoint
        // could run during the inserts, and the previous generation's chunks (kept for a manifest fallback) were
        // counted with the new ones: 13 documents in chunks instead of 9, on a fast machine only.
        var options = new ZgDbOptions { Checkpoint = CheckpointPolicy.Manual };
        using (var db = ZgDatabase.Open<BlobDb>(dir.Path, options))
        {
            for (int i = 0; i < 9; i++) db.Blobs.Insert(new Blob { Text = text });
            db.Checkpoint();
        }
        var chunks = Chunks(dir.Path).ToList();
        Assert.All(chunks, c => Assert.InRange(c.RawBytes, 1, ChunkFile.DefaultMaxJsonBytes));
        Assert.Equal(9, chunks.Sum(c => c.Count));
        Assert.True(chunks.Count >= 3, $"{chunks.Count} chunks");
        using (var db = ZgDatabase.Open<BlobDb>(dir.Path, options))
        {
            Assert.Equal(9, db.Blobs.Count());
            Assert.All(db.Blobs.ToList(), b => Assert.Equal(text.Length, b.Text.Length));
        }
    }

    [Fact]
    public void Chunks_close_at_the_byte_limit_or_hold_one_larger_document_alone()
    {
        using var dir = new TempDirectory();
        var options = new ZgDbOptions { ChunkMaxBytes = 64 << 10, Checkpoint = CheckpointPolicy.Manual };
        var sizes = new[] { 10, 20, 30, 70, 5, 5, 5, 100, 1, 40 }.Select(k => k << 10).ToArray();
        using (var db = ZgDatabase.Open<BlobDb>(dir.Path, options))
        {
            db.Blobs.InsertMany(sizes.Select(n => new Blob { Text = new string('y', n) }));
            db.Checkpoint();
            // A second fold (an update in the middle) re-splits the touched chunk by the same rule.
            db.Blobs.Update(new Blob { Id = 3, Text = new string('z', 60 << 10) });
            db.Checkpoint();
        }
        var chunks = Chunks(dir.Path).ToList();
        using var reopened = ZgDatabase.Open<BlobDb>(dir.Path, options);
        Assert.Equal(sizes.Length, reopened.Blobs.Count());
        Assert.Equal(60 << 10, reopened.Blobs.Find(3)!.Text.Length);
        Assert.All(chunks.Where(c => c.Count > 1), c => Assert.InRange(c.RawBytes, 1, 64 << 10));
    }
}
