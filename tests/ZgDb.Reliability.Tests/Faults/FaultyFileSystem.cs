using ZgDb.Storage.IO;

namespace ZgDb.Reliability;

/// <summary>The kinds of I/O step a <see cref="FaultyFileSystem"/> counts and can fail.</summary>
public enum IoStep { Open, Append, Flush, Rename, DirFlush, Delete, Read, SetLength }

/// <summary>What an injected fault does.</summary>
internal enum FaultEffect
{
    /// <summary>The step throws an IOException (EIO) and does nothing.</summary>
    IOError,
    /// <summary>The step throws "No space left on device" (ENOSPC) and does nothing.</summary>
    DiskFull,
    /// <summary>An append writes the first half of its bytes, then throws ENOSPC.</summary>
    ShortWrite,
    /// <summary>An append writes part of its bytes and the process "dies": this and every later step fails.</summary>
    TornWrite,
    /// <summary>The process "dies" at this step: it and every later step fail (kill -9 at an exact I/O step).</summary>
    Crash,
    /// <summary>
    /// The power goes at this step: as <see cref="Crash"/>, and the test then calls <see cref="PowerLossFileSystem.Cut"/>
    /// on the <see cref="PowerLossFileSystem"/> below to lose or tear what was not flushed.
    /// </summary>
    PowerCut,
}

/// <summary>Fail the <see cref="Nth"/> step of kind <see cref="Step"/> (1-based), once or from then on.</summary>
internal sealed record FaultPlan(IoStep Step, int Nth, bool Forever, FaultEffect Effect)
{
    public override string ToString() => $"{Effect} at {Step} #{Nth}{(Forever ? " and after" : " once")}";
}

/// <summary>
/// A file system for tests: passes every call to a real one, counts the steps of each kind, and fails the one a
/// <see cref="FaultPlan"/> names. After a <see cref="FaultEffect.Crash"/> or <see cref="FaultEffect.TornWrite"/>
/// every step fails, as if the process had died there; the files keep what reached the OS, as after a SIGKILL.
/// Over a <see cref="PowerLossFileSystem"/>, a <see cref="FaultEffect.PowerCut"/> also loses what the disk had not
/// been told to keep (see <see cref="PowerCut"/>).
/// </summary>
internal sealed class FaultyFileSystem(IStorageFileSystem inner) : IStorageFileSystem
{
    private readonly object _lock = new();
    private readonly int[] _counts = new int[Enum.GetValues<IoStep>().Length];

    public FaultPlan? Plan { get; set; }

    /// <summary>Called before every counted step, outside the lock (tests use it to hold a thread at a step).</summary>
    public Action<IoStep, string>? BeforeStep { get; set; }
    public bool Crashed { get; private set; }

    /// <summary>How many steps failed because of the plan (a crash counts once).</summary>
    public int Injected { get; private set; }

    /// <summary>Descriptions of the injected faults, with the file each hit.</summary>
    public List<string> Log { get; } = [];

    public int Count(IoStep step)
    {
        lock (_lock) return _counts[(int)step];
    }

    public static IOException DiskFullError(string path) => new($"No space left on device : '{path}' (injected ENOSPC)", 28);

    /// <summary>Counts the step; returns the fault to inject now, or null.</summary>
    private FaultEffect? Step(IoStep step, string path)
    {
        BeforeStep?.Invoke(step, path);
        lock (_lock)
        {
            if (Crashed) throw new IOException($"injected crash: the process is dead ({step} '{path}')");
            int n = ++_counts[(int)step];
            if (Plan is not { } plan || plan.Step != step || !(n == plan.Nth || plan.Forever && n > plan.Nth)) return null;
            Injected++;
            Log.Add($"{plan.Effect} at {step} #{n} '{path}'");
            if (plan.Effect is FaultEffect.Crash or FaultEffect.PowerCut)
            {
                Crashed = true;
                throw new IOException($"injected crash at {step} #{n} '{path}'");
            }
            if (plan.Effect == FaultEffect.TornWrite && step != IoStep.Append) Crashed = true;
            return plan.Effect;
        }
    }

    private static void Throw(FaultEffect effect, IoStep step, string path) => throw (effect switch
    {
        FaultEffect.DiskFull or FaultEffect.ShortWrite => DiskFullError(path),
        _ => new IOException($"injected I/O error ({effect}) at {step} '{path}'", 5),
    });

    private void Simple(IoStep step, string path)
    {
        if (Step(step, path) is { } effect) Throw(effect, step, path);
    }

    public bool FileExists(string path) => inner.FileExists(path);
    public bool DirectoryExists(string path) => inner.DirectoryExists(path);
    public void CreateDirectory(string path)
    {
        lock (_lock)
            if (Crashed) throw new IOException($"injected crash: the process is dead (CreateDirectory '{path}')");
        inner.CreateDirectory(path);
    }
    public string[] ListFiles(string directory, string pattern) => inner.ListFiles(directory, pattern);

    public IStorageFile Open(string path, FileMode mode, FileAccess access, FileShare share)
    {
        Simple(IoStep.Open, path);
        return new FaultyFile(this, inner.Open(path, mode, access, share));
    }

    public byte[] ReadAllBytes(string path)
    {
        Simple(IoStep.Read, path);
        return inner.ReadAllBytes(path);
    }

    public void Move(string source, string destination)
    {
        Simple(IoStep.Rename, destination);
        inner.Move(source, destination);
    }

    public void Delete(string path)
    {
        Simple(IoStep.Delete, path);
        inner.Delete(path);
    }

    public void FlushDirectory(string directory)
    {
        Simple(IoStep.DirFlush, directory);
        inner.FlushDirectory(directory);
    }

    private sealed class FaultyFile(FaultyFileSystem fs, IStorageFile file) : IStorageFile
    {
        public string Path => file.Path;
        public long Length => file.Length;

        public void Append(ReadOnlySpan<byte> data)
        {
            if (fs.Step(IoStep.Append, Path) is not { } effect)
            {
                file.Append(data);
                return;
            }
            switch (effect)
            {
                case FaultEffect.ShortWrite:
                    file.Append(data[..(data.Length / 2)]);
                    break;
                case FaultEffect.TornWrite:
                    // A crash mid-append: a prefix of the bytes reached the file. Cut inside the first 24-byte WAL
                    // record header when the append is small, else somewhere in the middle.
                    file.Append(data[..(data.Length > 48 ? data.Length / 2 + 3 : data.Length / 3)]);
                    lock (fs._lock) fs.Crashed = true;
                    break;
            }
            Throw(effect, IoStep.Append, Path);
        }

        public int ReadAt(long offset, Span<byte> buffer)
        {
            fs.Simple(IoStep.Read, Path);
            return file.ReadAt(offset, buffer);
        }

        public void SetLength(long length)
        {
            fs.Simple(IoStep.SetLength, Path);
            file.SetLength(length);
        }

        public void FlushToDisk()
        {
            fs.Simple(IoStep.Flush, Path);
            file.FlushToDisk();
        }

        public void Dispose() => file.Dispose();
    }
}
