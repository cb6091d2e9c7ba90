using System.Globalization;

namespace ZgDb.Cli.Studio;

/// <summary>One bar of a chart: its label (shown under it when there is room, always in its tooltip) and value in bytes.</summary>
internal readonly record struct Bar(string Label, long Bytes, string? Detail = null);

/// <summary>
/// A bar chart drawn as inline SVG from the figures (no script, no library): bars scaled to the largest, the largest
/// value on the axis, a tooltip (<c>&lt;title&gt;</c>) per bar. Labels and tooltips are encoded like any page text.
/// </summary>
internal static class SvgBarChart
{
    private const int Width = 760, Height = 190, Left = 70, Right = 10, Top = 12, Bottom = 46;

    public static void Write(Html html, string id, string caption, IReadOnlyList<Bar> bars, string color = "#4a78c2")
    {
        html.Raw("<figure>").Raw($"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" role=\"img\"").Attribute("id", id)
            .Attribute("aria-label", caption).Raw(">");
        long max = Math.Max(1, bars.Count == 0 ? 1 : bars.Max(b => b.Bytes));
        double plotWidth = Width - Left - Right, plotHeight = Height - Top - Bottom;
        html.Raw(Line(Left, Top, Left, Top + plotHeight)).Raw(Line(Left, Top + plotHeight, Width - Right, Top + plotHeight));
        html.Raw(Label(Left - 6, Top + 10, "end")).Text(Commands.Bytes(max)).Raw("</text>");
        html.Raw(Label(Left - 6, Top + plotHeight, "end")).Text("0").Raw("</text>");
        if (bars.Count == 0) html.Raw(Label(Left + plotWidth / 2, Top + plotHeight / 2, "middle")).Text("(nothing)").Raw("</text>");
        double slot = bars.Count == 0 ? 0 : plotWidth / bars.Count;
        bool labelled = slot >= 34;
        for (int i = 0; i < bars.Count; i++)
        {
            var bar = bars[i];
            double height = Math.Max(bar.Bytes > 0 ? 1 : 0, plotHeight * bar.Bytes / max);
            double x = Left + i * slot + Math.Min(2, slot * 0.1);
            double width = Math.Max(0.5, slot - 2 * Math.Min(2, slot * 0.1));
            html.Raw($"<rect x=\"{F(x)}\" y=\"{F(Top + plotHeight - height)}\" width=\"{F(width)}\" height=\"{F(height)}\" fill=\"{color}\"><title>")
                .Text($"{bar.Label}: {Commands.Bytes(bar.Bytes)}" + (bar.Detail is null ? "" : ", " + bar.Detail)).Raw("</title></rect>");
            if (labelled)
                html.Raw(Label(x + width / 2, Top + plotHeight + 14, "middle")).Text(Shorten(bar.Label, (int)(slot / 6.5))).Raw("</text>");
        }
        if (!labelled && bars.Count > 0)
            html.Raw(Label(Left + plotWidth / 2, Top + plotHeight + 14, "middle")).Text($"{bars.Count:N0} bars (hover for each)").Raw("</text>");
        html.Raw("</svg><figcaption>").Text(caption).Raw("</figcaption></figure>");
    }

    private static string Line(double x1, double y1, double x2, double y2) =>
        $"<line x1=\"{F(x1)}\" y1=\"{F(y1)}\" x2=\"{F(x2)}\" y2=\"{F(y2)}\" stroke=\"#888\"/>";

    private static string Label(double x, double y, string anchor) =>
        $"<text x=\"{F(x)}\" y=\"{F(y)}\" text-anchor=\"{anchor}\" font-size=\"11\" fill=\"#333\">";

    private static string Shorten(string text, int length) => text.Length <= Math.Max(3, length) ? text : text[..Math.Max(1, length - 1)] + "…";

    private static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
