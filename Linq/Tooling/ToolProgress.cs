using ZgDb.Storage.Inspection;

namespace ZgDb.Tooling;

/// <summary>Receives the progress of a long <see cref="DatabaseDirectory"/> operation (<c>zgdb</c> shows each task as a bar).</summary>
/// <remarks>An infrastructure API for ZgDb's tools (see <see cref="ZgDbTooling"/>).</remarks>
public interface IToolProgress
{
    /// <summary>A new task of <paramref name="total"/> units (documents or bytes), described for a person.</summary>
    IToolTask Start(string description, long total);
}

/// <summary>One task of an <see cref="IToolProgress"/>.</summary>
public interface IToolTask
{
    /// <summary><paramref name="amount"/> more units of the task are done.</summary>
    void Advance(long amount);
}

/// <summary>The inspection layer's progress, reported to a tool's <see cref="IToolProgress"/> (or nowhere).</summary>
internal sealed class ToolProgressAdapter(IToolProgress? progress) : IWorkProgress
{
    public static IWorkProgress For(IToolProgress? progress) => progress is null ? NoProgress.Instance : new ToolProgressAdapter(progress);

    public IWorkTask Start(string description, long total) => new Task(progress!.Start(description, total));

    private sealed class Task(IToolTask task) : IWorkTask
    {
        public void Advance(long amount) => task.Advance(amount);
    }
}
