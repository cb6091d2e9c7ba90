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
        return Run(args, AnsiConsole.Console, Console.Error, cancel.Token);
    }

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
