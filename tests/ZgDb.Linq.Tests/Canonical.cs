using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Text;

namespace ZgDb.Linq.Tests;

/// <summary>Prints any query result (scalars, documents, anonymous types, groupings, nested sequences) as comparable text.</summary>
public static class Canonical
{
    public static string Print(object? value)
    {
        var builder = new StringBuilder();
        Append(builder, value, 0);
        return builder.ToString();
    }

    private static void Append(StringBuilder b, object? value, int depth)
    {
        if (depth > 12) { b.Append('…'); return; }
        switch (value)
        {
            case null: b.Append("null"); return;
            case string s: b.Append('"').Append(s).Append('"'); return;
            case double d: b.Append(d.ToString("R", CultureInfo.InvariantCulture)); return;
            case float f: b.Append(f.ToString("R", CultureInfo.InvariantCulture)); return;
            case DateTime dt: b.Append(dt.ToString("O", CultureInfo.InvariantCulture)); return;
            case IFormattable formattable when value.GetType().IsPrimitive || value is decimal or Guid or TimeSpan or Enum:
                b.Append(formattable.ToString(null, CultureInfo.InvariantCulture)); return;
            case bool flag: b.Append(flag); return;
        }
        var type = value.GetType();
        var grouping = type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IGrouping<,>));
        if (grouping is not null)
        {
            b.Append("G(");
            Append(b, grouping.GetProperty("Key")!.GetValue(value), depth + 1);
            b.Append(':');
        }
        if (value is IEnumerable sequence)
        {
            b.Append('[');
            foreach (var item in sequence) { Append(b, item, depth + 1); b.Append(','); }
            b.Append(']');
            if (grouping is not null) b.Append(')');
            return;
        }
        b.Append('{');
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
        {
            b.Append(property.Name).Append('=');
            Append(b, property.GetValue(value), depth + 1);
            b.Append(';');
        }
        foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Instance))
        {
            b.Append(field.Name).Append('=');
            Append(b, field.GetValue(value), depth + 1);
            b.Append(';');
        }
        b.Append('}');
    }

    /// <summary>Runs a query and prints its result, or the type of the exception it threw.</summary>
    public static string Run(Func<object?> query)
    {
        try
        {
            return Print(query());
        }
        catch (Exception e) when (e is not NotSupportedException)
        {
            while (e is TargetInvocationException { InnerException: { } inner }) e = inner;
            return "throws " + e.GetType().Name;
        }
    }
}
