using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace ZgDb.Benchmarks.Scaling;

/// <summary>
/// The scaling plot (ScottPlot): one log-log panel per measure, the cost of one operation against the number of
/// documents, one series per store. A flat series scales with the data; one that rises costs more per operation
/// as the data grows.
/// </summary>
public static class ScalingPlot
{
    private static readonly Dictionary<string, Color> Colors = new()
    {
        ["ZgDb"] = new Color(0x1f, 0x77, 0xb4), ["SQLite"] = new Color(0xd6, 0x27, 0x28),
    };

    public static void Save(string path, IReadOnlyList<int> sizes, IReadOnlyList<string> stores, Func<string, string, int, double?> value)
    {
        var measures = ScalingMeasure.All.Where(m => m.Plotted).ToArray();
        var multiplot = new Multiplot();
        multiplot.AddPlots(measures.Length);
        multiplot.Layout = new ScottPlot.MultiplotLayouts.Grid(2, (measures.Length + 1) / 2);
        for (int m = 0; m < measures.Length; m++)
        {
            var measure = measures[m];
            var plot = multiplot.GetPlot(m);
            double low = double.MaxValue, high = double.MinValue;
            foreach (var store in stores)
            {
                var points = sizes.Select(s => (Size: s, Value: value(measure.Id, store, s)))
                    .Where(p => p.Value is > 0).Select(p => (X: Math.Log10(p.Size), Y: Math.Log10(measure.Cost(p.Value!.Value, p.Size)))).ToArray();
                if (points.Length == 0) continue;
                var scatter = plot.Add.Scatter(points.Select(p => p.X).ToArray(), points.Select(p => p.Y).ToArray());
                scatter.LegendText = store;
                scatter.Color = Colors.GetValueOrDefault(store, new Color(0x2c, 0xa0, 0x2c));
                scatter.LineWidth = 2;
                scatter.MarkerSize = 8;
                low = Math.Min(low, points.Min(p => p.Y));
                high = Math.Max(high, points.Max(p => p.Y));
            }
            plot.Title(measure.Title, size: 13);
            plot.XLabel("documents", size: 12);
            plot.YLabel(measure.CostUnit + " (log)", size: 12);
            var (left, right) = (Math.Log10(sizes.Min()) - 0.25, Math.Log10(sizes.Max()) + 0.25);
            plot.Axes.Bottom.TickGenerator = LogTicks(left, right, [1]);
            plot.Axes.SetLimitsX(left, right);
            if (low <= high)
            {
                // At least one decade tall, so that a flat series looks flat and a slope is comparable across panels.
                var middle = (low + high) / 2;
                var half = Math.Max(0.5, (high - low) / 2 + 0.15);
                plot.Axes.Left.TickGenerator = LogTicks(middle - half, middle + half, [1, 2, 5]);
                plot.Axes.SetLimitsY(middle - half, middle + half);
            }
            plot.ShowLegend(Alignment.UpperLeft);
        }
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        multiplot.SavePng(path, 2000, 900);
    }

    /// <summary>Ticks at <paramref name="steps"/> times each power of ten between log10 values <paramref name="from"/> and <paramref name="to"/>.</summary>
    private static NumericManual LogTicks(double from, double to, int[] steps)
    {
        var ticks = new NumericManual();
        for (int power = (int)Math.Floor(from) - 1; power <= (int)Math.Ceiling(to); power++)
            foreach (var step in steps)
            {
                var position = Math.Log10(step) + power;
                if (position >= from && position <= to) ticks.AddMajor(position, Power(position));
            }
        return ticks;
    }

    /// <summary>A tick at log10 value <paramref name="exponent"/>, labelled with the value itself (1,000 or 0.3).</summary>
    private static string Power(double exponent)
    {
        var v = Math.Pow(10, exponent);
        return v >= 1000 ? v.ToString("N0", CultureInfo.InvariantCulture)
            : v >= 1 ? v.ToString("0.#", CultureInfo.InvariantCulture)
            : v.ToString("0.###", CultureInfo.InvariantCulture);
    }
}
