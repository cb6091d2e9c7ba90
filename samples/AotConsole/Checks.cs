using System.Collections;
using System.Globalization;

namespace ZgDb.AotSample;

/// <summary>Counts checks and prints each failure (expected and actual).</summary>
public sealed class Checks
{
    public int Passed { get; private set; }
    public int Failed { get; private set; }

    public void Equal<T>(string what, T expected, T actual)
    {
        if (EqualityComparer<T>.Default.Equals(expected, actual)) Passed++;
        else Fail(what, $"expected {expected}, got {actual}");
    }

    public void Fail(string what, string detail)
    {
        Failed++;
        Console.WriteLine($"FAIL {what}: {detail}");
    }
}

/// <summary>A query result as text, to compare ZgDb's with LINQ-to-Objects' (invariant culture, order kept).</summary>
public static class Canonical
{
    public static string Run(Func<object?> query)
    {
        try
        {
            return Show(query());
        }
        catch (Exception e)
        {
            // the same exception type on both sides counts as the same answer (First on an empty sequence)
            return "throws " + e.GetType().Name;
        }
    }

    private static string Show(object? value) => value switch
    {
        null => "null",
        Item item => SampleData.Show(item),
        string s => "\"" + s + "\"",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        IEnumerable e => "[" + string.Join(", ", e.Cast<object?>().Select(Show)) + "]",
        _ => value.ToString() ?? "",
    };
}
