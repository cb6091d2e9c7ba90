using Spectre.Console;
using Spectre.Console.Rendering;
using ZgDb.Tooling;

namespace ZgDb.Cli;

/// <summary>Progress bars (percent, rate, time left) on an interactive terminal; nothing when output is redirected.</summary>
internal static class ConsoleProgress
{
    public static T Run<T>(IAnsiConsole console, Func<IToolProgress, T> work)
    {
        if (!console.Profile.Capabilities.Interactive) return work(Silent.Instance);
        return console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RateColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(context => work(new Adapter(context)));
    }

    private sealed class Adapter(ProgressContext context) : IToolProgress
    {
        private ProgressTask? _previous;

        public IToolTask Start(string description, long total)
        {
            if (_previous is { IsFinished: false } previous) previous.Value = previous.MaxValue;
            var task = context.AddTask(description, maxValue: Math.Max(1, total));
            _previous = task;
            return new TaskAdapter(task);
        }
    }

    /// <summary>No bars (output redirected: scripts read it).</summary>
    private sealed class Silent : IToolProgress, IToolTask
    {
        public static readonly Silent Instance = new();
        public IToolTask Start(string description, long total) => this;
        public void Advance(long amount) { }
    }

    private sealed class TaskAdapter(ProgressTask task) : IToolTask
    {
        public void Advance(long amount) => task.Increment(amount);
    }

    /// <summary>Items (documents or bytes) per second.</summary>
    private sealed class RateColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(task.Speed is { } speed ? $"{Human(speed)}/s" : "", new Style(Color.Grey));

        private static string Human(double value) => value switch
        {
            >= 1e9 => $"{value / 1e9:0.0}G",
            >= 1e6 => $"{value / 1e6:0.0}M",
            >= 1e3 => $"{value / 1e3:0.0}k",
            _ => $"{value:0}",
        };
    }
}
