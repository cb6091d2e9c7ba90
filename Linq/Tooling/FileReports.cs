using ZgDb.Storage.Inspection;

namespace ZgDb.Tooling;

/// <summary>Something wrong (or worth a warning) that a read or a verification of the files found: the file and offset, the collection and key when known.</summary>
/// <remarks>An infrastructure API for ZgDb's tools (see <see cref="ZgDbTooling"/>).</remarks>
public sealed class FileProblem
{
    private readonly InspectionProblem _problem;

    internal FileProblem(InspectionProblem problem) => _problem = problem;

    /// <summary>The file's path (the database directory when the problem is not in one file).</summary>
    public string File => _problem.File;

    /// <summary>The byte offset in <see cref="File"/>, or -1 when none applies.</summary>
    public long Offset => _problem.Offset;

    /// <summary>The collection, when known.</summary>
    public string? Collection => _problem.Collection;

    /// <summary>The document's key as text, when known.</summary>
    public string? Key => _problem.Key;

    /// <summary>What is wrong.</summary>
    public string Message => _problem.Message;

    /// <summary>Whether this is only a warning (the database is still consistent).</summary>
    public bool IsWarning => _problem.IsWarning;

    /// <summary>One line: <c>error: file @offset [collection key k]: message</c>.</summary>
    public override string ToString() => _problem.ToString();
}

/// <summary>The result of <see cref="DatabaseDirectory.Verify"/>: every problem found and what was checked.</summary>
/// <remarks>An infrastructure API for ZgDb's tools (see <see cref="ZgDbTooling"/>).</remarks>
public sealed class VerificationReport
{
    internal VerificationReport(VerifyReport report)
    {
        Problems = [.. report.Problems.Select(p => new FileProblem(p))];
        Documents = report.Documents;
        Chunks = report.Chunks;
        IndexFiles = report.IndexFiles;
        WalRecords = report.WalRecords;
        Relationships = report.Relationships;
    }

    /// <summary>Errors and warnings, in the order found.</summary>
    public IReadOnlyList<FileProblem> Problems { get; }

    /// <summary>The problems that are errors (not warnings).</summary>
    public int ErrorCount => Problems.Count(p => !p.IsWarning);

    /// <summary>Documents read.</summary>
    public long Documents { get; }

    /// <summary>Chunk files checked.</summary>
    public int Chunks { get; }

    /// <summary>Index files checked.</summary>
    public int IndexFiles { get; }

    /// <summary>Write-ahead log records read.</summary>
    public int WalRecords { get; }

    /// <summary>Relationships whose foreign keys were checked.</summary>
    public int Relationships { get; }
}

/// <summary>The result of <see cref="DatabaseDirectory.Backup"/>: what the consistent copy holds.</summary>
/// <remarks>An infrastructure API for ZgDb's tools (see <see cref="ZgDbTooling"/>).</remarks>
public sealed class BackupReport
{
    internal BackupReport(BackupResult result)
    {
        ManifestGeneration = result.Generation;
        CheckpointLsn = result.CheckpointLsn;
        LastLsn = result.LastLsn;
        Chunks = result.Chunks;
        WalSegments = result.WalSegments;
        Bytes = result.Bytes;
        Attempts = result.Attempts;
    }

    /// <summary>The generation of the manifest copied.</summary>
    public long ManifestGeneration { get; }

    /// <summary>The checkpoint LSN of that manifest.</summary>
    public long CheckpointLsn { get; }

    /// <summary>The newest write-ahead log record copied.</summary>
    public long LastLsn { get; }

    /// <summary>Chunk files copied.</summary>
    public int Chunks { get; }

    /// <summary>Write-ahead log segments copied.</summary>
    public int WalSegments { get; }

    /// <summary>Bytes copied.</summary>
    public long Bytes { get; }

    /// <summary>Tries it took (more than 1 when an application's checkpoints deleted files before they could be opened).</summary>
    public int Attempts { get; }
}

/// <summary>One collection of a JSON Lines export or import.</summary>
/// <remarks>An infrastructure API for ZgDb's tools (see <see cref="ZgDbTooling"/>).</remarks>
public sealed class TransferredCollection
{
    internal TransferredCollection(string name, long documents, long bytes)
    {
        Name = name;
        Documents = documents;
        Bytes = bytes;
    }

    /// <summary>The collection.</summary>
    public string Name { get; }

    /// <summary>Documents written or read.</summary>
    public long Documents { get; }

    /// <summary>Bytes of its <c>.jsonl</c> file.</summary>
    public long Bytes { get; }
}

/// <summary>The result of <see cref="DatabaseDirectory.ExportJson"/> or <see cref="DatabaseDirectory.ImportJson"/>.</summary>
/// <remarks>An infrastructure API for ZgDb's tools (see <see cref="ZgDbTooling"/>).</remarks>
public sealed class TransferReport
{
    internal TransferReport(TransferResult result) =>
        Collections = [.. result.Collections.Select(c => new TransferredCollection(c.Collection, c.Documents, c.Bytes))];

    /// <summary>Per collection, in the order transferred.</summary>
    public IReadOnlyList<TransferredCollection> Collections { get; }

    /// <summary>Documents of every collection.</summary>
    public long Documents => Collections.Sum(c => c.Documents);
}

/// <summary>The result of <see cref="DatabaseDirectory.Checkpoint"/>: the files before and after.</summary>
/// <remarks>An infrastructure API for ZgDb's tools (see <see cref="ZgDbTooling"/>).</remarks>
public sealed class CheckpointReport
{
    internal CheckpointReport() { }

    /// <summary>False when there was nothing to do (a checkpoint with no change after the last one): no file was written.</summary>
    public bool Written { get; internal init; }

    /// <summary>The database's collections.</summary>
    public int Collections { get; internal init; }

    /// <summary>Documents in every collection.</summary>
    public long Documents { get; internal init; }

    /// <summary>Changes from the write-ahead log folded into chunks.</summary>
    public long Changes { get; internal init; }

    /// <summary>Collections whose chunks were rewritten.</summary>
    public int CollectionsRewritten { get; internal init; }

    /// <summary>Chunk files before.</summary>
    public int ChunksBefore { get; internal init; }

    /// <summary>Bytes of chunk files before.</summary>
    public long ChunkBytesBefore { get; internal init; }

    /// <summary>Chunk files after.</summary>
    public int ChunksAfter { get; internal init; }

    /// <summary>Bytes of chunk files after.</summary>
    public long ChunkBytesAfter { get; internal init; }

    /// <summary>Bytes of write-ahead log before.</summary>
    public long WalBytesBefore { get; internal init; }

    /// <summary>Bytes of write-ahead log after.</summary>
    public long WalBytesAfter { get; internal init; }

    /// <summary>The generation of the manifest written (the current one when nothing was written).</summary>
    public long ManifestGeneration { get; internal init; }

    /// <summary>The checkpoint LSN of the manifest written (the current one when nothing was written).</summary>
    public long CheckpointLsn { get; internal init; }
}
