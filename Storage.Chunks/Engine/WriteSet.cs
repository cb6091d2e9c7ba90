using System.Collections.Immutable;

namespace ZgDb.Storage.Engine;

/// <summary>
/// The changes of one atomic write (a single call, a batch, a transaction) being built under the engine's write
/// lock: private copies of the touched collections' states and the WAL operations that describe them. Nothing is
/// visible to readers until the engine publishes it; a write that throws half-way simply drops its set.
/// </summary>
internal sealed class WriteSet(DatabaseState baseState, long lsn)
{
    private readonly object?[] _builders = new object?[baseState.Collections.Length];

    public DatabaseState Base { get; } = baseState;

    /// <summary>The LSN this write will have once published.</summary>
    public long Lsn { get; } = lsn;

    public List<Wal.WalOp> Ops { get; } = [];

    /// <summary>Metadata entries set by this write.</summary>
    public System.Collections.Immutable.ImmutableSortedDictionary<string, string> Metadata { get; private set; } = baseState.Metadata;

    /// <summary>Sets a metadata entry (logged with the write's other operations).</summary>
    public void SetMetadata(string name, string value, bool log = true)
    {
        Metadata = Metadata.SetItem(name, value);
        if (log)
            Ops.Add(new Wal.WalOp(Wal.WalOpKind.Meta, "", System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(name, ZgJson.Default), System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(value, ZgJson.Default)));
    }

    public CollectionStateBuilder<TKey, T> For<TKey, T>(int collection) where TKey : notnull where T : class =>
        (CollectionStateBuilder<TKey, T>)(_builders[collection] ??=
            new CollectionStateBuilder<TKey, T>((CollectionState<TKey, T>)Base.Collections[collection]));

    /// <summary>The collection as this set sees it now: its own changes on top of the base state.</summary>
    public CollectionState<TKey, T> View<TKey, T>(int collection) where TKey : notnull where T : class =>
        _builders[collection] is ICollectionStateBuilder builder
            ? (CollectionState<TKey, T>)builder.Build()
            : (CollectionState<TKey, T>)Base.Collections[collection];

    private readonly List<Action> _undo = [];

    /// <summary>
    /// Registers what undoes a change this write made outside the set (a key written back to the caller's object),
    /// run if the write does not take effect: it throws, or its transaction rolls back.
    /// </summary>
    public void OnUndo(Action undo) => _undo.Add(undo);

    /// <summary>Runs every registered undo action, newest first (the write is dropped).</summary>
    public void Undo() => UndoTo(0);

    private void UndoTo(int count)
    {
        for (int i = _undo.Count - 1; i >= count; i--) _undo[i]();
        _undo.RemoveRange(count, _undo.Count - count);
    }

    /// <summary>Remembers the set as it is, so a failed operation inside a transaction can be undone alone.</summary>
    public object Save() => new Savepoint(_builders.Select(b => (object?)(b as ICollectionStateBuilder)?.Save()).ToArray(), Ops.Count, Metadata, _undo.Count);

    private sealed record Savepoint(object?[] Builders, int Ops, System.Collections.Immutable.ImmutableSortedDictionary<string, string> Metadata, int Undo);

    /// <summary>Returns the set to a <see cref="Save"/>d point (running the undo actions registered since).</summary>
    public void Restore(object savepoint)
    {
        var (builders, ops, metadata, undo) = (Savepoint)savepoint;
        Metadata = metadata;
        for (int i = 0; i < _builders.Length; i++) _builders[i] = builders[i];
        Ops.RemoveRange(ops, Ops.Count - ops);
        UndoTo(undo);
    }

    /// <summary>Runs <paramref name="write"/> on the set all or nothing: if it throws, the set returns to where it was (a failed call is undone alone).</summary>
    public void ApplyAtomically(Action<WriteSet> write)
    {
        var savepoint = Save();
        try
        {
            write(this);
        }
        catch
        {
            Restore(savepoint);
            throw;
        }
    }

    /// <summary>The new state; <paramref name="lastLsn"/> is the LSN of the write's last record when it took several.</summary>
    public DatabaseState Build(long? lastLsn = null)
    {
        var states = (CollectionState[])Base.Collections.Clone();
        for (int i = 0; i < states.Length; i++)
            if (_builders[i] is ICollectionStateBuilder builder) states[i] = builder.Build();
        return new DatabaseState(states, lastLsn ?? Lsn, Metadata);
    }
}

internal interface ICollectionStateBuilder
{
    CollectionState Build();

    /// <summary>An independent builder holding the same changes (later changes to either do not show in the other).</summary>
    ICollectionStateBuilder Save();
}

/// <summary>A mutable copy of a collection's state inside a <see cref="WriteSet"/>.</summary>
internal sealed class CollectionStateBuilder<TKey, T>(CollectionState<TKey, T> start) : ICollectionStateBuilder
    where TKey : notnull where T : class
{
    private ImmutableSortedDictionary<TKey, DeltaEntry<T>>.Builder? _delta;
    private Indexes.IndexState<TKey>[]? _indexes;

    public CollectionState<TKey, T> Start { get; } = start;
    public long Count { get; set; } = start.Count;
    public long NextKey { get; set; } = start.NextKey;

    public ImmutableSortedDictionary<TKey, DeltaEntry<T>>.Builder Delta => _delta ??= Start.Delta.ToBuilder();

    /// <summary>The index states as this write set changed them (a private copy of the array; the states are immutable).</summary>
    public Indexes.IndexState<TKey>[] Indexes => _indexes ??= (Indexes.IndexState<TKey>[])Start.Indexes.Clone();

    public bool TryGetDelta(TKey key, out DeltaEntry<T> entry)
    {
        if (_delta is not null) return _delta.TryGetValue(key, out entry);
        return Start.Delta.TryGetValue(key, out entry);
    }

    public ICollectionStateBuilder Save() => new CollectionStateBuilder<TKey, T>(Start)
    {
        _delta = _delta?.ToImmutable().ToBuilder(),
        _indexes = (Indexes.IndexState<TKey>[]?)_indexes?.Clone(),
        Count = Count,
        NextKey = NextKey,
    };

    public CollectionState Build() => _delta is null && _indexes is null && Count == Start.Count && NextKey == Start.NextKey
        ? Start
        : new CollectionState<TKey, T>(Start.Chunks, _delta?.ToImmutable() ?? Start.Delta, Count, NextKey, _indexes ?? Start.Indexes);
}
