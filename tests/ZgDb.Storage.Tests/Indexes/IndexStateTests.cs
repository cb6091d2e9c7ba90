using ZgDb.Storage.Engine;
using ZgDb.Storage.Indexes;
using Xunit;
using Xunit.Abstractions;

namespace ZgDb.Storage.Tests.Indexes;

/// <summary>The index state's algebra, without the engine: merged reads and the rebase a checkpoint does beside writers.</summary>
public sealed class IndexStateTests(ITestOutputHelper output)
{
    private static IndexEntryComparer<int> AgeComparer()
    {
        using var db = ZgDatabase.OpenInMemory<PeopleDb>();
        var store = (CollectionStore<int, Person>)db.Engine.Store<Person>();
        return store.Indexes.Definitions.Single(d => d.Name == "Age").Comparer;
    }

    /// <summary>Random adds and removes on a state, mirrored in <paramref name="truth"/> (key -> age).</summary>
    private static IndexState<int> Mutate(IndexState<int> state, SortedDictionary<int, int> truth, Random random, int steps)
    {
        for (int i = 0; i < steps; i++)
        {
            int key = random.Next(1, 60);
            if (truth.TryGetValue(key, out int age))
            {
                state = state.Remove(new IndexEntry<int>([age], key));
                truth.Remove(key);
                if (random.Next(2) == 0) continue;
            }
            int now = random.Next(0, 8);
            state = state.Add(new IndexEntry<int>([now], key));
            truth[key] = now;
        }
        return state;
    }

    private static void AssertEqual(SortedDictionary<int, int> truth, IndexState<int> state)
    {
        var want = truth.OrderBy(e => e.Value).ThenBy(e => e.Key).Select(e => (e.Value, e.Key)).ToList();
        Assert.Equal(want, state.All().Select(e => ((int)e.Values[0]!, e.Key)));
        Assert.Equal(want.Count, state.CountRange(IndexEntry<int>.Before([]), IndexEntry<int>.After([])));
        for (int age = 0; age < 8; age++)
            Assert.Equal(want.Where(w => w.Value == age).Select(w => w.Key).Reverse(), state.Keys(IndexEntry<int>.Before([age]), IndexEntry<int>.After([age]), true));
    }

    [Fact]
    public void Rebase_KeepsTheChangesMadeDuringTheCheckpoint()
    {
        int seed = Environment.TickCount;
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var comparer = AgeComparer();
        for (int round = 0; round < 300; round++)
        {
            var truth = new SortedDictionary<int, int>();
            var start = Mutate(IndexState<int>.Create(comparer, new IndexBaseSource<int>(IndexBase<int>.Empty(comparer), null, 0)), truth, random, 40);
            start = IndexState<int>.Create(comparer, new IndexBaseSource<int>(IndexBase<int>.FromSorted(comparer, start.All()), null, 0));
            var snapshot = Mutate(start, truth, random, random.Next(0, 30));
            AssertEqual(truth, snapshot);
            var snapshotTruth = new SortedDictionary<int, int>(truth);
            var newBase = new IndexBaseSource<int>(IndexBase<int>.FromSorted(comparer, snapshot.All()), null, 0);
            var now = Mutate(snapshot, truth, random, random.Next(0, 30)); // writers went on while the checkpoint ran
            var rebased = now.Rebase(snapshot, newBase);
            AssertEqual(truth, rebased);
            AssertEqual(snapshotTruth, IndexState<int>.Create(comparer, newBase));
            // invariants: nothing added is in the base, everything removed is
            var baseEntries = newBase.Value.Keys.Select((k, row) => newBase.Value.Entry(row)).ToList();
            Assert.All(rebased.Added, a => Assert.DoesNotContain(baseEntries, b => comparer.Compare(a, b) == 0));
            Assert.All(rebased.Removed, r => Assert.Contains(baseEntries, b => comparer.Compare(r, b) == 0));
            // and it keeps working as a state
            AssertEqual(truth, Mutate(rebased, truth, random, 0));
            var more = Mutate(rebased, truth, random, 20);
            AssertEqual(truth, more);
        }
    }
}
