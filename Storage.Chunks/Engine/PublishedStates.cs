namespace ZgDb.Storage.Engine;

/// <summary>
/// The two states of an engine: the newest written one (writers build on it, under the write gate) and the one
/// readers see. They are the same unless writes are shown only once durable (<see cref="Durability.Synchronous"/>
/// on disk): then written states wait, in LSN order, until the WAL says their records are on disk.
/// </summary>
internal sealed class PublishedStates(DatabaseState initial, bool revealsWhenDurable)
{
    private DatabaseState _written = initial;
    private DatabaseState _visible = initial;
    private readonly object _revealLock = new();
    private readonly List<DatabaseState> _unrevealed = []; // written, not yet durable (Synchronous only), in LSN order

    /// <summary>Whether writes are shown to readers only once durable (Synchronous on disk) rather than at once.</summary>
    public bool RevealsWhenDurable { get; } = revealsWhenDurable;

    /// <summary>The newest written state (read and replaced by writers under the gate, and by the open).</summary>
    public DatabaseState Written
    {
        get => _written;
        set => Volatile.Write(ref _written, value);
    }

    /// <summary>What readers see.</summary>
    public DatabaseState Visible => Volatile.Read(ref _visible);

    /// <summary>Makes <paramref name="state"/> both written and visible (the end of the open).</summary>
    public void Reset(DatabaseState state) => _written = _visible = state;

    /// <summary>A written state: shown to readers at once, or once its record is durable (<see cref="RevealDurable"/>).</summary>
    public void Publish(DatabaseState built)
    {
        Volatile.Write(ref _written, built);
        if (RevealsWhenDurable)
            lock (_revealLock) _unrevealed.Add(built);
        else
            Volatile.Write(ref _visible, built);
    }

    /// <summary>Shows readers the newest written state whose LSN is durable (one reveal serves a whole group commit).</summary>
    public void RevealDurable(long durable)
    {
        lock (_revealLock)
        {
            int n = 0;
            while (n < _unrevealed.Count && _unrevealed[n].Lsn <= durable) n++;
            if (n == 0) return;
            Volatile.Write(ref _visible, _unrevealed[n - 1]);
            _unrevealed.RemoveRange(0, n);
        }
    }

    /// <summary>
    /// A checkpoint's swap (under the gate): <paramref name="rebasedHead"/> becomes the written state. With
    /// Synchronous durability the visible state and every written state not yet shown take the new chunks
    /// (<paramref name="rebase"/>); everything up to the checkpoint is durable now (its manifest is), so a visible
    /// state older than the checkpoint moves up to it, never past what is durable.
    /// </summary>
    public void SwapCheckpoint(DatabaseState rebasedHead, DatabaseState snapshot, Func<DatabaseState, DatabaseState> rebase, Func<long> durableLsn)
    {
        Volatile.Write(ref _written, rebasedHead);
        if (!RevealsWhenDurable)
        {
            Volatile.Write(ref _visible, rebasedHead);
            return;
        }
        lock (_revealLock)
        {
            _unrevealed.RemoveAll(s => s.Lsn <= snapshot.Lsn);
            if (durableLsn() >= rebasedHead.Lsn) _unrevealed.Clear();
            for (int i = 0; i < _unrevealed.Count; i++) _unrevealed[i] = rebase(_unrevealed[i]);
            var visible = _visible.Lsn >= snapshot.Lsn ? _visible : snapshot;
            Volatile.Write(ref _visible, durableLsn() >= rebasedHead.Lsn ? rebasedHead : rebase(visible));
        }
    }
}
