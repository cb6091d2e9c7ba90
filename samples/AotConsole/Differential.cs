using System.Diagnostics.CodeAnalysis;

namespace ZgDb.AotSample;

/// <summary>
/// The LINQ differential check: each query runs on ZgDb and on LINQ-to-Objects over the same list, and the answers
/// (or the exception types) must be identical. Under Native AOT, expression trees run through the interpreter: these
/// are the comparisons that went wrong there (issue 23 §3): decimal, DateTime, string and nullable operands.
/// </summary>
public static class Differential
{
    // LINQ-to-Objects through AsQueryable (EnumerableQuery) is the reference: it rebinds the Queryable calls to
    // Enumerable's by reflection, which the trimmer cannot see. The sample runs it anyway and it works under Native AOT
    // (the queries' generic instantiations are all over Item, int, decimal, DateTime and string, which the sample's own
    // code instantiates); were one missing, the reference side would throw and the check would fail, not pass.
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The reference side of the check; see above.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "The reference side of the check; see above.")]
    public static void Run(Checks checks, string where, IQueryable<Item> db, List<Item> list)
    {
        int before = checks.Failed;
        foreach (var (name, query) in Cases())
        {
            var expected = Canonical.Run(() => query(list.AsQueryable()));
            var actual = Canonical.Run(() => query(db));
            if (expected == actual) checks.Equal(name, expected, actual);
            else checks.Fail($"{where}: {name}", $"\n  LINQ-to-Objects: {Cut(expected)}\n  ZgDb:            {Cut(actual)}");
        }
        Console.WriteLine($"LINQ differential ({where}): {Cases().Count() - (checks.Failed - before)} of {Cases().Count()} queries equal LINQ-to-Objects");
    }

    /// <summary>
    /// LINQ-to-Objects alone (no database): the cases whose reference answer throws in this runtime. Under Native AOT
    /// this shows what .NET's own interpreter cannot run, before any provider sees the query.
    /// </summary>
    [UnconditionalSuppressMessage("Trimming", "IL2026", Justification = "The reference side of the check; see Run.")]
    [UnconditionalSuppressMessage("AOT", "IL3050", Justification = "The reference side of the check; see Run.")]
    public static void Probe(List<Item> list)
    {
        var throwing = new List<(string Name, string Answer)>();
        foreach (var (name, query) in Cases())
        {
            if (name == "First none throws") continue;
            try
            {
                query(list.AsQueryable());
            }
            catch (Exception e)
            {
                throwing.Add((name, $"{e.GetType().Name}: {e.Message.Split('\n')[0]} at {e.StackTrace?.Split('\n').FirstOrDefault()?.Trim()}"));
            }
        }
        Console.WriteLine($"LINQ-to-Objects in this runtime: {Cases().Count() - throwing.Count} of {Cases().Count()} queries run"
            + string.Concat(throwing.Select(t => $"\n  {t.Name}: {t.Answer}")));
    }

    private static string Cut(string s) => s.Length > 400 ? s[..400] + "…" : s;

    /// <summary>The queries; captured values (not only literals) so both the literal and the parameter paths run.</summary>
    public static IEnumerable<(string Name, Func<IQueryable<Item>, object?> Query)> Cases()
    {
        decimal threshold = 300m;
        string lima = new("Lima".AsSpan());
        DateTime mid = new(2024, 4, 1, 0, 0, 0, DateTimeKind.Utc);
        int? noStock = null;
        decimal? half = 1.5m;
        DateTime? due = new DateTime(2024, 2, 1, 0, 0, 0, DateTimeKind.Utc);

        // decimal
        yield return ("Price >= 300m", q => q.Where(x => x.Price >= 300m).Select(x => x.Id).ToList());
        yield return ("Price >= captured", q => q.Where(x => x.Price >= threshold).Select(x => x.Id).ToList());
        yield return ("Price < 100m", q => q.Where(x => x.Price < 100m).Select(x => x.Id).ToList());
        yield return ("Price == 72.5m", q => q.Where(x => x.Price == 72.5m).ToList());
        yield return ("Price != 72.5m count", q => q.Count(x => x.Price != 72.5m));
        yield return ("Price > 100 && <= 200", q => q.Where(x => x.Price > 100m && x.Price <= 200m).OrderBy(x => x.Price).ThenBy(x => x.Id).Select(x => x.Id).ToList());
        yield return ("Price * 2 > 500", q => q.Where(x => x.Price * 2 > 500m).Select(x => x.Id).ToList());
        yield return ("Sum Price", q => q.Sum(x => x.Price));
        yield return ("Min Price", q => q.Min(x => x.Price));
        yield return ("Max Price", q => q.Max(x => x.Price));
        yield return ("Average Price", q => q.Average(x => x.Price));
        yield return ("OrderByDescending Price take", q => q.OrderByDescending(x => x.Price).ThenBy(x => x.Id).Take(10).Select(x => x.Id).ToList());

        // DateTime
        yield return ("At >= mid", q => q.Where(x => x.At >= mid).Select(x => x.Id).ToList());
        yield return ("At < literal", q => q.Where(x => x.At < new DateTime(2024, 2, 1, 0, 0, 0, DateTimeKind.Utc)).Select(x => x.Id).ToList());
        yield return ("At == mid", q => q.Count(x => x.At == mid));
        yield return ("At != mid", q => q.Count(x => x.At != mid));
        yield return ("Min At", q => q.Min(x => x.At));
        yield return ("Max At", q => q.Max(x => x.At));
        yield return ("OrderBy At desc take", q => q.OrderByDescending(x => x.At).Take(5).Select(x => x.Id).ToList());

        // string
        yield return ("City == Lima", q => q.Where(x => x.City == "Lima").Select(x => x.Id).ToList());
        yield return ("City == captured Lima", q => q.Where(x => x.City == lima).Select(x => x.Id).ToList());
        yield return ("City != Lima", q => q.Where(x => x.City != "Lima").Select(x => x.Id).ToList());
        yield return ("City != captured Lima count", q => q.Count(x => x.City != lima));
        yield return ("City == null", q => q.Count(x => x.City == null));
        yield return ("City != null", q => q.Count(x => x.City != null));
        yield return ("string.Equals City", q => q.Count(x => string.Equals(x.City, "Quito")));
        yield return ("City.Equals", q => q.Count(x => x.City != null && x.City.Equals("Quito")));
        yield return ("string.Compare Name > M", q => q.Where(x => string.Compare(x.Name, "M", StringComparison.Ordinal) > 0).Select(x => x.Id).ToList());
        yield return ("string.CompareOrdinal Name <= Grace", q => q.Count(x => string.CompareOrdinal(x.Name, "Grace") <= 0));
        yield return ("Name.StartsWith Gr", q => q.Where(x => x.Name.StartsWith("Gr")).Select(x => x.Id).ToList());
        yield return ("Name.StartsWith ordinal", q => q.Count(x => x.Name.StartsWith("a", StringComparison.Ordinal)));
        yield return ("Name.Contains na", q => q.Where(x => x.Name.Contains("na")).Select(x => x.Id).ToList());
        yield return ("Name.EndsWith 0", q => q.Count(x => x.Name.EndsWith("0")));
        yield return ("Tags.Contains sale", q => q.Where(x => x.Tags.Contains("sale")).Select(x => x.Id).ToList());
        // new[] { ... }.Contains(x.City) binds to MemoryExtensions.Contains(ReadOnlySpan<T>) (C# 14 first-class spans):
        // ZgDb serves it, but .NET's expression interpreter cannot (a ref struct), so LINQ-to-Objects throws
        // NotSupportedException wherever trees are interpreted, Native AOT included; the reference needs a list.
        List<string?> someCities = ["Lima", "Quito"];
        yield return ("City in list", q => q.Where(x => someCities.Contains(x.City)).Select(x => x.Id).ToList());
        yield return ("OrderBy City ordinal-free", q => q.Where(x => x.City != null).OrderBy(x => x.City).ThenBy(x => x.Id).Select(x => x.Id).ToList());
        yield return ("Min Name", q => q.Min(x => x.Name));
        yield return ("Max City", q => q.Max(x => x.City));

        // nullable int
        yield return ("Stock == null", q => q.Count(x => x.Stock == null));
        yield return ("Stock == captured null", q => q.Count(x => x.Stock == noStock));
        yield return ("Stock > 20", q => q.Where(x => x.Stock > 20).Select(x => x.Id).ToList());
        yield return ("Stock <= 10", q => q.Where(x => x.Stock <= 10).Select(x => x.Id).ToList());
        yield return ("Stock != 3", q => q.Count(x => x.Stock != 3));
        yield return ("Stock.HasValue && Value < 5", q => q.Count(x => x.Stock.HasValue && x.Stock.Value < 5));
        yield return ("Sum Stock", q => q.Sum(x => x.Stock));
        yield return ("Min Stock", q => q.Min(x => x.Stock));
        yield return ("Max Stock", q => q.Max(x => x.Stock));
        yield return ("Average Stock", q => q.Average(x => x.Stock));
        yield return ("OrderBy Stock", q => q.OrderBy(x => x.Stock).ThenBy(x => x.Id).Select(x => x.Id).ToList());

        // nullable decimal
        yield return ("Discount >= 1.5m", q => q.Where(x => x.Discount >= 1.5m).Select(x => x.Id).ToList());
        yield return ("Discount >= captured", q => q.Where(x => x.Discount >= half).Select(x => x.Id).ToList());
        yield return ("Discount == null", q => q.Count(x => x.Discount == null));
        yield return ("Discount != 1.5m", q => q.Count(x => x.Discount != 1.5m));
        yield return ("Discount < Price", q => q.Count(x => x.Discount < x.Price));
        yield return ("Sum Discount", q => q.Sum(x => x.Discount));
        yield return ("Average Discount", q => q.Average(x => x.Discount));
        yield return ("Max Discount", q => q.Max(x => x.Discount));

        // nullable DateTime
        yield return ("Due < captured", q => q.Where(x => x.Due < due).Select(x => x.Id).ToList());
        yield return ("Due >= literal", q => q.Count(x => x.Due >= new DateTime(2024, 3, 1, 0, 0, 0, DateTimeKind.Utc)));
        yield return ("Due == null", q => q.Count(x => x.Due == null));
        yield return ("Due != captured", q => q.Count(x => x.Due != due));
        yield return ("Min Due", q => q.Min(x => x.Due));
        yield return ("OrderBy Due desc", q => q.OrderByDescending(x => x.Due).ThenBy(x => x.Id).Select(x => x.Id).Take(20).ToList());

        // double, projections, first/any
        yield return ("Weight > 3.5", q => q.Count(x => x.Weight > 3.5));
        yield return ("Average Weight", q => q.Average(x => x.Weight));
        yield return ("Select anonymous", q => q.Where(x => x.Id < 6).Select(x => new { x.Id, x.City, x.Price }).ToList());
        yield return ("Select tuple-free string", q => q.Where(x => x.Price >= 300m).OrderBy(x => x.Id).Select(x => x.Name + "@" + x.City).ToList());
        yield return ("First Price > 500", q => q.First(x => x.Price > 500m));
        yield return ("FirstOrDefault none", q => q.FirstOrDefault(x => x.Price > 10_000m));
        yield return ("First none throws", q => q.First(x => x.Price > 10_000m));
        yield return ("Any City Lima", q => q.Any(x => x.City == "Lima"));
        yield return ("All Price >= 0", q => q.All(x => x.Price >= 0m));
        yield return ("GroupBy City count", q => q.GroupBy(x => x.City).Select(g => new { g.Key, Count = g.Count() }).OrderBy(g => g.Key).ToList());
        yield return ("Skip Take", q => q.OrderBy(x => x.Id).Skip(10).Take(5).Select(x => x.Id).ToList());
    }
}
