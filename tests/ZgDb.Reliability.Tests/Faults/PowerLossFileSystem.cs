using ZgDb.Storage.IO;

namespace ZgDb.Reliability;

/// <summary>
/// A real directory seen through a model of the disk's write cache. Every call goes to the real file system (so the
/// engine reads back what it wrote, as it would from the OS cache); beside it the model records what is durable:
/// per file (an inode, which follows renames) its bytes as of its last flush to disk plus the writes and truncations
/// since, and per directory its entries as of its last directory flush plus the creates, renames and deletes since.
/// <see cref="Cut"/> then rewrites the real directories with a state a power cut could have left (see
/// <see cref="PowerCut"/>). What was there before a directory was first touched counts as durable; files created
/// outside this seam (the lock file) are not modelled and are left alone.
/// </summary>
/// <remarks>
/// Use it under a <see cref="FaultyFileSystem"/> whose <see cref="FaultEffect.PowerCut"/> stops the engine at an exact
/// step, then call <see cref="Cut"/> once the engine is disposed. Works on a real directory only (it reads and writes
/// the files with System.IO). Renames across directories are not modelled and throw.
/// </remarks>
internal sealed class PowerLossFileSystem(IStorageFileSystem inner) : IStorageFileSystem
{
    private readonly object _lock = new();
    private readonly Dictionary<string, TrackedDirectory> _directories = new(StringComparer.Ordinal);
    private readonly HashSet<TrackedHandle> _open = [];
    private int _nextFileId;
    private bool _frozen;

    public PowerLossFileSystem() : this(PhysicalFileSystem.Instance) { }

    /// <summary>The directories whose entries the model knows (touched since the model started), shortest path first.</summary>
    internal IEnumerable<TrackedDirectory> Directories
    {
        get
        {
            lock (_lock) return _directories.Values.OrderBy(d => d.Path.Length).ThenBy(d => d.Path, StringComparer.Ordinal).ToArray();
        }
    }

    /// <summary>
    /// Stops the model (every later call throws, as the machine is off) and rewrites the real directories with one
    /// state the power cut could have left, chosen by <paramref name="random"/>. Can be called again on a restored
    /// copy of the directories for another outcome of the same cut. Handles the engine left open are closed, as
    /// the process is gone.
    /// </summary>
    public PowerCutReport Cut(Random random)
    {
        lock (_lock)
        {
            PowerOff();
            return PowerCut.Materialize(Directories, random);
        }
    }

    /// <summary>The power goes now: every later call throws and the open handles are closed; nothing is lost yet (see <see cref="Cut"/>).</summary>
    public void PowerOff()
    {
        lock (_lock)
        {
            _frozen = true;
            CloseHandles();
        }
    }

    /// <summary>
    /// The process using the files died (kill -9): the handles it left open are closed, and the OS cache (everything
    /// written, flushed or not) stays for the next process.
    /// </summary>
    public void CloseHandles()
    {
        lock (_lock)
        {
            foreach (var handle in _open) handle.Close();
            _open.Clear();
        }
    }

    /// <summary>How many bytes of the file now named <paramref name="path"/> were flushed to disk; null when the model does not know it.</summary>
    public long? FlushedLength(string path)
    {
        path = Path.GetFullPath(path);
        lock (_lock)
        {
            return _directories.TryGetValue(Path.GetDirectoryName(path)!, out var directory)
                && directory.Current.TryGetValue(Path.GetFileName(path), out var node) && node is TrackedFile { Durable: { } durable }
                ? durable.Length
                : null;
        }
    }

    public bool FileExists(string path) => inner.FileExists(path);
    public bool DirectoryExists(string path) => inner.DirectoryExists(path);
    public string[] ListFiles(string directory, string pattern) => inner.ListFiles(directory, pattern);
    public byte[] ReadAllBytes(string path) => inner.ReadAllBytes(path);

    public void CreateDirectory(string path)
    {
        path = Path.GetFullPath(path);
        lock (_lock)
        {
            ThrowIfFrozen(path);
            if (inner.DirectoryExists(path)) return;
            var parentPath = Path.GetDirectoryName(path);
            if (parentPath is not null && !inner.DirectoryExists(parentPath)) CreateDirectory(parentPath);
            var parent = parentPath is null ? null : Directory(parentPath);
            inner.CreateDirectory(path);
            var created = new TrackedDirectory(path) { Loaded = true };
            _directories[path] = created;
            parent?.Change(EntryChangeKind.Create, Path.GetFileName(path), null, created);
        }
    }

    public IStorageFile Open(string path, FileMode mode, FileAccess access, FileShare share)
    {
        path = Path.GetFullPath(path);
        lock (_lock)
        {
            ThrowIfFrozen(path);
            var directory = Directory(Path.GetDirectoryName(path)!);
            string name = Path.GetFileName(path);
            bool existed = inner.FileExists(path);
            TrackedFile? file = existed ? Lookup(directory, name) : null;
            if (file is not null && access.HasFlag(FileAccess.Write)) Load(file, path); // before a FileMode.Create truncates it
            var handle = inner.Open(path, mode, access, share);
            if (file is null)
            {
                file = new TrackedFile(++_nextFileId) { Durable = [] };
                directory.Change(EntryChangeKind.Create, name, null, file);
            }
            else if (mode is FileMode.Create or FileMode.Truncate)
            {
                file.Record(new PendingWrite(0, null, 0));
            }
            var tracked = new TrackedHandle(this, file, handle);
            _open.Add(tracked);
            return tracked;
        }
    }

    public void Move(string source, string destination)
    {
        source = Path.GetFullPath(source);
        destination = Path.GetFullPath(destination);
        lock (_lock)
        {
            ThrowIfFrozen(destination);
            var directory = Directory(Path.GetDirectoryName(source)!);
            if (!string.Equals(Path.GetDirectoryName(destination), directory.Path, StringComparison.Ordinal))
                throw new NotSupportedException($"the power-loss model renames within one directory only ('{source}' -> '{destination}')");
            string from = Path.GetFileName(source), to = Path.GetFileName(destination);
            var file = inner.FileExists(source) ? Lookup(directory, from) : null;
            if (file is not null) Load(file, source);
            if (inner.FileExists(destination) && Lookup(directory, to) is { } replaced) Load(replaced, destination); // it is back if the rename is undone
            inner.Move(source, destination);
            directory.Change(EntryChangeKind.Rename, from, to, file!);
        }
    }

    public void Delete(string path)
    {
        path = Path.GetFullPath(path);
        lock (_lock)
        {
            ThrowIfFrozen(path);
            var directory = Directory(Path.GetDirectoryName(path)!);
            string name = Path.GetFileName(path);
            var file = inner.FileExists(path) ? Lookup(directory, name) : null;
            if (file is not null) Load(file, path); // it is back if the delete is undone
            inner.Delete(path);
            if (file is not null) directory.Change(EntryChangeKind.Delete, name, null, file);
        }
    }

    public void FlushDirectory(string directory)
    {
        directory = Path.GetFullPath(directory);
        lock (_lock)
        {
            ThrowIfFrozen(directory);
            var tracked = Directory(directory);
            inner.FlushDirectory(directory);
            tracked.Flushed();
        }
    }

    private void ThrowIfFrozen(string path)
    {
        if (_frozen) throw new IOException($"power cut: the machine is off ('{path}')");
    }

    /// <summary>The model of <paramref name="path"/>; on first sight its entries are read from disk and count as durable.</summary>
    private TrackedDirectory Directory(string path)
    {
        if (!_directories.TryGetValue(path, out var directory)) _directories[path] = directory = new TrackedDirectory(path);
        if (directory.Loaded) return directory;
        directory.Loaded = true;
        if (!System.IO.Directory.Exists(path)) return directory;
        foreach (var file in System.IO.Directory.GetFiles(path))
            directory.Durable[Path.GetFileName(file)] = directory.Current[Path.GetFileName(file)] = new TrackedFile(++_nextFileId);
        foreach (var sub in System.IO.Directory.GetDirectories(path))
        {
            if (!_directories.TryGetValue(sub, out var child)) _directories[sub] = child = new TrackedDirectory(sub);
            directory.Durable[Path.GetFileName(sub)] = directory.Current[Path.GetFileName(sub)] = child;
        }
        return directory;
    }

    /// <summary>The file named <paramref name="name"/>; one that appeared outside the seam counts as durable from now.</summary>
    private TrackedFile Lookup(TrackedDirectory directory, string name)
    {
        if (directory.Current.TryGetValue(name, out var node) && node is TrackedFile file) return file;
        if (node is TrackedDirectory) throw new IOException($"'{Path.Combine(directory.Path, name)}' is a directory");
        file = new TrackedFile(++_nextFileId);
        directory.Current[name] = file;
        if (!directory.Durable.ContainsKey(name)) directory.Durable[name] = file;
        return file;
    }

    /// <summary>Reads the file's bytes as its durable content the first time it is changed through the seam.</summary>
    private void Load(TrackedFile file, string path)
    {
        if (file.Durable is not null) return;
        file.Durable = inner.ReadAllBytes(path);
        file.Length = file.Durable.Length;
    }

    private sealed class TrackedHandle(PowerLossFileSystem fs, TrackedFile tracked, IStorageFile file) : IStorageFile
    {
        public string Path => file.Path;
        public long Length => file.Length;
        public int ReadAt(long offset, Span<byte> buffer) => file.ReadAt(offset, buffer);
        public void Close() => file.Dispose();

        public void Dispose()
        {
            lock (fs._lock) fs._open.Remove(this);
            file.Dispose();
        }

        public void Append(ReadOnlySpan<byte> data)
        {
            lock (fs._lock)
            {
                fs.ThrowIfFrozen(Path);
                long offset = file.Length;
                file.Append(data);
                tracked.Record(new PendingWrite(offset, data.ToArray(), offset + data.Length));
            }
        }

        public void SetLength(long length)
        {
            lock (fs._lock)
            {
                fs.ThrowIfFrozen(Path);
                file.SetLength(length);
                tracked.Record(new PendingWrite(0, null, length));
            }
        }

        public void FlushToDisk()
        {
            lock (fs._lock)
            {
                fs.ThrowIfFrozen(Path);
                file.FlushToDisk();
                tracked.Flushed();
            }
        }
    }
}

/// <summary>A write since the file's last flush: <see cref="Data"/> at <see cref="Offset"/>, or (no data) a truncation or extension to <see cref="NewLength"/>.</summary>
internal sealed record PendingWrite(long Offset, byte[]? Data, long NewLength);

/// <summary>One file (an inode: it keeps its content through renames) in the power-loss model.</summary>
internal sealed class TrackedFile(int id)
{
    public int Id { get; } = id;

    /// <summary>The bytes as of the last flush to disk; null while the file was never changed through the seam (the disk's bytes are durable).</summary>
    public byte[]? Durable { get; set; }

    /// <summary>The length the OS cache shows now.</summary>
    public long Length { get; set; }

    /// <summary>Writes and truncations since the last flush, in the order they were made.</summary>
    public List<PendingWrite> Pending { get; } = [];

    public void Record(PendingWrite write)
    {
        if (Durable is null) throw new InvalidOperationException($"file #{Id} was changed before its durable content was read");
        Pending.Add(write);
        Length = write.NewLength;
    }

    public void Flushed()
    {
        if (Durable is null) return;
        Durable = Apply(Durable, Pending);
        Pending.Clear();
    }

    /// <summary>The content after <paramref name="writes"/> are applied, in order, to <paramref name="start"/>.</summary>
    public static byte[] Apply(byte[] start, IEnumerable<PendingWrite> writes)
    {
        var content = start;
        foreach (var write in writes)
        {
            if (write.Data is null)
            {
                Array.Resize(ref content, checked((int)write.NewLength));
                continue;
            }
            if (content.Length < write.Offset + write.Data.Length) Array.Resize(ref content, checked((int)(write.Offset + write.Data.Length)));
            write.Data.CopyTo(content, write.Offset);
        }
        return ReferenceEquals(content, start) ? (byte[])start.Clone() : content;
    }

    public override string ToString() => $"file #{Id}";
}

internal enum EntryChangeKind { Create, Rename, Delete }

/// <summary>A change to a directory's entries since its last flush. <see cref="Node"/> is a <see cref="TrackedFile"/> or <see cref="TrackedDirectory"/>.</summary>
internal sealed record EntryChange(EntryChangeKind Kind, string Name, string? NewName, object Node);

/// <summary>One directory in the power-loss model: its entries as the disk holds them and as the OS shows them.</summary>
internal sealed class TrackedDirectory(string path)
{
    public string Path { get; } = path;

    /// <summary>False until first touched: an untouched directory is left as it is on disk.</summary>
    public bool Loaded { get; set; }

    public Dictionary<string, object> Durable { get; private set; } = new(StringComparer.Ordinal);
    public Dictionary<string, object> Current { get; } = new(StringComparer.Ordinal);
    public List<EntryChange> Unflushed { get; } = [];

    public void Change(EntryChangeKind kind, string name, string? newName, object node)
    {
        Unflushed.Add(new EntryChange(kind, name, newName, node));
        switch (kind)
        {
            case EntryChangeKind.Create: Current[name] = node; break;
            case EntryChangeKind.Rename: Current.Remove(name); Current[newName!] = node; break;
            case EntryChangeKind.Delete: Current.Remove(name); break;
        }
    }

    public void Flushed()
    {
        Durable = new Dictionary<string, object>(Current, StringComparer.Ordinal);
        Unflushed.Clear();
    }

    public override string ToString() => Path;
}
