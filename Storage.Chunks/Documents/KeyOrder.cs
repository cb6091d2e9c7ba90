namespace ZgDb.Storage.Documents;

/// <summary>
/// The one order of key values, for the typed engine and the untyped tools alike: strings ordinally, byte arrays by
/// content (<see cref="KeyKinds.CompareBytes"/>), everything else (numbers, enums, Guids, dates, chars, bools) by
/// its own CompareTo, null first. The rule itself is <see cref="CompositeKey.ComparePart"/> (a composite key orders
/// its parts by it); the engine's typed comparers (<see cref="For{TKey}"/>, <see cref="KeyCodec{TKey}.Comparer"/>) are
/// the same rule for one CLR key type, and the untyped reader's <c>StoredKey</c> compares its values by <see cref="Compare"/>.
/// </summary>
internal static class KeyOrder
{
    /// <summary>Orders two key values (or two parts of one key position) of the same kind; null before every value.</summary>
    public static int Compare(object? a, object? b) =>
        a is null || b is null ? (a is null ? 0 : 1) - (b is null ? 0 : 1) : CompositeKey.ComparePart(a, b);

    /// <summary>The order as a typed comparer for keys of <paramref name="kind"/> (a composite key: <see cref="CompositeKey.CompareTo(CompositeKey)"/>).</summary>
    public static IComparer<TKey> For<TKey>(KeyKind kind) => kind switch
    {
        KeyKind.String => (IComparer<TKey>)(object)StringComparer.Ordinal,
        KeyKind.Bytes => (IComparer<TKey>)(object)ByteKeyComparer.Instance,
        _ => Comparer<TKey>.Default,
    };
}
