namespace ZgDb.Storage.Engine;

/// <summary>
/// The single-writer gate of one engine: one holder at a time (a write, a transaction, a checkpoint's snapshot and
/// swap, the close), a bounded wait that names the holder when it times out, and the write this thread is building
/// under the gate (so a write from inside another write's callback joins it instead of waiting for itself).
/// </summary>
internal sealed class WriteGate(TimeSpan timeout, EngineTelemetry? telemetry = null)
{
    private readonly EngineTelemetry _telemetry = telemetry ?? EngineTelemetry.Unnamed;
    private readonly SemaphoreSlim _gate = new(1, 1);

    // Who holds the gate, for the timeout's message: recorded as plain fields (formatted only if a wait times out).
    private string? _holder;
    private long _heldSinceTicks;
    private int _holderThread;

    /// <summary>The write this thread is building under a gate, if any (callbacks of that write run on it).</summary>
    [ThreadStatic] private static (WriteGate Gate, WriteSet Set)? _threadWriting;

    /// <summary>The write this thread builds under some gate (saved and restored around a write: writes of two databases may nest).</summary>
    public static (WriteGate Gate, WriteSet Set)? ThreadWrite
    {
        get => _threadWriting;
        set => _threadWriting = value;
    }

    /// <summary>The write this thread is building under this gate, or null.</summary>
    public WriteSet? OuterWrite => _threadWriting is { } w && w.Gate == this ? w.Set : null;

    /// <summary>Whether this thread is inside a write's callback (where waiting for the gate would wait for itself).</summary>
    public bool InsideWrite => _threadWriting is { } w && w.Gate == this;

    /// <summary>Marks <paramref name="set"/> as the write this thread builds under this gate.</summary>
    public void StartWriting(WriteSet set) => _threadWriting = (this, set);

    /// <summary>
    /// Takes the gate, waiting at most <see cref="ZgDbOptions.WriteLockTimeout"/>; then fails with an error that
    /// names the holder instead of waiting for ever (a transaction nobody will finish is the usual cause).
    /// </summary>
    public void Enter(string what)
    {
        if (InsideWrite)
            throw new InvalidOperationException($"ZgDb cannot start {what} inside the callback of another write (an UpdateMany action or a DeleteMany predicate) on the same database: it would wait for itself. Writes (Insert, Update, Delete, ...) inside such a callback join the outer write; do this after it returns.");
        long waitStart = EngineInstruments.WriteGateWait.Enabled ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
        if (!_gate.Wait(timeout))
            throw new ZgDbException(
                $"ZgDb waited {timeout.TotalSeconds:0.#} s (ZgDbOptions.WriteLockTimeout) to start {what}, but the write lock is held by {DescribeHolder()}. " +
                "A transaction belongs to the async flow that began it: one begun inside an async method (after an await) is not seen by its caller once that method returns, " +
                "so the caller's writes wait for it. Commit or dispose every transaction, and begin it in the method that writes through it. Nothing was written.");
        if (waitStart != 0) _telemetry.Record(EngineInstruments.WriteGateWait, EngineInstruments.SecondsSince(waitStart));
        _heldSinceTicks = DateTime.UtcNow.Ticks;
        _holderThread = Environment.CurrentManagedThreadId;
        Volatile.Write(ref _holder, what);
    }

    public void Exit()
    {
        Volatile.Write(ref _holder, null);
        _gate.Release();
    }

    /// <summary>Takes the gate however long it is held, recording no holder (a checkpoint's swap after its files are durable: it must happen).</summary>
    public void EnterUnbounded()
    {
        long waitStart = EngineInstruments.WriteGateWait.Enabled ? System.Diagnostics.Stopwatch.GetTimestamp() : 0;
        _gate.Wait();
        if (waitStart != 0) _telemetry.Record(EngineInstruments.WriteGateWait, EngineInstruments.SecondsSince(waitStart));
    }

    /// <summary>Releases a gate taken with <see cref="EnterUnbounded"/>.</summary>
    public void ExitUnbounded() => _gate.Release();

    private string DescribeHolder()
    {
        var what = Volatile.Read(ref _holder);
        return what is null ? "another writer"
            : $"{what} started at {new DateTime(Volatile.Read(ref _heldSinceTicks), DateTimeKind.Utc):HH:mm:ss.fff} UTC on thread {Volatile.Read(ref _holderThread)}";
    }
}
