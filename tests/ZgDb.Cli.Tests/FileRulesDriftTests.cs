using System.IO.Hashing;
using System.Text;
using ZgDb.Storage.Format;
using ZgDb.Storage.Indexes;

namespace ZgDb.Cli.Tests;

/// <summary>
/// The CLI's untyped tools (backup, verify) and the engine read the same files by the same rules (issue 16 §1): each
/// test is a case where the two disagreed.
/// </summary>
public sealed class FileRulesDriftTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void Backup_failed_on_a_newest_manifest_with_a_valid_checksum_and_invalid_json()
    {
        var db = _temp["db"];
        Data.Seed(db);
        var expected = Data.Snapshot(db);
        // A newest generation whose checksum holds but whose body is not a manifest: opening falls back to the previous one.
        var newest = Directory.GetFiles(db, "manifest-*.zgm").Order(StringComparer.Ordinal).Last();
        long generation = long.Parse(Path.GetFileNameWithoutExtension(newest)["manifest-".Length..]) + 1;
        File.WriteAllBytes(Path.Combine(db, ManifestLayout.FileName(generation)), ManifestLayout.Encode(generation, "{ not json"u8));
        Assert.Equal(expected, Data.Snapshot(db));

        var backup = _temp["backup"];
        var result = Tool.Run("backup", db, backup);
        Assert.True(result.Code == 0, result.ToString());
        Assert.Equal(expected, Data.Snapshot(backup));
    }

    [Fact]
    public void Verify_checked_less_of_an_index_file_than_the_engine_reads()
    {
        var db = _temp["db"];
        Data.Seed(db);
        var index = Directory.GetFiles(Path.Combine(db, "chunks"), "*.zgi").Order(StringComparer.Ordinal).First();
        // Valid checksums and lengths, but the decompressed body holds a byte after its last entry.
        var data = File.ReadAllBytes(index);
        var header = IndexHeader.Validate(data, index, BitConverter.ToUInt64(data, IndexHeader.IdentityOffset), BitConverter.ToUInt16(data, 6));
        var raw = new byte[header.RawLength + 1];
        using (var decompressor = new ZstdSharp.Decompressor())
            decompressor.Unwrap(data.AsSpan(IndexHeader.Length), raw);
        byte[] compressed;
        using (var compressor = new ZstdSharp.Compressor(IndexFile.CompressionLevel))
            compressed = compressor.Wrap(raw).ToArray();
        var rewritten = new byte[IndexHeader.Length + compressed.Length];
        (header with { RawLength = raw.Length, CompressedLength = compressed.Length, BodyHash = XxHash64.HashToUInt64(compressed) }).Write(rewritten);
        compressed.CopyTo(rewritten, IndexHeader.Length);
        File.WriteAllBytes(index, rewritten);
        // The engine's IndexFile.Read refuses such a file ("N bytes follow the last entry"); verify must too, naming the file.
        var result = Tool.Run("verify", db);
        Assert.NotEqual(0, result.Code);
        Assert.Contains(Path.GetFileName(index), result.ToString());
        Assert.Contains("follow the last entry", result.ToString());
    }

    [Fact]
    public void Backup_copied_a_damaged_wal_cut_short_where_opening_refuses_it()
    {
        var db = _temp["db"];
        Data.Seed(db);
        // The first record after the checkpoint is damaged, and records of a later flush follow: corruption, not a torn tail.
        var segment = Directory.GetFiles(Path.Combine(db, "wal"), "*.zgw").Order(StringComparer.Ordinal).Last();
        var bytes = File.ReadAllBytes(segment);
        bytes[WalLayout.SegmentHeaderLength + WalLayout.RecordHeaderLength + 2] ^= 0x40;
        File.WriteAllBytes(segment, bytes);
        Assert.Throws<ZgDbCorruptFileException>(() => Data.Snapshot(db));

        // The backup must refuse it too, naming the segment, instead of copying a log that silently lost acknowledged writes.
        var backup = _temp["backup"];
        var result = Tool.Run("backup", db, backup);
        Assert.NotEqual(0, result.Code);
        Assert.Contains(Path.GetFileName(segment), result.Error);
        Assert.False(Directory.Exists(backup) && Directory.EnumerateFileSystemEntries(backup).Any());
    }

    [Fact]
    public void Verify_and_the_engine_held_a_chunk_body_to_their_own_rules_in_their_own_words()
    {
        var db = _temp["db"];
        Data.Seed(db);
        // A sound file (header, checksum, length) whose documents are out of key order: the first two swapped.
        var chunk = Directory.GetFiles(Path.Combine(db, "chunks"), "Customers-*.zgc").Order(StringComparer.Ordinal).First();
        var fs = ZgDb.Storage.IO.PhysicalFileSystem.Instance;
        var (header, raw) = ZgDb.Storage.Chunks.ChunkFile.ReadRaw(fs, chunk);
        var documents = System.Text.Json.JsonDocument.Parse(raw).RootElement.EnumerateArray().Select(d => d.GetRawText()).ToList();
        (documents[0], documents[1]) = (documents[1], documents[0]);
        File.Delete(chunk);
        ZgDb.Storage.Chunks.ChunkFile.WriteRaw(fs, chunk, header.Collection, header.DocumentCount, Encoding.UTF8.GetBytes("[" + string.Join(",", documents) + "]"),
            header.MinKeyJson, header.MaxKeyJson);

        // The engine refuses it (both checks run once, in Chunks/ChunkBodyRules) ...
        var engine = Assert.Throws<ZgDbCorruptFileException>(() => Data.Snapshot(db));
        Assert.Equal(ZgDbCorruptionReason.Malformed, engine.Reason);
        Assert.Equal(header.Length, engine.Offset);
        Assert.Equal("document 1 is out of key order.", engine.Detail);
        // ... and verify reports the same problem, at the same offset, in the same words
        var result = Tool.Run("verify", db);
        Assert.NotEqual(0, result.Code);
        Assert.Contains(Path.GetFileName(chunk), result.ToString());
        Assert.Contains("document 1 is out of key order.", result.ToString());
    }
}
