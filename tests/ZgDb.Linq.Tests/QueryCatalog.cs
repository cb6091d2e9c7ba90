using System.Globalization;

namespace ZgDb.Linq.Tests;

/// <summary>One query of the differential suite, written once and run on ZgDb and on LINQ-to-Objects.</summary>
public sealed record QueryCase(string Name, Func<IQueryable<Person>, IQueryable<Order>, IQueryable<Product>, object?> Run)
{
    public override string ToString() => Name;
}

/// <summary>The differential suite's queries: every operator, over indexed and unindexed properties.</summary>
public static class QueryCatalog
{
    public static readonly IReadOnlyList<QueryCase> All = Build();
    public static IEnumerable<object[]> Names => All.Select(c => new object[] { c.Name });

    private static List<QueryCase> Build()
    {
        var cases = new List<QueryCase>();
        void Q(string name, Func<IQueryable<Person>, IQueryable<Order>, IQueryable<Product>, object?> run)
        {
            if (cases.Any(c => c.Name == name)) throw new InvalidOperationException("duplicate case " + name);
            cases.Add(new QueryCase(name, run));
        }

        // ---- primary key ----
        foreach (var id in new[] { 1, 2, 42, 5999, 6000, 6001, 0, -1 })
        {
            Q($"pk == {id}", (p, o, r) => p.Where(x => x.Id == id).ToList());
            Q($"pk FirstOrDefault {id}", (p, o, r) => p.FirstOrDefault(x => x.Id == id));
        }
        foreach (var (lo, hi) in new[] { (10, 20), (5990, 7000), (-5, 3), (3000, 3000), (100, 50) })
        {
            Q($"pk range [{lo},{hi})", (p, o, r) => p.Where(x => x.Id >= lo && x.Id < hi).ToList());
            Q($"pk range ({lo},{hi}] desc", (p, o, r) => p.Where(x => x.Id > lo && hi >= x.Id).OrderByDescending(x => x.Id).ToList());
        }
        var ids = new List<int> { 5, 3, 3, 9999, 1, 2048, 2049 };
        Q("pk in list", (p, o, r) => p.Where(x => ids.Contains(x.Id)).ToList());
        Q("pk in array", (p, o, r) => p.Where(x => new[] { 7, 700, 70 }.Contains(x.Id)).Select(x => x.Name).ToList());
        Q("pk in empty", (p, o, r) => p.Where(x => new List<int>().Contains(x.Id)).ToList());
        Q("pk in list ordered desc", (p, o, r) => p.Where(x => ids.Contains(x.Id)).OrderByDescending(x => x.Id).Select(x => x.Id).ToList());
        Q("pk and filter", (p, o, r) => p.Where(x => x.Id < 500 && x.Age > 50).Select(x => new { x.Id, x.Age }).ToList());
        Q("pk order take", (p, o, r) => p.OrderBy(x => x.Id).Take(5).ToList());
        Q("pk order desc take", (p, o, r) => p.OrderByDescending(x => x.Id).Take(5).Select(x => x.Id).ToList());
        Q("string key eq", (p, o, r) => r.Where(x => x.Code == "P0010é").ToList());
        Q("string key order (culture)", (p, o, r) => r.OrderBy(x => x.Code).Select(x => x.Code).ToList());
        Q("string key order desc take", (p, o, r) => r.OrderByDescending(x => x.Code).Take(7).Select(x => x.Code).ToList());
        Q("string key compare", (p, o, r) => r.Where(x => string.Compare(x.Code, "P0100", StringComparison.Ordinal) > 0).Count());
        Q("string key in", (p, o, r) => r.Where(x => new[] { "P0001", "P0500", "nope" }.Contains(x.Code)).ToList());

        // ---- equality and ranges on every kind of property ----
        foreach (var city in new[] { "Paris", "paris", "Zürich", "東京", "Nowhere", "" })
        {
            Q($"city == {city}", (p, o, r) => p.Where(x => x.City == city).Select(x => x.Id).ToList());
            Q($"city != {city} count", (p, o, r) => p.Count(x => x.City != city));
            Q($"city == {city} order name take", (p, o, r) => p.Where(x => x.City == city).OrderBy(x => x.Name).ThenBy(x => x.Id).Take(20).ToList());
        }
        string? noCity = null;
        Q("city == null", (p, o, r) => p.Where(x => x.City == null).Select(x => x.Id).ToList());
        Q("city == captured null", (p, o, r) => p.Where(x => x.City == noCity).Count());
        Q("city != null order city", (p, o, r) => p.Where(x => x.City != null).OrderBy(x => x.City).ThenBy(x => x.Id).Select(x => x.City).Take(100).ToList());
        foreach (var age in new[] { 0, 1, 25, 50, 99, 100, int.MaxValue, int.MinValue })
        {
            Q($"age > {age}", (p, o, r) => p.Where(x => x.Age > age).Select(x => x.Id).ToList());
            Q($"age >= {age} order age take 10", (p, o, r) => p.Where(x => x.Age >= age).OrderBy(x => x.Age).Take(10).ToList());
            Q($"age < {age} order age desc take 10", (p, o, r) => p.Where(x => x.Age < age).OrderByDescending(x => x.Age).Take(10).Select(x => x.Id).ToList());
            Q($"age <= {age} count", (p, o, r) => p.Count(x => x.Age <= age));
            Q($"age == {age}", (p, o, r) => p.Where(x => age == x.Age).ToList());
        }
        foreach (var (lo, hi) in new[] { (20, 30), (30, 20), (0, 0), (98, 1000) })
        {
            Q($"age between {lo} {hi}", (p, o, r) => p.Where(x => x.Age >= lo && x.Age <= hi).Select(x => x.Id).ToList());
            Q($"age between {lo} {hi} order desc", (p, o, r) => p.Where(x => x.Age > lo && x.Age < hi).OrderByDescending(x => x.Age).Select(x => new { x.Id, x.Age }).ToList());
            Q($"age between {lo} {hi} count", (p, o, r) => p.Where(x => x.Age >= lo).Where(x => x.Age <= hi).LongCount());
        }
        foreach (var score in new int?[] { null, -50, 0, 10, 49 })
        {
            Q($"score == {score}", (p, o, r) => p.Where(x => x.Score == score).Select(x => x.Id).ToList());
            Q($"score < {score}", (p, o, r) => p.Where(x => x.Score < score).Select(x => x.Id).ToList());
            Q($"score >= {score} order score", (p, o, r) => p.Where(x => x.Score >= score).OrderBy(x => x.Score).Select(x => x.Score).ToList());
        }
        Q("score has value count", (p, o, r) => p.Count(x => x.Score.HasValue));
        Q("score getvalueordefault", (p, o, r) => p.Where(x => x.Score.GetValueOrDefault() == 0).Count());
        Q("score order nulls first", (p, o, r) => p.OrderBy(x => x.Score).ThenBy(x => x.Id).Take(30).Select(x => x.Id).ToList());
        Q("score order desc", (p, o, r) => p.OrderByDescending(x => x.Score).Take(30).Select(x => new { x.Id, x.Score }).ToList());
        Q("score < 0 count", (p, o, r) => p.Count(x => x.Score < 0));
        foreach (var h in new[] { 0.0, 1.5, double.NaN, -0.0 })
        {
            Q($"height > {h}", (p, o, r) => p.Where(x => x.Height > h).Count());
            Q($"height == {h}", (p, o, r) => p.Where(x => x.Height == h).Select(x => x.Id).ToList());
        }
        Q("height order", (p, o, r) => p.OrderBy(x => x.Height).ThenBy(x => x.Id).Select(x => x.Id).Take(50).ToList());
        Q("height isnan", (p, o, r) => p.Where(x => double.IsNaN(x.Height)).ToList());
        foreach (var m in new[] { 0m, 1000.5m, -4999m })
        {
            Q($"balance > {m}", (p, o, r) => p.Where(x => x.Balance > m).Count());
            Q($"balance sum where > {m}", (p, o, r) => p.Where(x => x.Balance > m).Sum(x => x.Balance));
        }
        // ---- issue 23 §3: the comparisons reported wrong under the expression interpreter (Native AOT), with literals
        // (the C# compiler's method-based decimal operators), captured values, nullable lifts and fresh strings ----
        Q("issue23 balance >= literal", (p, o, r) => p.Where(x => x.Balance >= 300m).Select(x => x.Id).ToList());
        Q("issue23 balance < literal", (p, o, r) => p.Count(x => x.Balance < -300.25m));
        Q("issue23 balance == literal", (p, o, r) => p.Count(x => x.Balance == 0m));
        Q("issue23 balance != literal", (p, o, r) => p.Count(x => x.Balance != 0m));
        Q("issue23 balance * 2 > literal", (p, o, r) => p.Count(x => x.Balance * 2 > 1000m));
        Q("issue23 balance min max avg", (p, o, r) => new object[] { p.Min(x => x.Balance), p.Max(x => x.Balance), p.Average(x => x.Balance) });
        Q("issue23 city != literal", (p, o, r) => p.Where(x => x.City != "Paris").Select(x => x.Id).ToList());
        Q("issue23 city == fresh string", (p, o, r) => { var paris = new string("Paris".AsSpan()); return p.Where(x => x.City == paris).Select(x => x.Id).ToList(); });
        Q("issue23 city != fresh string", (p, o, r) => { var paris = new string("Paris".AsSpan()); return p.Count(x => x.City != paris); });
        Q("issue23 string.Equals city", (p, o, r) => p.Count(x => string.Equals(x.City, "Berlin")));
        Q("issue23 string.Compare name", (p, o, r) => p.Count(x => string.Compare(x.Name, "Karl", StringComparison.Ordinal) >= 0));
        Q("issue23 born >= literal", (p, o, r) => p.Count(x => x.Born >= new DateTime(1980, 1, 1)));
        Q("issue23 born != literal", (p, o, r) => p.Count(x => x.Born != new DateTime(1990, 1, 1)));
        Q("issue23 score >= literal", (p, o, r) => p.Where(x => x.Score >= 50).Select(x => x.Id).ToList());
        Q("issue23 score != literal", (p, o, r) => p.Count(x => x.Score != 3));
        Q("issue23 score == null", (p, o, r) => p.Count(x => x.Score == null));
        Q("issue23 score sum min max avg", (p, o, r) => new object?[] { p.Sum(x => x.Score), p.Min(x => x.Score), p.Max(x => x.Score), p.Average(x => x.Score) });
        Q("issue23 order amount take", (p, o, r) => o.Where(x => x.Amount >= 100m).OrderBy(x => x.Amount).ThenBy(x => x.Id).Take(20).Select(x => x.Id).ToList());
        Q("issue23 at < literal", (p, o, r) => o.Count(x => x.At < new DateTime(2020, 1, 1)));

        var born = new DateTime(1980, 6, 1);
        Q("born > date", (p, o, r) => p.Where(x => x.Born > born).Select(x => x.Id).ToList());
        Q("born range order take", (p, o, r) => p.Where(x => x.Born >= born && x.Born < born.AddYears(5)).OrderBy(x => x.Born).Take(15).ToList());
        Q("born year", (p, o, r) => p.Where(x => x.Born.Year == 1975).Select(x => x.Id).ToList());
        Q("born month day", (p, o, r) => p.Where(x => x.Born.Month == 2 && x.Born.Day == 29).ToList());
        Q("born dayofweek", (p, o, r) => p.Count(x => x.Born.DayOfWeek == DayOfWeek.Sunday));
        Q("born date", (p, o, r) => p.Where(x => x.Born.Date == new DateTime(1990, 1, 1)).ToList());
        Q("born adddays", (p, o, r) => p.Where(x => x.Born.AddDays(10000) > new DateTime(2000, 1, 1)).Count());
        Q("born hour", (p, o, r) => p.Where(x => x.Born.Hour == 12 && x.Born.Minute < 5).Select(x => x.Born).ToList());
        Q("born order desc take", (p, o, r) => p.OrderByDescending(x => x.Born).Take(10).Select(x => x.Born).ToList());
        foreach (var status in Enum.GetValues<Status>())
        {
            Q($"status == {status}", (p, o, r) => p.Where(x => x.Status == status).Select(x => x.Id).ToList());
            Q($"status != {status} count", (p, o, r) => p.Count(x => x.Status != status));
        }
        Q("status literal", (p, o, r) => p.Where(x => x.Status == Status.Banned).Count());
        Q("status cast > 1", (p, o, r) => p.Where(x => (int)x.Status > 1).Count());
        Q("status in list", (p, o, r) => p.Where(x => new[] { Status.Active, Status.Pending }.Contains(x.Status)).Select(x => x.Id).ToList());
        Q("status order", (p, o, r) => p.OrderBy(x => x.Status).Take(20).Select(x => new { x.Id, x.Status }).ToList());
        Q("active", (p, o, r) => p.Where(x => x.Active).Count());
        Q("not active", (p, o, r) => p.Where(x => !x.Active).Select(x => x.Id).Take(100).ToList());
        Q("active == false and age", (p, o, r) => p.Where(x => x.Active == false && x.Age > 90).ToList());
        Q("big", (p, o, r) => p.Where(x => x.Big > 1_000_000_000L).Count());
        Q("big extremes", (p, o, r) => p.Where(x => x.Big == long.MaxValue || x.Big == long.MinValue).ToList());
        Q("big order", (p, o, r) => p.OrderBy(x => x.Big).Take(5).Select(x => x.Big).ToList());
        var guid = TestData.People(20)[10].External;
        Q("guid eq", (p, o, r) => p.Where(x => x.External == guid).ToList());
        Q("guid order", (p, o, r) => p.OrderBy(x => x.External).Take(10).Select(x => x.Id).ToList());
        foreach (var email in new[] { "user5@example.com", "user7@Example.com", "USER5@example.com", "none" })
        {
            Q($"email == {email}", (p, o, r) => p.Where(x => x.Email == email).ToList());
            Q($"email equals ordinal {email}", (p, o, r) => p.Where(x => x.Email.Equals(email, StringComparison.Ordinal)).Count());
            Q($"email equals ignorecase {email}", (p, o, r) => p.Where(x => x.Email.Equals(email, StringComparison.OrdinalIgnoreCase)).Select(x => x.Id).ToList());
            Q($"string.Equals {email}", (p, o, r) => p.Where(x => string.Equals(x.Email, email)).Count());
        }

        // ---- strings ----
        foreach (var prefix in new[] { "Ka", "K", "ka", "Z", "", "Ω", "😀", "Str" })
        {
            Q($"name startswith {prefix}", (p, o, r) => p.Where(x => x.Name.StartsWith(prefix)).Select(x => x.Id).ToList());
            Q($"name startswith ordinal {prefix}", (p, o, r) => p.Where(x => x.Name.StartsWith(prefix, StringComparison.Ordinal)).Select(x => x.Id).ToList());
            Q($"name startswith ordinal {prefix} count", (p, o, r) => p.Count(x => x.Name.StartsWith(prefix, StringComparison.Ordinal)));
            Q($"name startswith ignorecase {prefix}", (p, o, r) => p.Count(x => x.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)));
        }
        Q("name endswith", (p, o, r) => p.Where(x => x.Name.EndsWith("1")).Select(x => x.Name).ToList());
        Q("name endswith ordinal", (p, o, r) => p.Count(x => x.Name.EndsWith("rl", StringComparison.Ordinal)));
        Q("name contains", (p, o, r) => p.Where(x => x.Name.Contains("ar")).Select(x => x.Id).ToList());
        Q("name contains char", (p, o, r) => p.Count(x => x.Name.Contains('ß')));
        Q("name contains ignorecase", (p, o, r) => p.Count(x => x.Name.Contains("KAR", StringComparison.OrdinalIgnoreCase)));
        Q("name tolower", (p, o, r) => p.Where(x => x.Name.ToLower() == "karl").Count());
        Q("name toupper", (p, o, r) => p.Where(x => x.Name.ToUpper().StartsWith("KA")).Select(x => x.Id).ToList());
        Q("name toupperinvariant", (p, o, r) => p.Where(x => x.Name.ToUpperInvariant() == "KARL").Count());
        Q("name isnullorempty", (p, o, r) => p.Where(x => string.IsNullOrEmpty(x.Name)).Select(x => x.Id).ToList());
        Q("city isnullorempty", (p, o, r) => p.Count(x => string.IsNullOrEmpty(x.City)));
        Q("city isnullorwhitespace", (p, o, r) => p.Count(x => !string.IsNullOrWhiteSpace(x.City)));
        Q("name length", (p, o, r) => p.Where(x => x.Name.Length > 6).Count());
        Q("name length order", (p, o, r) => p.OrderBy(x => x.Name.Length).ThenBy(x => x.Id).Take(20).Select(x => x.Name).ToList());
        Q("name equals invariant ignorecase", (p, o, r) => p.Count(x => x.Name.Equals("karl", StringComparison.InvariantCultureIgnoreCase)));
        Q("name compare culture", (p, o, r) => p.Count(x => string.Compare(x.Name, "M") < 0));
        Q("name compareto", (p, o, r) => p.Count(x => x.Name.CompareTo("Karl") == 0));
        Q("name order culture", (p, o, r) => p.OrderBy(x => x.Name).ThenBy(x => x.Id).Select(x => x.Name).ToList());
        Q("name order desc culture take", (p, o, r) => p.OrderByDescending(x => x.Name).Take(40).Select(x => x.Id).ToList());
        Q("name substring", (p, o, r) => p.Where(x => x.Name.Length > 2 && x.Name.Substring(0, 2) == "Ka").Count());
        Q("name trim replace", (p, o, r) => p.Where(x => x.Name.Trim().Replace(" ", "") == "Karl").Count());
        Q("name indexof", (p, o, r) => p.Count(x => x.Name.IndexOf("a", StringComparison.Ordinal) == 1));
        Q("city startswith", (p, o, r) => p.Where(x => x.City != null && x.City.StartsWith("P")).Select(x => x.City).Distinct().ToList());
        Q("city contains null-safe", (p, o, r) => p.Count(x => (x.City ?? "").Contains("o")));
        Q("concat strings", (p, o, r) => p.Where(x => x.Id < 30).Select(x => x.Name + "@" + (x.City ?? "-")).ToList());
        Q("string format", (p, o, r) => p.Where(x => x.Id < 10).Select(x => string.Format(CultureInfo.InvariantCulture, "{0}:{1}", x.Id, x.Age)).ToList());

        // ---- nested, nulls, collections in documents ----
        Q("address null", (p, o, r) => p.Where(x => x.Address == null).Select(x => x.Id).ToList());
        Q("address zip eq", (p, o, r) => p.Where(x => x.Address != null && x.Address.Zip == "10010").Select(x => x.Id).ToList());
        Q("address zip eq null-safe", (p, o, r) => p.Where(x => (x.Address == null ? null : x.Address.Zip) == "10020").Count());
        Q("address zip eq count", (p, o, r) => p.Where(x => x.Address != null).Where(x => x.Address!.Zip == "10020").Count());
        Q("address zip in", (p, o, r) => p.Where(x => x.Address != null && new[] { "10001", "10059" }.Contains(x.Address.Zip)).Select(x => x.Id).ToList());
        Q("address floor", (p, o, r) => p.Where(x => x.Address != null && x.Address.Floor < 0).Select(x => new { x.Id, x.Address!.Floor }).ToList());
        Q("address street null-conditional", (p, o, r) => p.Count(x => (x.Address == null ? null : x.Address.Street) == null));
        Q("address projection", (p, o, r) => p.Where(x => x.Id < 40).Select(x => x.Address).ToList());
        Q("address order by zip", (p, o, r) => p.Where(x => x.Address != null).OrderBy(x => x.Address!.Zip).ThenBy(x => x.Id).Take(25).Select(x => x.Id).ToList());
        Q("tags contains", (p, o, r) => p.Where(x => x.Tags.Contains("vip")).Select(x => x.Id).ToList());
        Q("tags any", (p, o, r) => p.Count(x => x.Tags.Any()));
        Q("tags count", (p, o, r) => p.Where(x => x.Tags.Count == 3).Select(x => x.Tags).ToList());
        Q("tags any predicate", (p, o, r) => p.Count(x => x.Tags.Any(t => t.StartsWith("ü"))));
        Q("tags all", (p, o, r) => p.Count(x => x.Tags.All(t => t == "eu")));
        Q("tags projection", (p, o, r) => p.Where(x => x.Id % 100 == 0).Select(x => new { x.Id, x.Tags }).ToList());
        Q("tags first or default", (p, o, r) => p.Where(x => x.Id < 50).Select(x => x.Tags.FirstOrDefault()).ToList());
        Q("selectmany tags", (p, o, r) => p.Where(x => x.Id < 200).SelectMany(x => x.Tags).ToList());
        Q("selectmany tags distinct", (p, o, r) => p.SelectMany(x => x.Tags).Distinct().OrderBy(t => t).ToList());
        Q("selectmany tags with result", (p, o, r) => p.Where(x => x.Age > 95).SelectMany(x => x.Tags, (x, t) => new { x.Id, t }).ToList());
        Q("selectmany tags group count", (p, o, r) => p.SelectMany(x => x.Tags).GroupBy(t => t).Select(g => new { g.Key, N = g.Count() }).OrderBy(g => g.Key).ToList());

        // ---- OrderBy/ThenBy/Skip/Take ----
        Q("order age then name", (p, o, r) => p.OrderBy(x => x.Age).ThenBy(x => x.Name).Take(50).Select(x => x.Id).ToList());
        Q("order age desc then id desc", (p, o, r) => p.OrderByDescending(x => x.Age).ThenByDescending(x => x.Id).Skip(10).Take(30).Select(x => x.Id).ToList());
        Q("order city then age desc", (p, o, r) => p.OrderBy(x => x.City).ThenByDescending(x => x.Age).Select(x => x.Id).Take(200).ToList());
        Q("order twice (stable)", (p, o, r) => p.OrderBy(x => x.Name).OrderBy(x => x.Age).Select(x => x.Id).Take(100).ToList());
        Q("order twice thenby", (p, o, r) => p.OrderBy(x => x.City).ThenBy(x => x.Id).OrderBy(x => x.Status).ThenBy(x => x.Age).Select(x => x.Id).Take(100).ToList());
        Q("order computed", (p, o, r) => p.OrderBy(x => x.Age % 7).ThenBy(x => -x.Id).Take(20).Select(x => x.Id).ToList());
        Q("order bool", (p, o, r) => p.OrderBy(x => x.Active).Take(20).Select(x => x.Id).ToList());
        Q("order decimal", (p, o, r) => p.OrderByDescending(x => x.Balance).Take(10).Select(x => x.Balance).ToList());
        Q("age order whole", (p, o, r) => p.OrderBy(x => x.Age).Select(x => x.Id).ToList());
        Q("age order desc whole", (p, o, r) => p.OrderByDescending(x => x.Age).Select(x => x.Id).ToList());
        foreach (var (skip, take) in new[] { (0, 0), (0, 1), (5, 10), (5990, 20), (7000, 5), (-3, 4), (3, -4) })
        {
            Q($"skip {skip} take {take}", (p, o, r) => p.Skip(skip).Take(take).Select(x => x.Id).ToList());
            Q($"order age skip {skip} take {take}", (p, o, r) => p.OrderBy(x => x.Age).Skip(skip).Take(take).Select(x => x.Id).ToList());
        }
        Q("take then where", (p, o, r) => p.Take(100).Where(x => x.Age > 50).Select(x => x.Id).ToList());
        Q("take then order", (p, o, r) => p.Take(100).OrderBy(x => x.Name).Select(x => x.Id).ToList());
        Q("skip then count", (p, o, r) => p.Skip(100).Count());
        Q("take take", (p, o, r) => p.Take(100).Take(10).Skip(2).ToList());
        Q("where order where", (p, o, r) => p.Where(x => x.Age > 10).OrderBy(x => x.Age).Where(x => x.City == "Paris").Take(10).Select(x => x.Id).ToList());
        Q("reverse", (p, o, r) => p.Where(x => x.Id < 20).Reverse().Select(x => x.Id).ToList());
        Q("city+age composite", (p, o, r) => p.Where(x => x.City == "Berlin" && x.Age == 30).Select(x => x.Id).ToList());
        Q("city+age composite range", (p, o, r) => p.Where(x => x.City == "Berlin" && x.Age > 90).OrderBy(x => x.Age).Select(x => x.Id).ToList());
        Q("city+age composite order take", (p, o, r) => p.Where(x => x.City == "London").OrderByDescending(x => x.Age).Take(5).ToList());

        // ---- element operators ----
        Q("first", (p, o, r) => p.First());
        Q("first pred", (p, o, r) => p.First(x => x.Age > 98));
        Q("first empty throws", (p, o, r) => p.First(x => x.Age > 1000));
        Q("firstordefault empty", (p, o, r) => p.FirstOrDefault(x => x.City == "Atlantis"));
        Q("first ordered", (p, o, r) => p.OrderBy(x => x.Born).First());
        Q("single", (p, o, r) => p.Single(x => x.Email == "user77@example.com"));
        Q("single throws many", (p, o, r) => p.Single(x => x.City == "Paris"));
        Q("singleordefault none", (p, o, r) => p.SingleOrDefault(x => x.Id == -7));
        Q("singleordefault many throws", (p, o, r) => p.SingleOrDefault(x => x.Age == 5));
        Q("last", (p, o, r) => p.Last());
        Q("last pred", (p, o, r) => p.Last(x => x.Age == 33));
        Q("lastordefault", (p, o, r) => p.LastOrDefault(x => x.Age == 1000));
        Q("last ordered", (p, o, r) => p.OrderBy(x => x.Age).Last());
        Q("first projection", (p, o, r) => p.Where(x => x.City == "Kabul").Select(x => x.Name).First());
        Q("elementat", (p, o, r) => p.Skip(17).First());
        Q("firstordefault address", (p, o, r) => p.Where(x => x.Address != null).Select(x => x.Address).FirstOrDefault());

        // ---- quantifiers and aggregates ----
        Q("any", (p, o, r) => p.Any());
        Q("any pred", (p, o, r) => p.Any(x => x.Age == 77));
        Q("any none", (p, o, r) => p.Any(x => x.City == "Atlantis"));
        Q("all", (p, o, r) => p.All(x => x.Age >= int.MinValue));
        Q("all false", (p, o, r) => p.All(x => x.Age < 99));
        Q("all projected", (p, o, r) => p.Select(x => x.Age).All(a => a > -1));
        Q("count", (p, o, r) => p.Count());
        Q("longcount pred", (p, o, r) => p.LongCount(x => x.Active));
        Q("count after select", (p, o, r) => p.Select(x => x.Name).Count());
        Q("sum int", (p, o, r) => p.Where(x => x.Age < 100).Sum(x => x.Age));
        Q("sum overflow", (p, o, r) => p.Sum(x => x.Age));
        Q("sum long", (p, o, r) => p.Where(x => x.Id > 10).Sum(x => (long)x.Age));
        Q("sum nullable", (p, o, r) => p.Sum(x => x.Score));
        Q("sum decimal", (p, o, r) => p.Sum(x => x.Balance));
        Q("sum double", (p, o, r) => p.Where(x => x.Id > 5).Sum(x => x.Height));
        Q("min", (p, o, r) => p.Min(x => x.Age));
        Q("max", (p, o, r) => p.Max(x => x.Born));
        Q("min nullable", (p, o, r) => p.Min(x => x.Score));
        Q("max string", (p, o, r) => p.Max(x => x.Name));
        Q("min string city", (p, o, r) => p.Min(x => x.City));
        Q("min empty throws", (p, o, r) => p.Where(x => x.Age > 1000).Min(x => x.Age));
        Q("max empty nullable", (p, o, r) => p.Where(x => x.Age > 1000).Max(x => x.Score));
        Q("average", (p, o, r) => p.Where(x => x.Age < 100 && x.Age >= 0).Average(x => x.Age));
        Q("average nullable", (p, o, r) => p.Average(x => x.Score));
        Q("average decimal", (p, o, r) => p.Average(x => x.Balance));
        Q("average empty throws", (p, o, r) => p.Where(x => x.Age > 1000).Average(x => x.Age));
        Q("contains value", (p, o, r) => p.Select(x => x.Age).Contains(42));
        Q("contains city", (p, o, r) => p.Select(x => x.City).Contains("Atlantis"));
        Q("aggregate", (p, o, r) => p.Where(x => x.Id < 10).Select(x => x.Age).Aggregate((a, b) => a ^ b));
        Q("aggregate seed", (p, o, r) => p.Where(x => x.Id < 10).Select(x => x.Name).Aggregate("", (a, b) => a + b.Length));

        // ---- projections ----
        Q("select anonymous", (p, o, r) => p.Where(x => x.Age == 40).Select(x => new { x.Id, x.Name, City = x.City ?? "?" }).ToList());
        Q("select nested", (p, o, r) => p.Where(x => x.Id < 100).Select(x => new { x.Id, Zip = x.Address == null ? null : x.Address.Zip, Deep = new { x.Age, x.Status } }).ToList());
        Q("select method", (p, o, r) => p.Where(x => x.Id < 60).Select(x => x.Name.ToUpperInvariant() + x.Age.ToString(CultureInfo.InvariantCulture)).ToList());
        Q("select tuple", (p, o, r) => p.Where(x => x.Id < 20).Select(x => Tuple.Create(x.Id, x.Age)).ToList());
        Q("select value tuple", (p, o, r) => p.Where(x => x.Id < 20).Select(x => ValueTuple.Create(x.Id, x.City)).ToList());
        Q("select new person", (p, o, r) => p.Where(x => x.Id < 20).Select(x => new Person { Id = x.Id, Name = x.Name + "!" }).ToList());
        Q("select conditional", (p, o, r) => p.Select(x => x.Age > 50 ? "old" : "young").Distinct().ToList());
        Q("select index arithmetic", (p, o, r) => p.Where(x => x.Id < 50).Select(x => x.Age * 2 + x.Id).ToList());
        Q("select then where", (p, o, r) => p.Select(x => new { x.Id, x.Age }).Where(a => a.Age > 90).Select(a => a.Id).ToList());
        Q("select then orderby", (p, o, r) => p.Select(x => new { x.Id, x.Name }).OrderBy(a => a.Name).ThenBy(a => a.Id).Take(30).ToList());
        Q("select distinct cities", (p, o, r) => p.Select(x => x.City).Distinct().ToList());
        Q("distinct ages ordered", (p, o, r) => p.Select(x => x.Age).Distinct().OrderBy(a => a).ToList());
        Q("distinct documents", (p, o, r) => p.Where(x => x.Id < 10).Distinct().Count());
        Q("select document", (p, o, r) => p.Where(x => x.Age == 12).Select(x => x).ToList());
        Q("let query syntax", (p, o, r) => (from x in p let n = x.Name.Length where n > 8 orderby n, x.Id select new { x.Id, n }).ToList());
        Q("query syntax", (p, o, r) => (from x in p where x.Age > 25 orderby x.Name select x.Name).Take(50).ToList());
        Q("cast", (p, o, r) => p.Where(x => x.Id < 10).Select(x => (object)x.Id).Cast<int>().ToList());
        Q("oftype", (p, o, r) => p.Where(x => x.Id < 10).Select(x => (object)x.City!).OfType<string>().ToList());
        Q("defaultifempty", (p, o, r) => p.Where(x => x.Age > 1000).Select(x => x.Id).DefaultIfEmpty().ToList());
        Q("defaultifempty value", (p, o, r) => p.Where(x => x.Age > 1000).Select(x => x.Id).DefaultIfEmpty(-1).ToList());
        Q("concat", (p, o, r) => p.Where(x => x.Id < 5).Select(x => x.Id).Concat(p.Where(x => x.Id > 5995).Select(x => x.Id)).ToList());
        Q("union", (p, o, r) => p.Where(x => x.Age == 3).Select(x => x.City).Union(p.Where(x => x.Age == 4).Select(x => x.City)).ToList());
        Q("intersect", (p, o, r) => p.Where(x => x.Age == 3).Select(x => x.City).Intersect(p.Where(x => x.Age == 4).Select(x => x.City)).ToList());
        Q("except", (p, o, r) => p.Select(x => x.City).Except(p.Where(x => x.Age < 50).Select(x => x.City)).ToList());

        // ---- grouping ----
        Q("group by city count", (p, o, r) => p.GroupBy(x => x.City).Select(g => new { g.Key, Count = g.Count() }).ToList());
        Q("group by city ordered", (p, o, r) => p.GroupBy(x => x.City).OrderBy(g => g.Key).Select(g => new { g.Key, Max = g.Max(x => x.Age), Sum = g.Sum(x => x.Balance) }).ToList());
        Q("group by status avg", (p, o, r) => p.GroupBy(x => x.Status).Select(g => new { g.Key, Avg = g.Average(x => x.Score) }).ToList());
        Q("group by element", (p, o, r) => p.Where(x => x.Id < 300).GroupBy(x => x.Age / 10, x => x.Name).ToList());
        Q("group by composite key", (p, o, r) => p.GroupBy(x => new { x.Status, x.Active }).Select(g => new { g.Key.Status, g.Key.Active, N = g.Count() }).ToList());
        Q("group by documents", (p, o, r) => p.Where(x => x.Id < 50).GroupBy(x => x.City).ToList());
        Q("group by having", (p, o, r) => p.GroupBy(x => x.Age).Where(g => g.Count() > 70).Select(g => g.Key).ToList());
        Q("group by query syntax", (p, o, r) => (from x in p group x.Id by x.Status into g select new { g.Key, First = g.First(), N = g.Count() }).ToList());
        Q("group by with where and take", (p, o, r) => p.Where(x => x.Age > 50).GroupBy(x => x.City).Select(g => new { g.Key, Ids = g.Select(x => x.Id).Take(3).ToList() }).ToList());
        Q("group by nested zip", (p, o, r) => p.Where(x => x.Address != null).GroupBy(x => x.Address!.Zip).Select(g => new { g.Key, N = g.LongCount() }).OrderByDescending(g => g.N).ThenBy(g => g.Key).Take(10).ToList());

        // ---- joins across collections ----
        Q("join", (p, o, r) => (from x in p join y in o on x.Id equals y.PersonId where x.Age > 90 select new { x.Name, y.Amount }).ToList());
        Q("join method syntax", (p, o, r) => p.Where(x => x.City == "Łódź").Join(o, x => x.Id, y => y.PersonId, (x, y) => new { x.Id, y.Product }).ToList());
        Q("join order", (p, o, r) => (from y in o join x in p on y.PersonId equals x.Id orderby y.Amount descending, y.Id select new { y.Id, x.Name }).Take(40).ToList());
        Q("join documents", (p, o, r) => (from x in p join y in o on x.Id equals y.PersonId where y.Amount > 299 select new { x, y }).ToList());
        Q("group join", (p, o, r) => p.Where(x => x.Id < 200).GroupJoin(o, x => x.Id, y => y.PersonId, (x, ys) => new { x.Id, N = ys.Count(), Total = ys.Sum(y => y.Amount) }).ToList());
        Q("group join query", (p, o, r) => (from x in p where x.Age == 44 join y in o on x.Id equals y.PersonId into ys select new { x.Name, Products = ys.Select(y => y.Product).ToList() }).ToList());
        Q("left join", (p, o, r) => (from x in p where x.Id < 150 join y in o on x.Id equals y.PersonId into ys from y in ys.DefaultIfEmpty() select new { x.Id, Order = y == null ? 0 : y.Id }).ToList());
        Q("cross join small", (p, o, r) => (from x in p where x.Id < 4 from y in r where y.Stock < 0 select new { x.Id, y.Code }).ToList());
        Q("subquery any", (p, o, r) => p.Where(x => x.Id < 100 && o.Any(y => y.PersonId == x.Id && y.Amount > 200)).Select(x => x.Id).ToList());
        Q("subquery count", (p, o, r) => p.Where(x => x.Id < 60).Select(x => new { x.Id, N = o.Count(y => y.PersonId == x.Id) }).ToList());
        Q("subquery contains", (p, o, r) => o.Where(y => y.Id < 300 && p.Where(x => x.Age > 80).Select(x => x.Id).Contains(y.PersonId)).Select(y => y.Id).ToList());
        Q("orders without person", (p, o, r) => o.Where(y => y.PersonId > 5990).Where(y => !p.Any(x => x.Id == y.PersonId)).Select(y => y.Id).ToList());
        Q("order by date range", (p, o, r) => o.Where(y => y.At >= new DateTime(2025, 1, 1) && y.At < new DateTime(2025, 2, 1)).OrderBy(y => y.At).Select(y => y.Id).ToList());
        Q("orders product group", (p, o, r) => o.GroupBy(y => y.Product).Select(g => new { g.Key, Q = g.Sum(y => y.Quantity), A = g.Average(y => y.Amount) }).OrderBy(g => g.Key).ToList());
        Q("orders person seek", (p, o, r) => o.Where(y => y.PersonId == 17).ToList());
        Q("products category", (p, o, r) => r.Where(y => y.Category == "drinks").Select(y => y.Code).ToList());
        Q("products category null", (p, o, r) => r.Count(y => y.Category == null));
        Q("products order category", (p, o, r) => r.OrderBy(y => y.Category).ThenBy(y => y.Code).Select(y => y.Code).Take(50).ToList());
        Q("selectmany collections filtered", (p, o, r) => p.Where(x => x.Id <= 3).SelectMany(x => o.Where(y => y.PersonId == x.Id)).Select(y => y.Id).ToList());

        // ---- OR, NOT, mixed ----
        Q("or", (p, o, r) => p.Where(x => x.City == "Paris" || x.Age == 3).Select(x => x.Id).ToList());
        Q("or union ordered", (p, o, r) => p.Where(x => x.City == "Kabul" || x.Age > 97 || x.Id == 3).OrderBy(x => x.Age).Select(x => x.Id).ToList());
        Q("or union nullable", (p, o, r) => p.Where(x => x.Score < -48 || x.Status == Status.Banned && x.Age == 4).Select(x => x.Id).ToList());
        Q("or union count", (p, o, r) => p.Count(x => x.Email == "user9@example.com" || x.Address != null && x.Address.Zip == "10003"));
        Q("or pk", (p, o, r) => p.Where(x => x.Id == 5 || x.Id == 10).ToList());
        Q("not", (p, o, r) => p.Where(x => !(x.Age > 10)).Count());
        Q("and or mixed", (p, o, r) => p.Where(x => (x.City == "Berlin" || x.City == "London") && x.Age > 80 && x.Active).Select(x => x.Id).ToList());
        Q("xor", (p, o, r) => p.Count(x => x.Active ^ (x.Age > 50)));
        Q("coalesce", (p, o, r) => p.Where(x => (x.Score ?? -100) < -40).Count());
        Q("ternary predicate", (p, o, r) => p.Count(x => (x.City == null ? 0 : x.City.Length) == 5));
        Q("captured object member", (p, o, r) => p.Where(x => x.Age == Holder.Value.Age).Count());
        Q("static field", (p, o, r) => p.Where(x => x.Age == Holder.StaticAge).Count());
        Q("method call on captured", (p, o, r) => p.Where(x => x.Age == Math.Max(ids.Count, 3)).Count());
        Q("local function", (p, o, r) => p.Where(x => Holder.IsEven(x.Age)).Count());
        Q("math", (p, o, r) => p.Where(x => Math.Abs(x.Balance) < 10m).Select(x => x.Id).ToList());
        Q("modulo", (p, o, r) => p.Where(x => x.Id % 1000 == 0).Select(x => x.Id).ToList());

        // ---- issue 14: captured sets with their own comparer are not exact index lookups ----
        Q("hashset ignorecase contains indexed city", (p, o, r) => p.Where(x => new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "paris" }.Contains(x.City!)).Select(x => x.Id).ToList());
        var ignoreCase = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "PARIS", "london" };
        Q("captured hashset ignorecase contains count", (p, o, r) => p.Count(x => ignoreCase.Contains(x.City!)));
        IEnumerable<string> ignoreCaseSequence = ignoreCase;
        Q("captured hashset as enumerable ignorecase contains", (p, o, r) => p.Where(x => ignoreCaseSequence.Contains(x.City)).Select(x => x.Id).ToList());
        var sorted = new SortedSet<string>(StringComparer.OrdinalIgnoreCase) { "berlin" };
        Q("sortedset with comparer contains", (p, o, r) => p.Where(x => sorted.Contains(x.City!)).Select(x => x.Id).ToList());
        var sortedDefault = new SortedSet<string> { "Karl" };
        Q("sortedset culture comparer contains name", (p, o, r) => p.Where(x => sortedDefault.Contains(x.Name)).Select(x => x.Id).ToList());
        var emails = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "USER5@EXAMPLE.COM" };
        Q("hashset ignorecase contains unique email", (p, o, r) => p.Where(x => emails.Contains(x.Email)).Select(x => x.Id).ToList());
        var codes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "p0001", "P0010É" };
        Q("hashset ignorecase contains string key", (p, o, r) => r.Where(x => codes.Contains(x.Code)).Select(x => x.Code).ToList());
        IEnumerable<string> codeSequence = codes;
        Q("enumerable contains ignorecase string key", (p, o, r) => r.Count(x => codeSequence.Contains(x.Code)));
        var defaultSet = new HashSet<string> { "Paris", "Kabul" };
        Q("hashset default comparer contains city", (p, o, r) => p.Where(x => defaultSet.Contains(x.City!)).Select(x => x.Id).ToList());
        var evenIds = new HashSet<int>(EqualityComparer<int>.Create((a, b) => a % 2 == b % 2, a => a % 2)) { 2 };
        Q("hashset custom comparer contains pk", (p, o, r) => p.Count(x => evenIds.Contains(x.Id)));

        // ---- issue 14: predicates that throw in LINQ-to-Objects throw in ZgDb too ----
        Q("instance equals on null city throws", (p, o, r) => p.Where(x => x.City!.Equals("Paris")).Select(x => x.Id).ToList());
        Q("instance equals on null city count throws", (p, o, r) => p.Count(x => x.City!.Equals("Paris")));
        Q("nullable value on null score throws", (p, o, r) => p.Where(x => x.Score!.Value > 10).Select(x => x.Id).ToList());
        Q("nullable value on null score count throws", (p, o, r) => p.Count(x => x.Score!.Value == 10));
        Q("nested path through null address throws", (p, o, r) => p.Where(x => x.Address!.Zip == "10010").Select(x => x.Id).ToList());
        Q("nested path through null address count throws", (p, o, r) => p.Count(x => x.Address!.Zip == "10010"));
        Q("nested path through null address in list throws", (p, o, r) => p.Where(x => new[] { "10001", "10059" }.Contains(x.Address!.Zip)).Select(x => x.Id).ToList());
        Q("nested path guarded by earlier where", (p, o, r) => p.Where(x => x.Address != null).Where(x => x.Address!.Zip == "10010").Select(x => x.Id).ToList());
        Q("nested path after index conjunct", (p, o, r) => p.Where(x => x.Age == 30 && x.Address!.Zip == "10010").Select(x => x.Id).ToList());
        Q("index conjunct after throwing conjunct", (p, o, r) => p.Where(x => x.City!.Length > 3 && x.Age == 30).Select(x => x.Id).ToList());
        Q("throwing filter under index order take", (p, o, r) => p.Where(x => x.City!.Length > 3).OrderBy(x => x.Age).Take(3).Select(x => x.Id).ToList());
        string? nullPrefix = null;
        Q("startswith null ordinal throws", (p, o, r) => p.Where(x => x.Name.StartsWith(nullPrefix!, StringComparison.Ordinal)).Select(x => x.Id).ToList());
        Q("startswith null ordinal count throws", (p, o, r) => p.Count(x => x.Name.StartsWith(nullPrefix!, StringComparison.Ordinal)));
        Q("startswith null culture throws", (p, o, r) => p.Count(x => x.Name.StartsWith(nullPrefix!)));
        List<int>? nullIds = null;
        Q("null captured list contains pk throws", (p, o, r) => p.Where(x => nullIds!.Contains(x.Id)).ToList());
        Q("null captured list contains index throws", (p, o, r) => p.Count(x => nullIds!.Contains(x.Age)));
        int[]? nullArray = null;
        Q("null captured array contains throws", (p, o, r) => p.Where(x => nullArray!.Contains(x.Age)).Select(x => x.Id).ToList());
        Q("null captured list contains over empty result", (p, o, r) => p.Where(x => x.Id < 0 && nullIds!.Contains(x.Age)).Select(x => x.Id).ToList());
        var zero = 0;
        Q("select dividing by zero then count throws", (p, o, r) => p.Select(x => x.Age / zero).Count());
        Q("select dividing by zero then any throws", (p, o, r) => p.Select(x => x.Age / zero).Any());

        // ---- issue 14: operators re-linq does not know run in memory over the planned part ----
        Q("minby over index range", (p, o, r) => p.Where(x => x.Age > 90).MinBy(x => x.Balance));
        Q("maxby whole collection", (p, o, r) => p.MaxBy(x => x.Born));
        Q("minby empty", (p, o, r) => p.Where(x => x.Age > 1000).MinBy(x => x.Age));
        Q("distinctby city", (p, o, r) => p.DistinctBy(x => x.City).Select(x => x.Id).ToList());
        Q("distinctby then select", (p, o, r) => p.Where(x => x.Id < 500).DistinctBy(x => x.Age % 10).Select(x => new { x.Id, x.Age }).ToList());
        Q("chunk", (p, o, r) => p.Where(x => x.Id < 40).Select(x => x.Id).Chunk(7).ToList());
        Q("chunk documents then select", (p, o, r) => p.Where(x => x.Id < 30).Chunk(4).Select(c => c.Length).ToList());
        Q("takelast", (p, o, r) => p.OrderBy(x => x.Age).TakeLast(5).Select(x => x.Id).ToList());
        Q("skiplast", (p, o, r) => p.Where(x => x.Id < 50).SkipLast(45).Select(x => x.Id).ToList());
        Q("elementat index from end", (p, o, r) => p.Where(x => x.City == "Paris").ElementAt(^1));
        Q("elementat 3 over index seek", (p, o, r) => p.Where(x => x.City == "Paris").ElementAt(3));
        Q("elementat out of range throws", (p, o, r) => p.Where(x => x.Id < 5).ElementAt(10));
        Q("elementatordefault", (p, o, r) => p.Where(x => x.Id < 5).Select(x => x.Id).ElementAtOrDefault(10));
        Q("append prepend", (p, o, r) => p.Where(x => x.Id < 5).Select(x => x.Id).Append(-1).Prepend(-2).ToList());
        Q("reverse over a source", (p, o, r) => p.Reverse().Take(5).Select(x => x.Id).ToList());
        Q("reverse over a source count", (p, o, r) => p.Reverse().Count());
        Q("reverse whole collection", (p, o, r) => p.Reverse().Select(x => x.Id).ToList());
        Q("reverse documents", (p, o, r) => r.Reverse().ToList());
        Q("reverse then first", (p, o, r) => p.Reverse().First());
        Q("reverse index seek", (p, o, r) => p.Where(x => x.City == "Kabul").Reverse().Select(x => x.Id).ToList());
        Q("take range", (p, o, r) => p.Where(x => x.Age == 30).Take(2..5).Select(x => x.Id).ToList());
        Q("takewhile", (p, o, r) => p.TakeWhile(x => x.Age != 50).Select(x => x.Id).ToList());
        Q("skipwhile", (p, o, r) => p.Where(x => x.Id < 100).SkipWhile(x => x.Age < 90).Select(x => x.Id).ToList());
        Q("zip", (p, o, r) => p.Where(x => x.Id < 20).Select(x => x.Id).Zip(o.Where(y => y.Id < 30).Select(y => y.Amount)).ToList());
        Q("zip with selector", (p, o, r) => p.Where(x => x.Id < 20).Zip(o, (x, y) => x.Id * 1000 + y.Id).ToList());
        Q("order values", (p, o, r) => p.Where(x => x.Id < 100).Select(x => x.Age).Order().ToList());
        Q("orderdescending values", (p, o, r) => p.Where(x => x.Id < 100).Select(x => x.Age).OrderDescending().Take(10).ToList());
        Q("orderby with comparer", (p, o, r) => p.Where(x => x.Id < 200).OrderBy(x => x.Name, StringComparer.Ordinal).ThenBy(x => x.Id).Select(x => x.Id).ToList());
        Q("distinct with comparer", (p, o, r) => p.Select(x => x.City!).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Q("contains with comparer", (p, o, r) => p.Select(x => x.City!).Contains("PARIS", StringComparer.OrdinalIgnoreCase));
        Q("groupby with comparer", (p, o, r) => p.GroupBy(x => x.City!, StringComparer.OrdinalIgnoreCase).Select(g => new { g.Key, N = g.Count() }).ToList());
        Q("countby", (p, o, r) => p.CountBy(x => x.Status).ToList());
        Q("index", (p, o, r) => p.Where(x => x.Id < 10).Index().Select(t => t.Index * 100 + t.Item.Id).ToList());
        Q("sequenceequal", (p, o, r) => p.Where(x => x.Id < 10).Select(x => x.Id).SequenceEqual(o.Where(y => y.Id < 10).Select(y => y.Id)));
        Q("firstordefault with default", (p, o, r) => p.Where(x => x.Age > 1000).Select(x => x.Id).FirstOrDefault(-5));
        Q("firstordefault predicate default", (p, o, r) => p.Select(x => x.Age).FirstOrDefault(a => a > 1000, -7));
        Q("select with index", (p, o, r) => p.Where(x => x.Id < 10).Select((x, i) => x.Id * i).ToList());
        Q("where with index", (p, o, r) => p.Where((x, i) => i % 1000 == 0).Select(x => x.Id).ToList());
        Q("min with comparer", (p, o, r) => p.Select(x => x.Name).Min(StringComparer.Ordinal));
        Q("unionby", (p, o, r) => p.Where(x => x.Id < 50).UnionBy(p.Where(x => x.Id > 5950), x => x.Age).Select(x => x.Id).ToList());
        Q("exceptby", (p, o, r) => p.Where(x => x.Id < 300).ExceptBy(o.Select(y => y.PersonId), x => x.Id).Select(x => x.Id).ToList());
        Q("groupby after distinct", (p, o, r) => p.Select(x => x.Age % 5).Distinct().GroupBy(a => a % 2).Select(g => new { g.Key, N = g.Count() }).ToList());
        Q("leftjoin", (p, o, r) => p.Where(x => x.Id < 30).LeftJoin(o, x => x.Id, y => y.PersonId, (x, y) => new { x.Id, Order = y == null ? 0 : y.Id }).ToList());
        Q("tolist count inside predicate", (p, o, r) => p.Count(x => x.Tags.ToList().Count == 2));
        Q("toarray inside projection", (p, o, r) => p.Where(x => x.Id < 30).Select(x => new { x.Id, T = x.Tags.ToArray() }).ToList());
        Q("asenumerable inside predicate", (p, o, r) => p.Count(x => x.Tags.AsEnumerable().Any(t => t == "vip")));
        Q("nested collection projection ordered tolist", (p, o, r) => p.Where(x => x.Id < 40).Select(x => new { x.Id, Orders = o.Where(y => y.PersonId == x.Id).OrderBy(y => y.At).Select(y => y.Id).ToList() }).ToList());
        Q("inline list contains", (p, o, r) => p.Where(x => new List<string> { "Paris", "Kabul" }.Contains(x.City!)).Select(x => x.Id).ToList());
        Q("inline hashset contains", (p, o, r) => p.Count(x => new HashSet<int> { 3, 30, 33 }.Contains(x.Age)));
        Q("aggregate seed over documents", (p, o, r) => p.Where(x => x.Id < 100).Aggregate(0L, (acc, x) => acc + x.Age));
        Q("groupby after projection", (p, o, r) => p.Select(x => new { x.City, x.Age }).GroupBy(a => a.City).Select(g => new { g.Key, N = g.Count() }).ToList());
        Q("lastordefault with default", (p, o, r) => p.Where(x => x.Age > 1000).Select(x => x.Age).LastOrDefault(-3));
        Q("singleordefault with default", (p, o, r) => p.Where(x => x.Id == -1).Select(x => x.Age).SingleOrDefault(-4));
        Q("max with comparer", (p, o, r) => p.Select(x => x.City).Max(StringComparer.OrdinalIgnoreCase));
        Q("intersectby", (p, o, r) => p.Where(x => x.Id < 300).IntersectBy(o.Select(y => y.PersonId), x => x.Id).Select(x => x.Id).ToList());
        Q("aggregateby", (p, o, r) => p.AggregateBy(x => x.Status, 0m, (acc, x) => acc + x.Balance).ToList());
        Q("rightjoin", (p, o, r) => p.Where(x => x.Id < 20).RightJoin(o.Where(y => y.Id < 40), x => x.Id, y => y.PersonId, (x, y) => new { P = x == null ? 0 : x.Id, y.Id }).ToList());
        Q("zip three", (p, o, r) => p.Where(x => x.Id < 10).Select(x => x.Id).Zip(o.Select(y => y.Id), r.Select(z => z.Code)).ToList());
        Q("join with comparer", (p, o, r) => p.Where(x => x.Id < 300).Join(r, x => x.City, y => y.Category, (x, y) => x.Id, StringComparer.OrdinalIgnoreCase).Count());
        Q("except with comparer", (p, o, r) => p.Select(x => x.City!).Except(new[] { "PARIS" }, StringComparer.OrdinalIgnoreCase).Count());
        Q("union with comparer", (p, o, r) => p.Select(x => x.City!).Union(new[] { "PARIS", "x" }, StringComparer.OrdinalIgnoreCase).ToList());
        Q("thenby with comparer", (p, o, r) => p.Where(x => x.Id < 100).OrderBy(x => x.Age).ThenBy(x => x.Name, StringComparer.Ordinal).Select(x => x.Id).ToList());
        Q("elementatordefault index from end", (p, o, r) => p.Where(x => x.Id < 3).Select(x => x.Id).ElementAtOrDefault(^5));
        return cases;
    }

    private static class Holder
    {
        public static readonly Person Value = new() { Age = 33 };
        public static int StaticAge = 34;
        public static bool IsEven(int value) => value % 2 == 0;
    }
}
