using System.Buffers.Binary;
using System.IO.Hashing;
using System.Reflection;
using System.Text.RegularExpressions;
using ZgDb.Storage.IO;
using Xunit;

namespace ZgDb.Reliability;

/// <summary>
/// The error catalog as a contract (issue 16, section 4), on real files: each kind of damage gives
/// <see cref="ZgDbCorruptFileException"/> with its <see cref="ZgDbCorruptionReason"/>, the file and the offset; a file
/// of another format version gives <see cref="ZgDbUnsupportedVersionException"/> (not corruption); a held lock is told
/// from a lock file that cannot be opened; I/O failures reach the caller as <see cref="ZgDbIOException"/> with the
/// operating system's error inside; and every catalog type is documented in docs/ERRORS.md.
/// </summary>
public sealed class ErrorCatalogTests
{
    // Manual checkpoints and none on dispose: the WAL segment after the checkpoint stays on disk for the tests to edit.
    private static ZgDbOptions Options => new()
    {
        Checkpoint = new CheckpointPolicy { MaxChangedDocuments = int.MaxValue, MaxWalBytes = long.MaxValue, OnDispose = false },
        ChunkCacheBytes = 1,
    };

    /// <summary>A database with a checkpoint (chunk files, an index file, a manifest) and WAL records after it.</summary>
    private static string Build(TempDir dir)
    {
        var path = dir.Sub("db");
        using var db = ZgDatabase.Open<CrashDb>(path, Options);
        for (int i = 1; i <= 20; i++) db.Accounts.Insert(new Account { Id = i, Owner = "owner " + i });
        for (int i = 1; i <= 20; i++) db.Events.Insert(new Event { Id = "e" + i, Group = i % 3, Payload = "p" });
        db.Checkpoint();
        db.Accounts.Insert(new Account { Id = 100, Owner = "after the checkpoint" });
        db.FlushAsync().GetAwaiter().GetResult();
        return path;
    }

    private static string ChunkOf(string db, string collection) =>
        Directory.GetFiles(Path.Combine(db, "chunks"), collection + "-*.zgc").Order(StringComparer.Ordinal).Last();

    private static string IndexFileOf(string db) =>
        Directory.GetFiles(Path.Combine(db, "chunks"), "Events-i*.zgi").Order(StringComparer.Ordinal).Last();

    private static string ManifestOf(string db) =>
        Directory.GetFiles(db, "manifest-*.zgm").Order(StringComparer.Ordinal).Last();

    private static string WalSegmentOf(string db) =>
        Directory.GetFiles(Path.Combine(db, "wal"), "*.zgw").Order(StringComparer.Ordinal).Last();

    /// <summary>Opens the database and reads everything: every chunk, the index file, the WAL.</summary>
    private static void OpenAndReadAll(string db)
    {
        using var opened = ZgDatabase.Open<CrashDb>(db, Options);
        _ = opened.Accounts.AsEnumerable().Count();
        _ = opened.Events.AsEnumerable().Count();
        _ = opened.Events.Store.Snapshot().GetIndex(opened.GroupIndex)!.RangeEntries([], null, null, false).Count();
    }

    private static ZgDbCorruptFileException Corrupt(string db, string file, ZgDbCorruptionReason reason, long offset)
    {
        var e = Assert.Throws<ZgDbCorruptFileException>(() => OpenAndReadAll(db));
        Assert.Equal(reason, e.Reason);
        Assert.Equal(Path.GetFullPath(file), Path.GetFullPath(e.File));
        Assert.Equal(offset, e.Offset);
        Assert.Equal($"Corrupt file '{e.File}' at offset {e.Offset}: {e.Detail}", e.Message);
        return e;
    }

    [Fact]
    public void A_chunk_file_with_bad_magic_is_corrupt_with_reason_BadMagic_at_offset_0()
    {
        using var dir = TempDir.Create("errors-magic");
        var db = Build(dir);
        var chunk = ChunkOf(db, "Accounts");
        var bytes = File.ReadAllBytes(chunk);
        bytes[0] ^= 0xFF;
        File.WriteAllBytes(chunk, bytes);
        Corrupt(db, chunk, ZgDbCorruptionReason.BadMagic, 0);
    }

    [Fact]
    public void A_chunk_body_byte_flipped_is_corrupt_with_reason_Checksum_at_the_body()
    {
        using var dir = TempDir.Create("errors-checksum");
        var db = Build(dir);
        var chunk = ChunkOf(db, "Accounts");
        var bytes = File.ReadAllBytes(chunk);
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(6));
        bytes[^1] ^= 0x01;
        File.WriteAllBytes(chunk, bytes);
        Corrupt(db, chunk, ZgDbCorruptionReason.Checksum, headerLength);
    }

    [Fact]
    public void A_chunk_file_cut_short_is_corrupt_with_reason_Truncated_at_the_body()
    {
        using var dir = TempDir.Create("errors-truncated");
        var db = Build(dir);
        var chunk = ChunkOf(db, "Accounts");
        var bytes = File.ReadAllBytes(chunk);
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(6));
        File.WriteAllBytes(chunk, bytes[..^3]);
        Corrupt(db, chunk, ZgDbCorruptionReason.Truncated, headerLength);
    }

    [Fact]
    public void An_index_file_body_byte_flipped_is_corrupt_with_reason_Checksum()
    {
        using var dir = TempDir.Create("errors-index-checksum");
        var db = Build(dir);
        var index = IndexFileOf(db);
        var bytes = File.ReadAllBytes(index);
        bytes[^1] ^= 0x01;
        File.WriteAllBytes(index, bytes);
        Corrupt(db, index, ZgDbCorruptionReason.Checksum, 48);
    }

    [Fact]
    public void A_chunk_file_the_manifest_lists_that_is_gone_is_corrupt_with_reason_Missing()
    {
        using var dir = TempDir.Create("errors-missing");
        var db = Build(dir);
        var chunk = ChunkOf(db, "Accounts");
        File.Delete(chunk);
        Corrupt(db, chunk, ZgDbCorruptionReason.Missing, 0);
    }

    /// <summary>A damaged version byte fails the checksum that covers it: corruption, not a "newer version".</summary>
    [Fact]
    public void A_damaged_version_byte_is_corruption_not_an_unsupported_version()
    {
        using var dir = TempDir.Create("errors-version-damaged");
        var db = Build(dir);
        var chunk = ChunkOf(db, "Accounts");
        var bytes = File.ReadAllBytes(chunk);
        int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(6));
        bytes[4] = 2;
        File.WriteAllBytes(chunk, bytes);
        Corrupt(db, chunk, ZgDbCorruptionReason.Checksum, headerLength - 8);
    }

    public static TheoryData<string> FileKinds => new() { "chunk", "index", "manifest", "WAL" };

    /// <summary>
    /// A sound file of format version 2 (the version field set and the checksum that covers it recomputed, as a newer
    /// ZgDb would write it) is refused as unsupported, naming the file, the version found and the versions read.
    /// </summary>
    [Theory]
    [MemberData(nameof(FileKinds))]
    public void A_sound_file_of_a_newer_format_version_is_unsupported_not_corrupt(string kind)
    {
        using var dir = TempDir.Create("errors-version-" + kind.ToLowerInvariant());
        var db = Build(dir);
        var file = kind switch
        {
            "chunk" => ChunkOf(db, "Accounts"),
            "index" => IndexFileOf(db),
            "manifest" => ManifestOf(db),
            _ => WalSegmentOf(db),
        };
        var bytes = File.ReadAllBytes(file);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(4), 2);
        switch (kind)
        {
            case "chunk":
                int headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(6));
                BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(headerLength - 8), XxHash64.HashToUInt64(bytes.AsSpan(0, headerLength - 8)));
                break;
            case "index":
                BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(40), XxHash64.HashToUInt64(bytes.AsSpan(0, 40)));
                break;
            case "manifest":
                var hash = new XxHash64();
                hash.Append(bytes.AsSpan(0, 24));
                hash.Append(bytes.AsSpan(32));
                BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(24), hash.GetCurrentHashAsUInt64());
                break;
            default:
                BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(24), XxHash64.HashToUInt64(bytes.AsSpan(0, 24)));
                break;
        }
        File.WriteAllBytes(file, bytes);

        var e = Assert.Throws<ZgDbUnsupportedVersionException>(() => OpenAndReadAll(db));
        Assert.Equal(Path.GetFullPath(file), Path.GetFullPath(e.File));
        Assert.Equal(kind, e.Format);
        Assert.Equal(2, e.FoundVersion);
        Assert.Equal([1], e.SupportedVersions);
        Assert.Contains($"'{e.File}' at offset 4", e.Message);
        Assert.Contains("version 2 is not supported", e.Message);
    }

    [Fact]
    public void A_lock_held_by_another_opener_is_ZgDbLockedException()
    {
        using var dir = TempDir.Create("errors-lock-held");
        using var first = ZgDatabase.Open<CrashDb>(dir.Path, Options);
        var e = Assert.Throws<ZgDbLockedException>(() => ZgDatabase.Open<CrashDb>(dir.Path, Options).Dispose());
        Assert.Equal(Path.Combine(Path.GetFullPath(dir.Path), LockFile.FileName), e.LockFile);
    }

    /// <summary>
    /// Before, every failure to open <c>zgdb.lock</c> was reported as "the database is in use". A lock path that
    /// cannot be opened at all (here a directory stands where the file goes, which fails as root too) is an I/O
    /// error, not a held lock: <see cref="ZgDbIOException"/> naming the lock file, with .NET's error inside.
    /// </summary>
    [Fact]
    public void A_lock_file_that_cannot_be_opened_is_an_IO_error_not_a_held_lock()
    {
        using var dir = TempDir.Create("errors-lock-io");
        var lockPath = Path.Combine(Path.GetFullPath(dir.Path), LockFile.FileName);
        Directory.CreateDirectory(lockPath);
        var e = Assert.Throws<ZgDbIOException>(() => ZgDatabase.Open<CrashDb>(dir.Path, Options).Dispose());
        Assert.Equal(lockPath, e.Path);
        Assert.True(e.InnerException is IOException or UnauthorizedAccessException, $"inner: {e.InnerException}");
        Assert.Contains(lockPath, e.Message);
        // Nothing was held: once the path is free, the database opens.
        Directory.Delete(lockPath);
        ZgDatabase.Open<CrashDb>(dir.Path, Options).Dispose();
    }

    /// <summary>An I/O failure during open (the <c>wal</c> directory's name taken by a file) wraps the inner exception.</summary>
    [Fact]
    public void An_IO_failure_during_open_is_ZgDbIOException_with_the_inner_exception()
    {
        using var dir = TempDir.Create("errors-open-io");
        var db = dir.Sub("db");
        Directory.CreateDirectory(Path.Combine(db, "chunks"));
        File.WriteAllText(Path.Combine(db, "wal"), "not a directory");
        var e = Assert.Throws<ZgDbIOException>(() => ZgDatabase.Open<CrashDb>(db, Options).Dispose());
        Assert.Equal(Path.GetFullPath(db), e.Path);
        Assert.Equal("open the database", e.Operation);
        Assert.True(e.InnerException is IOException or UnauthorizedAccessException, $"inner: {e.InnerException}");
        // The lock was released: with the file gone the database opens.
        File.Delete(Path.Combine(db, "wal"));
        ZgDatabase.Open<CrashDb>(db, Options).Dispose();
    }

    /// <summary>A chunk file that cannot be read (a directory stands in its place) is an I/O error naming it, not corruption.</summary>
    [Fact]
    public void A_failed_read_of_a_chunk_file_is_ZgDbIOException_naming_the_file()
    {
        using var dir = TempDir.Create("errors-read-io");
        var db = Build(dir);
        var chunk = ChunkOf(db, "Accounts");
        File.Delete(chunk);
        Directory.CreateDirectory(chunk);
        using var opened = ZgDatabase.Open<CrashDb>(db, Options);
        var e = Assert.Throws<ZgDbIOException>(() => opened.Accounts.AsEnumerable().Count());
        Assert.Equal(chunk, e.Path);
        Assert.Equal("read the chunk file", e.Operation);
        Assert.True(e.InnerException is IOException or UnauthorizedAccessException, $"inner: {e.InnerException}");
    }

    /// <summary>
    /// Every error type of the public assemblies (each type deriving from <see cref="ZgDbException"/>) and every
    /// corruption reason has its section in docs/ERRORS.md: adding one without documenting it fails here.
    /// </summary>
    [Fact]
    public void Every_catalog_exception_type_and_corruption_reason_is_documented_in_ERRORS_md()
    {
        var doc = File.ReadAllText(ErrorsDoc());
        var assemblies = new[] { typeof(ZgDbException).Assembly, typeof(ZgDatabase).Assembly, typeof(ZgDbOptions).Assembly };
        var types = assemblies.SelectMany(a => a.GetExportedTypes())
            .Where(t => typeof(ZgDbException).IsAssignableFrom(t)).Distinct().ToList();
        Assert.Contains(typeof(ZgDbIOException), types);
        var undocumented = types.Where(t => !Regex.IsMatch(doc, $@"^#+ `{Regex.Escape(t.Name)}`", RegexOptions.Multiline)).Select(t => t.Name).ToList();
        Assert.True(undocumented.Count == 0, "docs/ERRORS.md has no '### `Type`' section for: " + string.Join(", ", undocumented));
        var reasons = Enum.GetNames<ZgDbCorruptionReason>().Where(r => !doc.Contains($"`{r}`", StringComparison.Ordinal)).ToList();
        Assert.True(reasons.Count == 0, "docs/ERRORS.md does not describe the corruption reasons: " + string.Join(", ", reasons));
    }

    private static string ErrorsDoc()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            var candidate = Path.Combine(d.FullName, "docs", "ERRORS.md");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("docs/ERRORS.md not found above " + AppContext.BaseDirectory);
    }
}
