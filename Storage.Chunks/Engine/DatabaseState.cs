namespace ZgDb.Storage.Engine;

/// <summary>One immutable version of the whole database: a state per collection and the LSN it includes.</summary>
internal sealed class DatabaseState(CollectionState[] collections, long lsn, System.Collections.Immutable.ImmutableSortedDictionary<string, string>? metadata = null)
{
    public CollectionState[] Collections { get; } = collections;
    public long Lsn { get; } = lsn;

    /// <summary>Database-wide entries written atomically with data (the schema version of explicit migrations).</summary>
    public System.Collections.Immutable.ImmutableSortedDictionary<string, string> Metadata { get; } =
        metadata ?? System.Collections.Immutable.ImmutableSortedDictionary.Create<string, string>(StringComparer.Ordinal);
}
