using System.Collections;
using System.Globalization;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using ZgDb.Tooling;

namespace ZgDb.Migrations.Export;

/// <summary>
/// An order-independent checksum of a table's content: the sum of an XxHash64 per row, each over a canonical text
/// of the row's stored properties (nested ones included) as the ZgDb model lists them. The source documents and
/// the rows EF Core reads back are hashed alike, so equal checksums mean the target returns what ZgDb holds.
/// The canonical text applies the documented mapping: times at whole microseconds (PostgreSQL's precision),
/// DateTime without its Kind, DateTimeOffset as its UTC instant, decimals without trailing zeros.
/// </summary>
internal sealed class ContentChecksum
{
    private readonly StringBuilder _text = new();
    private ulong _sum;

    public long Rows { get; private set; }

    /// <summary>
    /// Lists of nested classes compare as multisets (<see cref="EfCore.NestedTypeMapping.OwnedColumns"/>: their rows live
    /// in a table, and EF Core reads an owned collection in no particular order; the list order is kept in the key).
    /// </summary>
    public bool UnorderedNestedLists { get; init; }

    /// <summary>The checksum so far: the row count and the sum of row hashes, in hex.</summary>
    public string Value => $"{Rows}:{_sum:x16}";

    /// <summary>The canonical text of one row (what <see cref="Add"/> hashes), for tests and diagnostics.</summary>
    public static string CanonicalText(object row, IReadOnlyList<EntityProperty> properties)
    {
        var checksum = new ContentChecksum();
        checksum.WriteObject(row, properties);
        return checksum._text.ToString();
    }

    public void Add(object row, IReadOnlyList<EntityProperty> properties, string? type = null)
    {
        _text.Clear();
        if (type is not null) _text.Append(type).Append(':'); // a hierarchy's row: its type counts too
        WriteObject(row, properties);
        _sum = unchecked(_sum + XxHash64.HashToUInt64(MemoryMarshal.AsBytes(_text.ToString().AsSpan())));
        Rows++;
    }

    private void WriteObject(object value, IReadOnlyList<EntityProperty> properties)
    {
        _text.Append('{');
        foreach (var property in properties)
        {
            _text.Append(property.Name).Append('=');
            WriteValue(property.Info.GetValue(value), property);
            _text.Append(';');
        }
        _text.Append('}');
    }

    private void WriteValue(object? value, EntityProperty property)
    {
        if (value is null)
        {
            _text.Append('\u2205');
            return;
        }
        switch (property.Shape)
        {
            case PropertyShape.Scalar:
                WriteScalar(value);
                break;
            case PropertyShape.Nested:
                WriteObject(value, property.NestedProperties);
                break;
            default:
                var items = ((IEnumerable)value).Cast<object?>().ToList();
                _text.Append('[').Append(items.Count).Append(':');
                if (UnorderedNestedLists && property.NestedProperties.Count > 0)
                {
                    var texts = new List<string>(items.Count);
                    foreach (var item in items)
                    {
                        int start = _text.Length;
                        if (item is null) _text.Append('\u2205');
                        else WriteObject(item, property.NestedProperties);
                        texts.Add(_text.ToString(start, _text.Length - start));
                        _text.Length = start;
                    }
                    texts.Sort(StringComparer.Ordinal);
                    foreach (var text in texts) _text.Append(text).Append(',');
                    _text.Append(']');
                    break;
                }
                foreach (var item in items)
                {
                    if (item is null) _text.Append('\u2205');
                    else if (property.NestedProperties.Count > 0 || !ZgDbTooling.IsScalar(item.GetType())) WriteObject(item, property.NestedProperties);
                    else WriteScalar(item);
                    _text.Append(',');
                }
                _text.Append(']');
                break;
        }
    }

    private void WriteScalar(object value)
    {
        var text = value switch
        {
            string s => s.Length.ToString(CultureInfo.InvariantCulture) + ":" + s,
            bool b => b ? "1" : "0",
            Enum e => Convert.ToDecimal(e, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
            float f => f.ToString("R", CultureInfo.InvariantCulture),
            double d => d.ToString("R", CultureInfo.InvariantCulture),
            decimal m => (m / 1.000000000000000000000000000000000m).ToString(CultureInfo.InvariantCulture),
            DateTime t => "t" + (t.Ticks / 10).ToString(CultureInfo.InvariantCulture),
            DateTimeOffset o => "o" + (o.UtcTicks / 10).ToString(CultureInfo.InvariantCulture),
            TimeSpan span => "s" + (span.Ticks / 10).ToString(CultureInfo.InvariantCulture),
            TimeOnly time => "h" + (time.Ticks / 10).ToString(CultureInfo.InvariantCulture),
            DateOnly date => "d" + date.DayNumber.ToString(CultureInfo.InvariantCulture),
            Guid g => g.ToString("N"),
            char c => "c" + ((int)c).ToString(CultureInfo.InvariantCulture),
            byte[] bytes => "b" + Convert.ToBase64String(bytes),
            IFormattable number => number.ToString(null, CultureInfo.InvariantCulture),
            _ => value.ToString(),
        };
        _text.Append(text);
    }
}
