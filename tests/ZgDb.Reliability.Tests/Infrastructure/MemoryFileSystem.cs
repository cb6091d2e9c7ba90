using ZgDb.Storage.IO;

namespace ZgDb.Reliability;

/// <summary>Files as byte arrays in a dictionary: a fast file system for fuzzing the decoders through the seam.</summary>
internal sealed class MemoryFileSystem : IStorageFileSystem
{
    private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);
    private readonly HashSet<string> _directories = new(StringComparer.Ordinal);

    public byte[] this[string path]
    {
        get => _files[path];
        set => _files[path] = value;
    }

    public bool FileExists(string path) => _files.ContainsKey(path);
    public bool DirectoryExists(string path) => _directories.Contains(path);
    public void CreateDirectory(string path) => _directories.Add(path);

    public string[] ListFiles(string directory, string pattern)
    {
        var suffix = pattern.TrimStart('*');
        var prefix = pattern.Contains('*') ? pattern[..pattern.IndexOf('*')] : pattern;
        return _files.Keys.Where(p => Path.GetDirectoryName(p) == directory)
            .Select(p => Path.GetFileName(p)!)
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(suffix.Contains('*') ? suffix[(suffix.LastIndexOf('*') + 1)..] : suffix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal).ToArray();
    }

    public IStorageFile Open(string path, FileMode mode, FileAccess access, FileShare share)
    {
        if (mode is FileMode.Create or FileMode.CreateNew || mode == FileMode.OpenOrCreate && !_files.ContainsKey(path)) _files[path] = [];
        else if (!_files.ContainsKey(path)) throw new FileNotFoundException("no such file", path);
        return new MemoryFile(this, path);
    }

    public byte[] ReadAllBytes(string path) => _files.TryGetValue(path, out var data) ? (byte[])data.Clone() : throw new FileNotFoundException("no such file", path);

    public void Move(string source, string destination)
    {
        _files[destination] = _files[source];
        _files.Remove(source);
    }

    public void Delete(string path) => _files.Remove(path);
    public void FlushDirectory(string directory) { }

    private sealed class MemoryFile(MemoryFileSystem fs, string path) : IStorageFile
    {
        public string Path => path;
        public long Length => fs._files[path].Length;
        public void Append(ReadOnlySpan<byte> data) => fs._files[path] = [.. fs._files[path], .. data];

        public int ReadAt(long offset, Span<byte> buffer)
        {
            var data = fs._files[path];
            if (offset >= data.Length) return 0;
            int n = (int)Math.Min(buffer.Length, data.Length - offset);
            data.AsSpan((int)offset, n).CopyTo(buffer);
            return n;
        }

        public void SetLength(long length)
        {
            var data = fs._files[path];
            Array.Resize(ref data, (int)length);
            fs._files[path] = data;
        }

        public void FlushToDisk() { }
        public void Dispose() { }
    }
}
