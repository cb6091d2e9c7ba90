namespace ZgDb.Storage.Engine;

/// <summary>
/// The rule for the next int/long key to assign (<see cref="CollectionState.NextKey"/>): one more than the largest
/// numeric key ever stored, so keys are monotonic and never reused, even after deletes and restarts.
/// </summary>
internal static class AutoKeys
{
    /// <summary>The next key once every key has been handed out (a key of long.MaxValue was stored): nothing is left.</summary>
    public const long Exhausted = long.MinValue;

    /// <summary>The next key to assign after <paramref name="stored"/> was stored; never wraps around.</summary>
    public static long Advance(long nextKey, long stored) =>
        nextKey == Exhausted || stored < nextKey ? nextKey : stored == long.MaxValue ? Exhausted : stored + 1;
}
