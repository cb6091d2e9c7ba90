using System.Runtime.CompilerServices;
using ZgDb.Storage.Indexes;

namespace ZgDb.Linq.Tests;

/// <summary>
/// A stand-in secondary index for tests, built by scanning a snapshot: the documented semantics of
/// <see cref="IIndexSnapshot"/> (null first, strings ordinal, other values by their own comparer, then primary key).
/// Used only while the engine's GetIndex returns null, so the planner's index paths are exercised anyway.
/// </summary>
internal sealed class ScanIndex : IIndexSnapshot
{
    private static readonly ConditionalWeakTable<object, Dictionary<string, ScanIndex>> Built = new();
    private readonly (object?[] Values, object Key)[] _entries;
    private readonly Comparison<object> _keys;

    public static IIndexSnapshot? Source(object snapshot, string name)
    {
        dynamic s = snapshot;
        object state = s.State;
        EntityType entity = s.Entity;
        var index = entity.Indexes.FirstOrDefault(i => i.Name == name);
        if (index is null) return null;
        var cache = Built.GetOrCreateValue(state);
        lock (cache)
        {
            if (cache.Count == 0)
            {
                // every index of the collection at once, from one scan (so later queries load no chunk to build one)
                var documents = ((IEnumerable<object>)s.Scan()).ToList();
                foreach (var each in entity.Indexes)
                    cache[each.Name] = new ScanIndex(each, entity, documents, d => (object)s.KeyOf((dynamic)d));
            }
            return cache[name];
        }
    }

    private ScanIndex(EntityIndex index, EntityType entity, IEnumerable<object> documents, Func<object, object> keyOf)
    {
        Index = index;
        _keys = entity.KeyKind == KeyKind.String ? (a, b) => string.CompareOrdinal((string)a, (string)b) : (a, b) => Comparer<object>.Default.Compare(a, b);
        _entries = documents.Select(d => (index.Properties.Select(p => p.GetValue(d)).ToArray(), keyOf(d))).ToArray();
        Array.Sort(_entries, (a, b) => Compare(a.Values, b.Values, a.Values.Length) is var c && c != 0 ? c : _keys(a.Key, b.Key));
    }

    public EntityIndex Index { get; }
    public long Count => _entries.Length;

    private static int CompareValue(object? a, object? b)
    {
        if (a is null) return b is null ? 0 : -1;
        if (b is null) return 1;
        if (a is string x && b is string y) return string.CompareOrdinal(x, y);
        if (a.GetType() != b.GetType() && a.GetType().IsEnum) b = Enum.ToObject(a.GetType(), b);
        return Comparer<object>.Default.Compare(a, b);
    }

    private static int Compare(object?[] a, object?[] b, int length)
    {
        for (int i = 0; i < length; i++)
            if (CompareValue(a[i], b[i]) is var c && c != 0) return c;
        return 0;
    }

    private IEnumerable<(object?[] Values, object Key)> Matching(object?[] prefix, IndexBound? lower, IndexBound? upper)
    {
        foreach (var entry in _entries)
        {
            if (Compare(entry.Values, prefix, prefix.Length) != 0) continue;
            var v = entry.Values[prefix.Length < entry.Values.Length ? prefix.Length : 0];
            if (lower is { } lo && (CompareValue(v, lo.Value) is var c1 && (c1 < 0 || c1 == 0 && !lo.Inclusive))) continue;
            if (upper is { } hi && (CompareValue(v, hi.Value) is var c2 && (c2 > 0 || c2 == 0 && !hi.Inclusive))) continue;
            yield return entry;
        }
    }

    public IEnumerable<object> Range(object?[] prefix, IndexBound? lower, IndexBound? upper, bool descending)
    {
        var keys = Matching(prefix, lower, upper).Select(e => e.Key);
        return descending ? keys.Reverse() : keys;
    }

    public long CountRange(object?[] prefix, IndexBound? lower, IndexBound? upper) => Matching(prefix, lower, upper).LongCount();
}
