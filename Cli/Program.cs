using System.CommandLine;
using Spectre.Console;

namespace ZgDb.Cli;

/// <summary>The <c>zgdb</c> tool's entry point.</summary>
public static class Program
{
    /// <summary>Exit codes.</summary>
    internal const int Ok = 0, ProblemsFound = 1, Failed = 2, Cancelled = 130;

    public static int Main(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true; // stop cleanly: commands check the token and remove what they wrote half
            cancel.Cancel();
        };
        var console = AnsiConsole.Console;
        console.Profile.Width = OutputWidth(Environment.GetEnvironmentVariable("COLUMNS"), Console.IsOutputRedirected, console.Profile.Width);
        return Run(args, console, Console.Error, cancel.Token);
    }

    /// <summary>
    /// The width tables are laid out in: <c>COLUMNS</c> when it is a positive number; through a pipe or into a file,
    /// wide enough that no table is squeezed (a terminal's 80 columns mean nothing there); else the terminal's width.
    /// </summary>
    internal static int OutputWidth(string? columns, bool redirected, int terminalWidth) =>
        int.TryParse(columns, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int width) && width > 0
            ? width
            : redirected ? UnboundedWidth : terminalWidth;

    /// <summary>The layout width of redirected output: tables take their natural width (cells are cut at 48 characters).</summary>
    internal const int UnboundedWidth = 4096;

    /// <summary>Runs one command line with the given console (tests pass a recording one) and cancellation.</summary>
    public static int Run(string[] args, IAnsiConsole console, TextWriter error, CancellationToken cancel = default)
    {
        var root = Commands.Build(console, error, cancel);
        var output = new StringWriter();
        var result = root.Parse(args);
        if (result.Errors.Count > 0 && result.Action is System.CommandLine.Help.HelpAction == false)
        {
            // A usage error (an unknown option, a value not among the allowed ones) is a refusal: exit 2, as documented,
            // not System.CommandLine's 1, which zgdb documents as "verify found problems".
            foreach (var parseError in result.Errors) error.WriteLine("error: " + parseError.Message);
            return Failed;
        }
        int code = result.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null });
        if (output.GetStringBuilder().Length > 0) console.Profile.Out.Writer.Write(output.ToString());
        return code;
    }
}
