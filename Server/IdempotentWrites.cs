using System.Collections.Concurrent;
using System.Security.Cryptography;
using Google.Protobuf;
using Grpc.Core;
using ZgDb.Remote;
using ZgDb.Remote.Protocol;

namespace ZgDb.Server;

/// <summary>
/// The outcome of each keyed write (<see cref="RemoteProtocol.IdempotencyHeader"/>) for
/// <see cref="ZgServerOptions.IdempotencyWindow"/>: a retry with the same key gets the first attempt's reply (or its
/// error) and is not applied again; a retry still running when the first attempt runs waits for it. A key reused for
/// another request is refused. In memory: it covers a lost reply or connection while this server process lives, not
/// a crash between a write's commit and its reply (docs/SERVER.md).
/// </summary>
internal sealed class IdempotentWrites(TimeSpan window, int capacity)
{
    private sealed record Entry(byte[] RequestHash, Lazy<WriteReply> Outcome, DateTime At);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string Key, DateTime At)> _order = new();

    public WriteReply Run(string key, WriteRequest request, Func<WriteReply> write)
    {
        if (key.Length is 0 or > 100)
            throw ZgDbDataService.Refuse(StatusCode.InvalidArgument, RemoteProtocol.Argument, $"the idempotency key must be 1 to 100 characters, got {key.Length}.");
        Evict();
        var hash = SHA256.HashData(request.ToByteArray());
        var fresh = new Entry(hash, new Lazy<WriteReply>(write, LazyThreadSafetyMode.ExecutionAndPublication), DateTime.UtcNow);
        var entry = _entries.GetOrAdd(key, fresh);
        if (ReferenceEquals(entry, fresh)) _order.Enqueue((key, fresh.At));
        else if (!CryptographicOperations.FixedTimeEquals(entry.RequestHash, hash))
            throw ZgDbDataService.Refuse(StatusCode.InvalidArgument, RemoteProtocol.Argument, $"the idempotency key '{key}' was already used for another write; each write needs its own key.");
        return entry.Outcome.Value; // the first attempt's reply, or its exception again
    }

    private void Evict()
    {
        var oldest = DateTime.UtcNow - window;
        while (_order.TryPeek(out var head) && (head.At < oldest || _entries.Count > capacity) && _order.TryDequeue(out head))
            if (_entries.TryGetValue(head.Key, out var entry) && entry.At == head.At)
                _entries.TryRemove(new KeyValuePair<string, Entry>(head.Key, entry));
    }
}
