namespace ZgDb.Storage.Inspection;

/// <summary>What the WAL directory holds.</summary>
internal sealed record WalSegmentInfo(string File, long Bytes, long FirstLsn);
