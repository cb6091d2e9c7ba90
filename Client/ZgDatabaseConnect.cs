using ZgDb.Client;

namespace ZgDb;

/// <summary><c>ZgDatabase.Connect</c>: a database served by another process, with the same typed API.</summary>
public static class ZgDatabaseConnect
{
    extension(ZgDatabase)
    {
        /// <summary>
        /// Connects to the database a ZgDb server holds (<c>zgdb://127.0.0.1:5151</c>, <c>zgdbs://host:5151</c> for TLS, or
        /// an <c>http(s)://</c> address) and checks that the server's stored model is <typeparamref name="TDb"/>'s. The
        /// collections, <c>Find</c>, the writes and LINQ work as on an embedded database; queries run on the server
        /// (see docs/SERVER.md for what runs where). Dispose it to close the channel.
        /// </summary>
        /// <exception cref="ZgDbConnectionException">The server cannot be reached, refused the token, speaks another protocol version, or holds another model (the message names the first difference).</exception>
        public static TDb Connect<TDb>(string address, ZgClientOptions? options = null) where TDb : ZgDatabase, new()
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(address);
            return ZgDb.Remote.RemoteDatabase.Connect<TDb>((model, json) => GrpcBackend.Connect(address, model, json, options ?? new ZgClientOptions()));
        }
    }
}
