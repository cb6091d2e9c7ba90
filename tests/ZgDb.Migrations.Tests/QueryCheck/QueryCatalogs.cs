using System.Text.RegularExpressions;
using ZgDb.Migrations.Tests.Support;

namespace ZgDb.Migrations.Tests.QueryCheck;

/// <summary>
/// Queries EF Core 10 translates on SQLite and on PostgreSQL (CatalogTests runs each on both real databases): the
/// export suite's "same LINQ" queries plus these. The check must find no problem with any of them.
/// </summary>
public static class TranslatingQueries
{
    private static readonly DateTime Cutoff = new(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly string[] SomeEmails = ["user3@example.com", "user9@example.com", "nobody@example.com"];

    public static readonly List<(string Name, Func<IBlogSource, object?> Query)> More =
    [
        ("string.Join of tags", s => s.Users.OrderBy(u => u.Id).Select(u => string.Join(",", u.Tags)).ToList()),
        ("Regex.IsMatch", s => s.Users.Where(u => Regex.IsMatch(u.Name, "^A")).Select(u => u.Id).ToList()),
        ("group by author, first post", s => s.Posts.GroupBy(p => p.AuthorId).Select(g => g.OrderBy(p => p.Id).First()).ToList()),
        ("last tag", s => s.Users.Where(u => u.Tags.Count > 0).OrderBy(u => u.Id).Select(u => u.Tags.Last()).ToList()),
        ("SelectMany top posts", s => s.Users.SelectMany(u => u.Posts.OrderByDescending(p => p.Likes).ThenBy(p => p.Id).Take(2)).Select(p => p.Id).ToList()),
        ("nested list of top posts", s => s.Users.OrderBy(u => u.Id).Select(u => u.Posts.OrderByDescending(p => p.Likes).ThenBy(p => p.Id).Take(2).Select(p => p.Id).ToList()).ToList()),
        ("DateOnly.FromDateTime", s => s.Users.Where(u => DateOnly.FromDateTime(u.CreatedUtc) > new DateOnly(2023, 5, 1)).Select(u => u.Id).ToList()),
        ("DayOfWeek", s => s.Users.Where(u => u.CreatedUtc.DayOfWeek == DayOfWeek.Monday).Select(u => u.Id).ToList()),
        ("DayOfYear", s => s.Users.Where(u => u.CreatedUtc.DayOfYear < 100).Select(u => u.Id).ToList()),
        ("Year", s => s.Users.Where(u => u.CreatedUtc.Year == 2023).Select(u => u.Id).ToList()),
        ("AddDays", s => s.Users.Where(u => u.CreatedUtc.AddDays(30) > Cutoff).Select(u => u.Id).ToList()),
        ("Replace", s => s.Users.Where(u => u.Name.Replace("a", "b") == "Adb 1").Select(u => u.Id).ToList()),
        ("Trim char", s => s.Users.Where(u => u.Name.Trim('A') == "da 1").Select(u => u.Id).ToList()),
        ("Trim", s => s.Users.Where(u => u.Name.Trim() == u.Name).Count()),
        ("Substring", s => s.Users.Where(u => u.Email.Substring(0, 5) == "user1").Select(u => u.Id).ToList()),
        ("IsNullOrWhiteSpace", s => s.Users.Count(u => string.IsNullOrWhiteSpace(u.Email))),
        ("IsNullOrEmpty nested", s => s.Users.Count(u => u.Address != null && string.IsNullOrEmpty(u.Address.Street))),
        ("string.Concat", s => s.Users.Where(u => string.Concat(u.Name, " <", u.Email) == "Ada 1 <user1@example.com").Select(u => u.Id).ToList()),
        ("string + string", s => s.Users.OrderBy(u => u.Id).Select(u => u.Name + " " + u.Email).Take(3).ToList()),
        ("Math.Pow", s => s.Users.Where(u => Math.Pow(u.Age, 2) > 1600).Select(u => u.Id).ToList()),
        ("Math.Sqrt", s => s.Users.Where(u => Math.Sqrt(u.Age) > 6).Select(u => u.Id).ToList()),
        ("Math.Abs", s => s.Users.Where(u => Math.Abs(u.Age - 40) < 5).Select(u => u.Id).ToList()),
        ("decimal modulo", s => s.Users.Count(u => u.Balance % 2 == 1)),
        ("decimal to double", s => s.Users.Where(u => (double)u.Balance > 500.5).Select(u => u.Id).ToList()),
        ("decimal arithmetic", s => s.Users.Where(u => u.Balance * 2 + 1 > 900).Select(u => u.Id).ToList()),
        ("first tag", s => s.Users.Where(u => u.Tags.Count > 0 && u.Tags[0] == "red").Select(u => u.Id).ToList()),
        ("sum of scores", s => s.Posts.Where(p => p.Scores.Sum() > 10).Select(p => p.Id).ToList()),
        ("max of scores", s => s.Posts.Where(p => p.Scores.Any()).OrderBy(p => p.Id).Select(p => p.Scores.Max()).ToList()),
        ("conditional projection", s => s.Users.OrderBy(u => u.Id).Select(u => u.Age > 40 ? "older" : "younger").ToList()),
        ("coalesced nested value", s => s.Users.OrderBy(u => u.Id).Select(u => u.Address != null ? u.Address.City : "none").ToList()),
        ("title length count", s => s.Posts.Where(p => p.Title.Length > 10).Count()),
        ("join query syntax", s => (from p in s.Posts join u in s.Users on p.AuthorId equals u.Id where u.Age > 30 select new { p.Id, u.Email }).OrderBy(x => x.Id).ToList()),
        ("left join", s => (from u in s.Users join p in s.Posts on u.Id equals p.AuthorId into posts from p in posts.DefaultIfEmpty() select new { u.Id, Post = p == null ? (int?)null : p.Id }).OrderBy(x => x.Id).ThenBy(x => x.Post).ToList()),
        ("users with more than two posts", s => s.Users.Where(u => u.Posts.Count() > 2).Select(u => u.Id).ToList()),
        ("order by post count", s => s.Users.OrderBy(u => u.Posts.Count).ThenBy(u => u.Id).Select(u => u.Id).Take(10).ToList()),
        ("average stars", s => s.Comments.Average(c => c.Stars)),
        ("comment counts", s => s.Posts.OrderBy(p => p.Id).Select(p => new { p.Id, Comments = p.Comments.Count }).ToList()),
        ("nested Any", s => s.Users.Where(u => u.Posts.Any(p => p.Comments.Any(c => c.Stars == 5))).Select(u => u.Id).ToList()),
        ("local strings Contains", s => s.Users.Where(u => SomeEmails.Contains(u.Email)).Select(u => u.Id).ToList()),
        ("Concat", s => s.Users.Where(u => u.Age < 20).Select(u => u.Id).Concat(s.Users.Where(u => u.Age > 65).Select(u => u.Id)).ToList()),
        ("Union", s => s.Users.Where(u => u.Age < 30).Select(u => u.Id).Union(s.Users.Where(u => u.Active).Select(u => u.Id)).ToList()),
        ("Intersect", s => s.Users.Where(u => u.Age < 40).Select(u => u.Id).Intersect(s.Users.Where(u => u.Active).Select(u => u.Id)).ToList()),
        ("Except", s => s.Users.Select(u => u.Id).Except(s.Posts.Select(p => p.AuthorId)).ToList()),
        ("where, skip, take", s => s.Users.Where(u => u.Active).OrderBy(u => u.Id).Skip(2).Take(3).Select(u => u.Id).ToList()),
        ("Single by unique email", s => s.Users.Single(u => u.Email == "user5@example.com").Id),
        ("SingleOrDefault none", s => s.Users.SingleOrDefault(u => u.Email == "nobody@example.com")),
        ("ElementAt", s => s.Users.OrderBy(u => u.Id).Select(u => u.Id).ElementAt(3)),
        ("min age per role", s => s.Users.GroupBy(u => u.Role).Select(g => new { g.Key, Min = g.Min(u => u.Age) }).ToList()),
        ("enum at least", s => s.Users.Where(u => u.Role >= Role.Writer).Select(u => u.Id).ToList()),
        ("enum as int", s => s.Users.OrderBy(u => u.Id).Select(u => (int)u.Role).ToList()),
        ("not published", s => s.Posts.Where(p => p.Published == false).Select(p => p.Id).ToList()),
        ("categories with children", s => s.Categories.Where(c => c.Children.Count > 0).Select(c => c.Id).ToList()),
        ("nested anonymous projection", s => s.Users.OrderBy(u => u.Id).Take(3).Select(u => new { u.Id, Contact = new { u.Email, City = u.Address == null ? null : u.Address.City } }).ToList()),
        ("distinct count", s => s.Users.Select(u => u.Role).Distinct().Count()),
        ("nullable max none", s => s.Users.Where(u => u.Age > 500).Max(u => (int?)u.Age)),
        ("email Contains", s => s.Users.Count(u => u.Email.Contains("7"))),
        ("tag Any equals", s => s.Users.Where(u => u.Tags.Any(t => t == "blue")).Select(u => u.Id).ToList()),
        ("profile through user", s => s.Profiles.Where(p => p.User!.Active).Select(p => p.Id).ToList()),
        ("comments of published posts by admins", s => s.Comments.Count(c => c.Post!.Published && c.Post.Author!.Role == Role.Admin)),
        ("order by two keys descending", s => s.Posts.OrderByDescending(p => p.Likes).ThenByDescending(p => p.Id).Select(p => p.Id).Take(5).ToList()),
    ];

    public static IEnumerable<(string Name, Func<IBlogSource, object?> Query)> All => SameLinqQueries.All.Concat(More);
}

/// <summary>The roots the refused catalog queries: the blog and readings (types SQLite stores as text).</summary>
public sealed record RefusalRoots(IQueryable<User> Users, IQueryable<Post> Posts, IQueryable<Reading> Readings);

/// <summary>
/// Queries ZgDb answers and EF Core 10 refuses, on both providers or on one (CatalogTests checks each against the
/// real databases: executing throws where the check says it would, and runs where it says it would).
/// </summary>
public static class RefusedQueries
{
    private static readonly DateTimeOffset Day = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private const EfCoreTarget Both = EfCoreTarget.All, Sqlite = EfCoreTarget.Sqlite, Postgres = EfCoreTarget.PostgreSql;

    public static readonly List<(string Name, EfCoreTarget RefusedBy, Func<RefusalRoots, object?> Query)> All =
    [
        ("application method in Where", Both, r => r.Users.Where(u => MyHelper.Normalize(u.Name) == "ada 1").ToList()),
        ("application method in OrderBy", Both, r => r.Users.OrderBy(u => MyHelper.Normalize(u.Name)).ToList()),
        ("NotMapped property", Both, r => r.Users.Where(u => u.Display == "Ada 1 <user1@example.com>").ToList()),
        ("TakeWhile", Both, r => r.Users.OrderBy(u => u.Id).TakeWhile(u => u.Age > 20).ToList()),
        ("SkipWhile", Both, r => r.Users.OrderBy(u => u.Id).SkipWhile(u => u.Age > 20).ToList()),
        ("Aggregate", Both, r => r.Users.Select(u => u.Age).Aggregate((a, b) => a + b)),
        ("Last without OrderBy", Both, r => r.Users.Last().Id),
        ("indexed Select", Both, r => r.Users.Select((u, i) => new { u.Id, i }).ToList()),
        ("indexed Where", Both, r => r.Users.Where((u, i) => i % 2 == 0).ToList()),
        ("Reverse without OrderBy", Both, r => r.Users.Reverse().ToList()),
        ("Append", Both, r => r.Users.Select(u => u.Id).Append(0).ToList()),
        ("Zip", Both, r => r.Users.Select(u => u.Id).Zip(r.Users.Select(u => u.Age)).ToList()),
        ("SequenceEqual", Both, r => r.Users.Where(u => u.Tags.SequenceEqual(new[] { "red" })).ToList()),
        ("string.Split", Both, r => r.Users.Where(u => u.Name.Split(' ', StringSplitOptions.None)[0] == "Ada").ToList()),
        ("string.Format", Both, r => r.Users.Where(u => string.Format("{0}!", u.Name) == "Ada 1!").ToList()),
        ("string.Normalize", Both, r => r.Users.Where(u => u.Name.Normalize() == "Ada 1").ToList()),
        ("DateTime.ToString(format)", Both, r => r.Users.Where(u => u.CreatedUtc.ToString("yyyy") == "2023").ToList()),
        ("decimal.ToString(format)", Both, r => r.Users.Where(u => u.Balance.ToString("N2") == "1.00").ToList()),
        ("GetHashCode", Both, r => r.Users.Where(u => u.Name.GetHashCode() == 1).ToList()),
        ("string as characters", Both, r => r.Users.Where(u => u.Email.Count(c => c == '@') == 1).ToList()),
        ("char.IsUpper", Both, r => r.Users.Where(u => char.IsUpper(u.Name[0])).ToList()),
        ("string indexer", Both, r => r.Users.Where(u => u.Name[0] == 'A').ToList()),
        ("LastIndexOf", Both, r => r.Users.Where(u => u.Name.LastIndexOf("a") > 0).ToList()),
        ("int.Parse", Both, r => r.Users.Where(u => int.Parse(u.Email.Substring(4, 1)) > 3).ToList()),
        ("string.Compare with StringComparison", Both, r => r.Users.Where(u => string.Compare(u.Name, "B", StringComparison.Ordinal) > 0).ToList()),
        ("Contains with StringComparison", Both, r => r.Users.Where(u => u.Name.Contains("a", StringComparison.OrdinalIgnoreCase)).ToList()),
        ("StartsWith with StringComparison", Both, r => r.Users.Where(u => u.Name.StartsWith("A", StringComparison.Ordinal)).ToList()),
        ("Equals with StringComparison", Both, r => r.Users.Where(u => u.Name.Equals("ada 1", StringComparison.OrdinalIgnoreCase)).ToList()),
        ("string.Equals with StringComparison", Both, r => r.Users.Where(u => string.Equals(u.Name, "ADA 1", StringComparison.OrdinalIgnoreCase)).ToList()),
        ("owned type projected alone, tracking", Both, r => r.Users.Select(u => u.Address).ToList()),
        ("DateTimeOffset.Offset", Both, r => r.Readings.Where(x => x.At.Offset == TimeSpan.Zero).ToList()),
        ("group by, first of each group, then a projection (EF Core fails building the result)", Both,
            r => r.Users.GroupBy(u => u.Role).Select(g => g.OrderBy(u => u.Id).First()).Select(u => new { u.Id, u.Name }).ToList()),
        ("sum of TimeSpan ticks", Both, r => r.Readings.Sum(x => x.Duration.Ticks)),
        // SQLite only
        ("PadLeft", Sqlite, r => r.Users.Where(u => u.Name.PadLeft(10) == "     Ada 1").ToList()),
        ("Math.Round of a decimal", Sqlite, r => r.Users.Where(u => Math.Round(u.Balance, 1) > 3).ToList()),
        ("Math.Truncate of a decimal", Sqlite, r => r.Users.Where(u => Math.Truncate(u.Balance) > 5).ToList()),
        ("Math.Floor of a decimal", Sqlite, r => r.Users.Where(u => Math.Floor(u.Balance) > 5).ToList()),
        ("Convert.ToInt32 of a string", Sqlite, r => r.Users.Where(u => Convert.ToInt32(u.Email.Substring(4, 1)) > 3).ToList()),
        ("SelectMany primitive collection Distinct (APPLY)", Sqlite, r => r.Users.SelectMany(u => u.Tags).Distinct().ToList()),
        ("application method over a primitive collection (APPLY)", Sqlite, r => r.Users.Select(u => u.Tags.Select(t => MyHelper.Normalize(t)).ToList()).ToList()),
        ("order by DateTimeOffset", Sqlite, r => r.Readings.OrderBy(x => x.At).ToList()),
        ("order by TimeSpan", Sqlite, r => r.Readings.OrderBy(x => x.Duration).ToList()),
        ("compare DateTimeOffset", Sqlite, r => r.Readings.Where(x => x.At > Day).ToList()),
        ("compare TimeSpan", Sqlite, r => r.Readings.Where(x => x.Duration > TimeSpan.FromHours(2)).ToList()),
        ("Max of DateTimeOffset", Sqlite, r => r.Readings.Max(x => x.At)),
        ("Max of TimeSpan", Sqlite, r => r.Readings.Max(x => x.Duration)),
        ("DateTimeOffset.UtcDateTime (the export converts it to UTC: Npgsql then fails to cast the DateTime)", Both, r => r.Readings.Where(x => x.At.UtcDateTime > new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc)).ToList()),
        ("DateTimeOffset.Year", Sqlite, r => r.Readings.Where(x => x.At.Year == 2024).ToList()),
        ("DateTimeOffset.AddHours", Sqlite, r => r.Readings.Where(x => x.At.AddHours(1) > Day).ToList()),
        ("TimeSpan.TotalHours", Sqlite, r => r.Readings.Where(x => x.Duration.TotalHours > 1).ToList()),
        ("TimeSpan.Hours", Sqlite, r => r.Readings.Where(x => x.Duration.Hours > 1).ToList()),
        ("DateTimeOffset difference", Sqlite, r => r.Readings.Where(x => (x.At - Day).TotalDays > 1).ToList()),
        ("group by DateTimeOffset.Date", Sqlite, r => r.Readings.GroupBy(x => x.At.Date).Select(g => g.Count()).ToList()),
        // PostgreSQL only
        ("Math.Log with a base", Postgres, r => r.Users.Where(u => Math.Log(u.Age, 2) > 3).ToList()),
        ("DateTime.Ticks", Postgres, r => r.Users.Where(u => u.CreatedUtc.Ticks > 3).ToList()),
        ("DateTime.AddTicks", Postgres, r => r.Users.Where(u => u.CreatedUtc.AddTicks(5) > new DateTime(2023, 6, 1, 0, 0, 0, DateTimeKind.Utc)).ToList()),
        ("IndexOf with a start index", Postgres, r => r.Users.Where(u => u.Name.IndexOf("a", 2) > 0).ToList()),
        ("IndexOf of a char", Postgres, r => r.Users.Where(u => u.Name.IndexOf('a') > 0).ToList()),
    ];
}
