using System.Net;
using System.Text;

namespace ZgDb.Cli.Studio;

/// <summary>
/// Builds one HTML page. Every piece of text that comes from the database (names, keys, document JSON, filter text,
/// error messages) goes through <see cref="Text"/> or <see cref="Attribute"/>, which encode &lt; &gt; &amp; " and ';
/// only the page's own markup is written raw (<see cref="Raw"/>, never with user data).
/// </summary>
internal sealed class Html
{
    private readonly StringBuilder _out = new();

    public static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");

    /// <summary>A query-string component (then HTML-encoded where it is written into an attribute).</summary>
    public static string Url(string? text) => Uri.EscapeDataString(text ?? "");

    public Html Raw(string markup)
    {
        _out.Append(markup);
        return this;
    }

    public Html Text(string? text)
    {
        _out.Append(Encode(text));
        return this;
    }

    /// <summary>Opens <paramref name="tag"/>, writes <paramref name="text"/> encoded, closes it.</summary>
    public Html Element(string tag, string? text, string? cssClass = null)
    {
        _out.Append('<').Append(tag);
        if (cssClass is not null) _out.Append(" class=\"").Append(Encode(cssClass)).Append('"');
        _out.Append('>').Append(Encode(text)).Append("</").Append(tag).Append('>');
        return this;
    }

    /// <summary>A link; <paramref name="href"/> is built by the page from <see cref="Url"/>-escaped parts.</summary>
    public Html Link(string href, string? text, string? cssClass = null)
    {
        _out.Append("<a href=\"").Append(Encode(href)).Append('"');
        if (cssClass is not null) _out.Append(" class=\"").Append(Encode(cssClass)).Append('"');
        _out.Append('>').Append(Encode(text)).Append("</a>");
        return this;
    }

    public Html Attribute(string name, string? value)
    {
        _out.Append(' ').Append(name).Append("=\"").Append(Encode(value)).Append('"');
        return this;
    }

    public Html Row(params string?[] cells)
    {
        _out.Append("<tr>");
        foreach (var cell in cells) Element("td", cell);
        _out.Append("</tr>");
        return this;
    }

    public Html HeaderRow(params string[] cells)
    {
        _out.Append("<tr>");
        foreach (var cell in cells) Element("th", cell);
        _out.Append("</tr>");
        return this;
    }

    public override string ToString() => _out.ToString();
}
