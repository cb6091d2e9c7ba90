namespace ZgDb;

// The catalog of ZgDb errors. Every error a caller can see derives from ZgDbException; each type below says
// when it is thrown. Messages always name what was wrong: the collection, the key, the property, the file and
// the offset.

/// <summary>The base of every error ZgDb raises on purpose.</summary>
public class ZgDbException : Exception
{
    /// <summary>Creates the error with a message.</summary>
    public ZgDbException(string message) : base(message) { }

    /// <summary>Creates the error with a message and the error that caused it.</summary>
    public ZgDbException(string message, Exception? inner) : base(message, inner) { }
}

/// <summary>
/// The model built from the classes, attributes and <see cref="ModelBuilder"/> is invalid: an unsupported property
/// type, a missing or unsupported key, an index on an unknown property. Thrown when the database is opened.
/// </summary>
public sealed class ZgDbModelException : ZgDbException
{
    /// <summary>Creates the error.</summary>
    public ZgDbModelException(string entity, string? property, string message)
        : base(property is null ? $"Entity '{entity}': {message}" : $"Entity '{entity}', property '{property}': {message}")
    {
        Entity = entity;
        Property = property;
    }

    /// <summary>The entity (CLR type name) at fault.</summary>
    public string Entity { get; }

    /// <summary>The property at fault, when one is.</summary>
    public string? Property { get; }
}

/// <summary>The model stored with the data cannot be read with the model of the running application.</summary>
public sealed class ZgDbSchemaMismatchException : ZgDbException
{
    /// <summary>Creates the error.</summary>
    public ZgDbSchemaMismatchException(string collection, string? property, string message)
        : base(property is null ? $"Collection '{collection}': {message}" : $"Collection '{collection}', property '{property}': {message}")
    {
        Collection = collection;
        Property = property;
    }

    /// <summary>The collection at fault.</summary>
    public string Collection { get; }

    /// <summary>The property at fault, when one is.</summary>
    public string? Property { get; }
}

/// <summary>A document is not acceptable: null, too large, a key that is missing or of the wrong type, a required
/// property without a value, a string over its maximum length. Nothing was written.</summary>
public sealed class ZgDbValidationException : ZgDbException
{
    /// <summary>Creates the error.</summary>
    public ZgDbValidationException(string collection, string message) : base($"Collection '{collection}': {message}")
    {
        Collection = collection;
    }

    /// <summary>The collection the document was written to.</summary>
    public string Collection { get; }
}

/// <summary>Insert of a primary key that already exists. Nothing was written.</summary>
public sealed class ZgDbDuplicateKeyException : ZgDbException
{
    /// <summary>Creates the error.</summary>
    public ZgDbDuplicateKeyException(string collection, object key)
        : base($"Collection '{collection}' already holds a document with key {FormatKey(key)}.")
    {
        Collection = collection;
        Key = key;
    }

    /// <summary>The collection written to.</summary>
    public string Collection { get; }

    /// <summary>The duplicate key.</summary>
    public object Key { get; }

    internal static string FormatKey(object? key) => key switch
    {
        null => "null",
        string s => $"'{s}'",
        char c => $"'{c}'",
        byte[] b => $"0x{Convert.ToHexString(b)}",
        DateTime or DateTimeOffset => $"'{((IFormattable)key).ToString("O", System.Globalization.CultureInfo.InvariantCulture)}'",
        DateOnly d => $"'{d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)}'",
        Guid g => g.ToString(),
        IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => key.ToString() ?? "null",
    };
}

/// <summary>A unique index would hold the same value twice. Nothing was written.</summary>
public sealed class ZgDbUniqueConstraintException : ZgDbException
{
    /// <summary>Creates the error.</summary>
    public ZgDbUniqueConstraintException(string collection, string index, object? value, object existingKey)
        : base($"Collection '{collection}': unique index '{index}' already holds value {ZgDbDuplicateKeyException.FormatKey(value)} (document {ZgDbDuplicateKeyException.FormatKey(existingKey)}).")
    {
        Collection = collection;
        Index = index;
    }

    /// <summary>
    /// Creates the error for a unique index built over stored documents that already hold duplicates (a new unique
    /// index, or one changed from non-unique): <paramref name="duplicates"/> describes a few of the duplicate
    /// values and their documents, <paramref name="duplicateValues"/> counts them all.
    /// </summary>
    public ZgDbUniqueConstraintException(string collection, string index, IReadOnlyList<string> duplicates, long duplicateValues)
        : base($"Collection '{collection}': unique index '{index}' cannot be built, the stored documents hold {duplicateValues} duplicate value(s): "
            + string.Join("; ", duplicates) + (duplicateValues > duplicates.Count ? "; ..." : "")
            + ". The database was not opened and its files were left untouched: remove the duplicates with the previous model (where the index is not unique), then open it with this one.")
    {
        Collection = collection;
        Index = index;
        Duplicates = duplicates;
    }

    /// <summary>For a unique index refused when built over stored documents: a few duplicate values and their documents; otherwise empty.</summary>
    public IReadOnlyList<string> Duplicates { get; } = [];

    /// <summary>The collection written to.</summary>
    public string Collection { get; }

    /// <summary>The unique index that was violated.</summary>
    public string Index { get; }
}

/// <summary><c>Update</c> of a key that does not exist. Nothing was written.</summary>
public sealed class ZgDbNotFoundException : ZgDbException
{
    /// <summary>Creates the error.</summary>
    public ZgDbNotFoundException(string collection, object key)
        : base($"Collection '{collection}' holds no document with key {ZgDbDuplicateKeyException.FormatKey(key)}.")
    {
        Collection = collection;
        Key = key;
    }

    /// <summary>The collection.</summary>
    public string Collection { get; }

    /// <summary>The missing key.</summary>
    public object Key { get; }
}

/// <summary>What <see cref="ZgDbCorruptFileException"/> found wrong with a file.</summary>
public enum ZgDbCorruptionReason
{
    /// <summary>The file does not start with the magic number of its kind: it is not a ZgDb file of that kind.</summary>
    BadMagic,

    /// <summary>A checksum (of a header, a body or a WAL record) does not match the bytes.</summary>
    Checksum,

    /// <summary>The file is shorter (or longer) than its header says: cut off, or extended.</summary>
    Truncated,

    /// <summary>The bytes pass their checksums but do not decode, or contradict each other or the model: a field out
    /// of range, documents out of key order, a body that is not valid JSON or zstd, a file that belongs to another
    /// collection or index.</summary>
    Malformed,

    /// <summary>Something the database needs is not there: a chunk or index file the manifest lists, WAL records
    /// between the checkpoint and the log, a readable manifest generation.</summary>
    Missing,
}

/// <summary>
/// A file of the database failed its checks (magic, length, checksum, decoding; <see cref="Reason"/> says which): it
/// is never read as data. A file of a format version this build does not read is not corrupt: that is
/// <see cref="ZgDbUnsupportedVersionException"/>.
/// </summary>
public sealed class ZgDbCorruptFileException : ZgDbException
{
    /// <summary>Creates the error.</summary>
    public ZgDbCorruptFileException(string file, long offset, ZgDbCorruptionReason reason, string message, Exception? inner = null)
        : base($"Corrupt file '{file}' at offset {offset}: {message}", inner)
    {
        File = file;
        Offset = offset;
        Reason = reason;
        Detail = message;
    }

    /// <summary>The path of the damaged file.</summary>
    public string File { get; }

    /// <summary>The byte offset where the damage was found.</summary>
    public long Offset { get; }

    /// <summary>What is wrong with the file.</summary>
    public ZgDbCorruptionReason Reason { get; }

    /// <summary>What was found, without the file and offset that <see cref="Exception.Message"/> starts with.</summary>
    public string Detail { get; }
}

/// <summary>
/// A file of the database is of a format version this build does not read (written by a newer ZgDb, most likely):
/// not corruption, the file passed its checksum. Nothing was read or changed; open the database with a build that
/// reads <see cref="FoundVersion"/>. Kept apart from <see cref="ZgDbCorruptFileException"/> as bbolt keeps
/// <c>ErrVersionMismatch</c> apart from <c>ErrChecksum</c>.
/// </summary>
public sealed class ZgDbUnsupportedVersionException : ZgDbException
{
    /// <summary>Creates the error.</summary>
    public ZgDbUnsupportedVersionException(string file, string format, int foundVersion, IReadOnlyList<int> supportedVersions)
        : base($"Unsupported file '{file}' at offset 4: {format} format version {foundVersion} is not supported (this build reads version {string.Join(", ", supportedVersions)}).")
    {
        File = file;
        Format = format;
        FoundVersion = foundVersion;
        SupportedVersions = supportedVersions;
    }

    /// <summary>The path of the file.</summary>
    public string File { get; }

    /// <summary>The kind of file (<c>chunk</c>, <c>index</c>, <c>manifest</c>, <c>WAL</c>).</summary>
    public string Format { get; }

    /// <summary>The format version the file says it is.</summary>
    public int FoundVersion { get; }

    /// <summary>The format versions of that kind this build reads.</summary>
    public IReadOnlyList<int> SupportedVersions { get; }
}

/// <summary>
/// Reading or writing a file of the database failed in the operating system (permission denied, a read-only file
/// system, a missing directory, a device error): <see cref="Exception.InnerException"/> is the
/// <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/> .NET raised. Thrown by opening a database
/// (nothing was changed), by reads of chunk and index files, and by backups. A failed write or flush of the WAL or of
/// a checkpoint also faults the database: that is <see cref="ZgDbFaultedException"/>, with this as its inner error.
/// </summary>
public sealed class ZgDbIOException : ZgDbException
{
    /// <summary>Creates the error.</summary>
    public ZgDbIOException(string path, string operation, Exception inner)
        : base($"Cannot {operation} '{path}': {inner.Message}", inner)
    {
        Path = path;
        Operation = operation;
    }

    /// <summary>The file or directory the operation was on.</summary>
    public string Path { get; }

    /// <summary>What was being done (<c>open the database directory</c>, <c>read the chunk file</c>, ...).</summary>
    public string Operation { get; }
}

/// <summary>Another process (or another open database in this process) holds the directory's lock file.</summary>
public sealed class ZgDbLockedException : ZgDbException
{
    /// <summary>Creates the error.</summary>
    public ZgDbLockedException(string lockFile, string holder, Exception? inner)
        : base($"The database is in use: the lock file '{lockFile}' is held by {holder}. Close the other process (or database) first.", inner)
    {
        LockFile = lockFile;
    }

    /// <summary>The path of the lock file.</summary>
    public string LockFile { get; }
}

/// <summary>
/// A write or flush of the database's files failed. The engine stops accepting writes (a retried fsync may
/// succeed without the data reaching the disk); reopen the database to recover everything acknowledged durable.
/// </summary>
public sealed class ZgDbFaultedException : ZgDbException
{
    /// <summary>Creates the error.</summary>
    public ZgDbFaultedException(string message, Exception? inner) : base(message, inner) { }
}

/// <summary>
/// A write would leave a foreign key without its principal: a dependent whose principal does not exist, or the
/// delete of a principal that still has dependents under <see cref="DeleteBehavior.Restrict"/>. Nothing was written.
/// </summary>
public sealed class ZgDbForeignKeyException : ZgDbException
{
    /// <summary>Creates the error.</summary>
    public ZgDbForeignKeyException(string collection, string relationship, string message)
        : base($"Collection '{collection}', relationship {relationship}: {message}")
    {
        Collection = collection;
        Relationship = relationship;
    }

    /// <summary>The collection written to.</summary>
    public string Collection { get; }

    /// <summary>The relationship at fault (<c>Post.AuthorId -&gt; User</c>).</summary>
    public string Relationship { get; }
}

/// <summary>
/// An export to another database failed or was refused: a part of the model EF Core cannot express (named), a
/// target that refused the schema or a row, or a verification that found a difference. The ZgDb source is never
/// changed; <see cref="Detail"/> says what reached the target (normally nothing: its transaction was rolled back).
/// </summary>
public sealed class ZgDbExportException : ZgDbException
{
    /// <summary>Creates the error.</summary>
    public ZgDbExportException(string? collection, string message, object? detail = null, Exception? inner = null)
        : base(collection is null ? message : $"Collection '{collection}': {message}", inner)
    {
        Collection = collection;
        Detail = detail;
    }

    /// <summary>The collection at fault, when one is.</summary>
    public string? Collection { get; }

    /// <summary>The exporter's report of what was done before the failure (an <c>ExportReport</c> of ZgDb.Migrations), when there is one.</summary>
    public object? Detail { get; }
}

/// <summary>
/// A remote database (<c>ZgDatabase.Connect</c>) could not be reached or answered outside the protocol: the server is
/// not running, the address is wrong, the connection dropped, the call ran past its deadline, the token was refused or
/// the server speaks another protocol version or model. Names the address and what failed; a write that failed this
/// way may or may not have been applied (read it back).
/// </summary>
public sealed class ZgDbConnectionException : ZgDbException
{
    /// <summary>Creates the error.</summary>
    public ZgDbConnectionException(string address, string message, Exception? inner = null)
        : base($"ZgDb server {address}: {message}", inner)
    {
        Address = address;
    }

    /// <summary>The server's address as given to <c>Connect</c> (<c>zgdb://127.0.0.1:5151</c>).</summary>
    public string Address { get; }
}

/// <summary>
/// The EF Core translation check (ZgDb.Migrations' <c>CheckEfCoreTranslation</c> with <c>EfCheckAction.Throw</c>)
/// found a query EF Core would refuse on <see cref="Provider"/>, before the query ran; or
/// <c>EfCoreCheck.Report(db).AssertAllTranslate()</c> found such queries among those seen.
/// </summary>
public sealed class ZgDbEfCoreTranslationException : ZgDbException
{
    /// <summary>Creates the error.</summary>
    public ZgDbEfCoreTranslationException(string message, string provider, string efCoreMessage, string query) : base(message)
    {
        Provider = provider;
        EfCoreMessage = efCoreMessage;
        Query = query;
    }

    /// <summary>The EF Core provider that refuses the query (<c>SQLite</c>, <c>PostgreSQL</c>; several separated by commas).</summary>
    public string Provider { get; }

    /// <summary>EF Core's own message.</summary>
    public string EfCoreMessage { get; }

    /// <summary>The query, as EF Core prints it.</summary>
    public string Query { get; }
}
