using ZgDb.Tooling;

namespace ZgDb.Cli.Studio;

/// <summary>
/// The studio's access to the database directory. Every page reads the files afresh through
/// <see cref="DatabaseDirectory.Read"/> (strict, as <c>zgdb info</c> and <c>zgdb query</c> do): no lock is taken and
/// nothing is written, so an application may have the database open meanwhile. Its checkpoint can delete a chunk
/// file between the manifest being read and the chunk, or WAL segments between the manifest and the WAL (the read
/// then reports missing records of a healthy database): such a read fails, and is tried again from a new manifest
/// (up to <see cref="Attempts"/> times) while the directory's lock is held. Edits go through
/// <see cref="DatabaseDirectory.ReplaceDocument"/> and <see cref="DatabaseDirectory.DeleteDocument"/>, which take the lock and so works only while no application has the database open.
/// </summary>
internal sealed class StudioDatabase(string directory, bool writable)
{
    public const int Attempts = 5;

    public string Directory { get; } = Path.GetFullPath(directory);

    /// <summary>Whether <c>--write</c> was given.</summary>
    public bool Writable { get; } = writable;

    /// <summary>Whether an application (or another tool) has the database open now: then edits are refused.</summary>
    public bool IsOpenElsewhere => DatabaseDirectory.IsOpenElsewhere(Directory);

    public T Read<T>(Func<DatabaseDirectoryReader, T> read) => LiveRead.Run(Directory, () => read(DatabaseDirectory.Read(Directory)), attempts: Attempts);
}
