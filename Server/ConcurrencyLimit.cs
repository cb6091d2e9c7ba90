using Grpc.Core;
using ZgDb.Remote;

namespace ZgDb.Server;

/// <summary>
/// At most <c>maximum</c> of something at once (calls, transactions): one over it is refused at once with
/// RESOURCE_EXHAUSTED naming the option, never queued, so a flood of clients cannot pile up threads or memory and
/// the server goes on serving those within the limit.
/// </summary>
internal sealed class ConcurrencyLimit(int maximum, string option, string what)
{
    private int _current;

    /// <summary>How many places are taken now.</summary>
    public int Current => Volatile.Read(ref _current);

    /// <summary>Takes one place (release it with the returned handle), or throws RESOURCE_EXHAUSTED.</summary>
    public Place Enter()
    {
        if (Interlocked.Increment(ref _current) > maximum)
        {
            Interlocked.Decrement(ref _current);
            throw ZgDbDataService.Refuse(StatusCode.ResourceExhausted, RemoteProtocol.Limit,
                $"the server is already serving its maximum of {maximum} {what} (ZgServerOptions.{option}); try again later.");
        }
        return new Place(this);
    }

    /// <summary>One place taken; disposing releases it (once).</summary>
    public sealed class Place(ConcurrencyLimit limit) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) Interlocked.Decrement(ref limit._current);
        }
    }
}
