using ZgDb.Storage.Format;

namespace ZgDb.Storage.Chunks;

/// <summary>
/// Where a chunk body check reports what is wrong: the engine throws on the first problem
/// (<see cref="ChunkBodyRules.Throw"/>), the tools' verify collects every one.
/// </summary>
internal interface IChunkProblems
{
    /// <summary>One problem in the chunk file, at <paramref name="offset"/>.</summary>
    void Problem(long offset, ZgDbCorruptionReason reason, string detail, string? key = null);
}

/// <summary>
/// The rules a decoded chunk body is held to, once for every reader: the engine's typed <see cref="ChunkFile.Read{TKey,T}"/>
/// and the tools' untyped <c>Inspection/ChunkChecks</c> (documents as JSON). The chunk belongs to its collection, the
/// header's document count is the body's, the documents are in strictly ascending key order, and the header's key
/// range is the first and last document's. Same checks, same offsets, same wording in both.
/// </summary>
internal static class ChunkBodyRules
{
    /// <summary>A sink that throws the first problem as <see cref="ZgDbCorruptFileException"/> naming <paramref name="path"/>.</summary>
    public static IChunkProblems Throw(string path) => new Throwing(path);

    /// <summary>Whether the chunk belongs to <paramref name="collection"/> (else reported: nothing else of it can be trusted).</summary>
    public static bool BelongsTo(ChunkHeader header, string collection, IChunkProblems problems)
    {
        if (header.Collection == collection) return true;
        problems.Problem(ChunkHeader.FixedLength, ZgDbCorruptionReason.Malformed, $"the chunk belongs to collection '{header.Collection}', not '{collection}'.");
        return false;
    }

    /// <summary>Whether the body holds the documents the header counts (and at least one).</summary>
    public static bool CountMatches(ChunkHeader header, int documents, IChunkProblems problems)
    {
        if (documents == header.DocumentCount && documents > 0) return true;
        problems.Problem(8, ZgDbCorruptionReason.Malformed, $"the header says {header.DocumentCount} documents but the body holds {documents}.");
        return false;
    }

    /// <summary>Whether document <paramref name="index"/>'s key (<paramref name="current"/>) comes strictly after the one before it (<paramref name="previous"/>).</summary>
    public static bool InOrder<TKey>(TKey previous, TKey current, int index, Comparison<TKey> compare, ChunkHeader header, IChunkProblems problems, string? keyText = null)
    {
        if (compare(previous, current) < 0) return true;
        problems.Problem(header.Length, ZgDbCorruptionReason.Malformed, $"document {index} is out of key order.", keyText);
        return false;
    }

    /// <summary>
    /// Whether the header's key range (<paramref name="min"/>, <paramref name="max"/>; <paramref name="decodes"/> false
    /// when they do not decode as keys) is the documents' first and last key.
    /// </summary>
    public static bool RangeMatches<TKey>(TKey first, TKey last, bool decodes, TKey min, TKey max, Comparison<TKey> compare, IChunkProblems problems)
    {
        if (decodes && compare(first, min) == 0 && compare(last, max) == 0) return true;
        problems.Problem(ChunkHeader.FixedLength, ZgDbCorruptionReason.Malformed, "the key range in the header does not match the documents.");
        return false;
    }

    private sealed class Throwing(string path) : IChunkProblems
    {
        public void Problem(long offset, ZgDbCorruptionReason reason, string detail, string? key = null) =>
            throw new ZgDbCorruptFileException(path, offset, reason, detail);
    }
}
