namespace ZgDb.Migrations.Tests.Support;

/// <summary>
/// The queries of "the same LINQ" test: each runs on ZgDb and on the exported EF Core database and must return the
/// same result. Every query that returns rows orders them fully (SQL has no natural order).
/// </summary>
public static class SameLinqQueries
{
    private static readonly DateTime Cutoff = new(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private static readonly int[] SomeIds = [2, 3, 5, 8, 13, 21, 34, 55];

    public static readonly List<(string Name, Func<IBlogSource, object?> Query)> All =
    [
        // filters
        ("where Age > 30", s => s.Users.Where(u => u.Age > 30).OrderBy(u => u.Id).Select(u => u.Id).ToList()),
        ("where range, order by name", s => s.Users.Where(u => u.Age >= 20 && u.Age < 40).OrderBy(u => u.Name).ThenBy(u => u.Id).Select(u => u.Name).ToList()),
        ("where enum", s => s.Users.Where(u => u.Role == Role.Admin).OrderBy(u => u.Id).Select(u => u.Id).ToList()),
        ("where bool", s => s.Users.Where(u => u.Active).OrderBy(u => u.Id).Select(u => u.Id).ToList()),
        ("where not bool or", s => s.Users.Where(u => !u.Active || u.Age > 65).OrderBy(u => u.Id).Select(u => u.Id).ToList()),
        ("where StartsWith", s => s.Users.Where(u => u.Name.StartsWith("Gr")).OrderBy(u => u.Id).Select(u => u.Id).ToList()),
        ("where Contains", s => s.Users.Where(u => u.Name.Contains("an")).OrderBy(u => u.Id).Select(u => u.Id).ToList()),
        ("where EndsWith", s => s.Users.Where(u => u.Email.EndsWith("7@example.com")).OrderBy(u => u.Id).Select(u => u.Id).ToList()),
        ("where equals string", s => s.Users.Where(u => u.Email == "user7@example.com").Select(u => new { u.Id, u.Name, u.Age }).ToList()),
        ("where decimal", s => s.Users.Where(u => u.Balance > 500.25m).OrderBy(u => u.Id).Select(u => u.Id).ToList()),
        ("where DateTime", s => s.Users.Where(u => u.CreatedUtc >= Cutoff).OrderBy(u => u.Id).Select(u => u.Id).ToList()),
        ("where local list Contains", s => s.Users.Where(u => SomeIds.Contains(u.Id)).OrderBy(u => u.Id).Select(u => u.Email).ToList()),
        ("where modulo", s => s.Users.Count(u => u.Age % 2 == 0)),
        ("where string length", s => s.Posts.Count(p => p.Title.Length > 22)),
        ("where ToLower", s => s.Users.Where(u => u.Name.ToLower().StartsWith("a")).OrderBy(u => u.Id).Select(u => u.Id).ToList()),
        ("where nested owned property", s => s.Users.Where(u => u.Address != null && u.Address.City == "Paris").OrderBy(u => u.Id).Select(u => u.Id).ToList()),
        ("where nested null", s => s.Users.Where(u => u.Address == null).OrderBy(u => u.Id).Select(u => u.Id).ToList()),
        ("where primitive collection Contains", s => s.Users.Where(u => u.Tags.Contains("red")).OrderBy(u => u.Id).Select(u => u.Id).ToList()),
        ("where primitive collection Count", s => s.Users.Where(u => u.Tags.Count >= 2).OrderBy(u => u.Id).Select(u => u.Id).ToList()),
        ("where int list Any", s => s.Posts.Where(p => p.Scores.Any(x => x > 8)).OrderBy(p => p.Id).Select(p => p.Id).ToList()),
        ("where nullable foreign key null", s => s.Posts.Count(p => p.CategoryId == null)),
        // ordering and paging
        ("order by desc, skip, take", s => s.Users.OrderByDescending(u => u.Age).ThenBy(u => u.Id).Skip(5).Take(10).Select(u => u.Id).ToList()),
        ("order by decimal desc first", s => s.Users.OrderByDescending(u => u.Balance).ThenBy(u => u.Name).Select(u => u.Id).First()),
        ("skip take emails", s => s.Users.OrderBy(u => u.Id).Skip(10).Take(5).Select(u => u.Email).ToList()),
        ("order by date", s => s.Posts.Where(p => p.Published).OrderByDescending(p => p.PublishedUtc).ThenBy(p => p.Id).Take(10).Select(p => p.Id).ToList()),
        ("order by nested", s => s.Users.Where(u => u.Address != null).OrderBy(u => u.Address!.Zip).ThenBy(u => u.Id).Take(10).Select(u => u.Id).ToList()),
        ("FirstOrDefault none", s => s.Users.Where(u => u.Age > 200).OrderBy(u => u.Id).Select(u => (int?)u.Id).FirstOrDefault()),
        ("FirstOrDefault some", s => s.Users.Where(u => u.Age > 50).OrderBy(u => u.Id).Select(u => (int?)u.Id).FirstOrDefault()),
        ("projection with length", s => s.Users.OrderBy(u => u.Id).Take(5).Select(u => new { u.Id, Length = u.Name.Length, u.Role }).ToList()),
        ("distinct titles", s => s.Users.Select(u => u.Age / 10).Distinct().OrderBy(x => x).ToList()),
        ("projection of dates", s => s.Posts.OrderBy(p => p.Id).Take(5).Select(p => new { p.Id, p.PublishedUtc }).ToList()),
        // aggregates
        ("count", s => s.Users.Count()),
        ("long count with predicate", s => s.Users.LongCount(u => u.Active && u.Age > 30)),
        ("sum", s => s.Users.Sum(u => u.Age)),
        ("average", s => s.Users.Average(u => u.Age)),
        ("max decimal", s => s.Users.Max(u => u.Balance)),
        ("sum decimal", s => s.Users.Where(u => u.Role == Role.Writer).Sum(u => u.Balance)),
        ("min date", s => s.Users.Min(u => u.CreatedUtc)),
        ("max long key", s => s.Comments.Max(c => c.Id)),
        ("any", s => s.Users.Any(u => u.Age > 60)),
        ("all", s => s.Users.All(u => u.Age >= 18)),
        // grouping
        ("group by enum count", s => s.Users.GroupBy(u => u.Role).Select(g => new { g.Key, Count = g.Count() }).OrderBy(x => x.Key).ToList()),
        ("group by with aggregates", s => s.Users.GroupBy(u => u.Role).Select(g => new { g.Key, MaxAge = g.Max(u => u.Age), Total = g.Sum(u => u.Balance) }).OrderBy(x => x.Key).ToList()),
        ("group posts by author", s => s.Posts.GroupBy(p => p.AuthorId).Select(g => new { g.Key, Count = g.Count(), Likes = g.Sum(p => p.Likes) }).OrderBy(x => x.Key).ToList()),
        ("group comments, order by count", s => s.Comments.Where(c => c.Stars >= 4).GroupBy(c => c.PostId).Select(g => new { g.Key, Count = g.Count() }).OrderByDescending(x => x.Count).ThenBy(x => x.Key).Take(10).ToList()),
        ("group by bool having", s => s.Posts.GroupBy(p => p.Published).Where(g => g.Count() > 1).Select(g => new { g.Key, Average = g.Average(p => p.Likes) }).OrderBy(x => x.Key).ToList()),
        // navigations in filters, ordering, projections
        ("filter through reference", s => s.Posts.Where(p => p.Author!.Age > 40).OrderBy(p => p.Id).Select(p => p.Id).ToList()),
        ("order through reference", s => s.Posts.OrderBy(p => p.Author!.Name).ThenBy(p => p.Id).Take(15).Select(p => new { p.Id, Author = p.Author!.Name }).ToList()),
        ("filter through optional reference", s => s.Posts.Where(p => p.Category != null && p.Category.Name == "Tech").OrderBy(p => p.Id).Select(p => p.Id).ToList()),
        ("self reference parent", s => s.Categories.Where(c => c.Parent != null && c.Parent.Name == "Root 1").OrderBy(c => c.Name).Select(c => c.Name).ToList()),
        ("collection Any", s => s.Users.Where(u => u.Posts.Any(p => p.Likes > 90)).OrderBy(u => u.Id).Select(u => u.Id).ToList()),
        ("collection count projection", s => s.Users.Select(u => new { u.Id, Posts = u.Posts.Count }).OrderByDescending(x => x.Posts).ThenBy(x => x.Id).Take(10).ToList()),
        ("collection empty", s => s.Users.Where(u => !u.Posts.Any()).OrderBy(u => u.Id).Select(u => u.Id).ToList()),
        ("max over collection", s => s.Users.Max(u => u.Posts.Count)),
        ("one-to-one navigation", s => s.Users.Where(u => u.Profile != null && u.Profile.Bio.Contains(" x")).OrderBy(u => u.Id).Select(u => u.Id).ToList()),
        ("sum through reference", s => s.Comments.Where(c => c.Post!.Published).Sum(c => c.Stars)),
        ("two-level reference", s => s.Comments.Where(c => c.Post!.Author!.Role == Role.Admin).OrderBy(c => c.Id).Select(c => c.Id).ToList()),
        // includes
        ("include reference", s => s.Include(s.Posts, p => p.Author).OrderBy(p => p.Id).Take(20).ToList().Select(p => new { p.Id, Author = p.Author?.Name }).ToList()),
        ("include collection", s => s.Include(s.Users, u => u.Posts).Where(u => u.Id <= 12).OrderBy(u => u.Id).ToList()
            .Select(u => new { u.Id, Posts = u.Posts.Select(p => p.Id).Order().ToList() }).ToList()),
        ("include then include", s => s.IncludeThen(s.Users, u => u.Posts, p => p.Comments).Where(u => u.Id <= 8).OrderBy(u => u.Id).ToList()
            .Select(u => new { u.Id, Comments = u.Posts.SelectMany(p => p.Comments).Select(c => c.Id).Order().ToList() }).ToList()),
        ("include reference then reference", s => s.IncludeThenReference(s.Comments, c => c.Post, p => p!.Author).OrderBy(c => c.Id).Take(20).ToList()
            .Select(c => new { c.Id, c.Post?.Title, Author = c.Post?.Author?.Name }).ToList()),
        ("include one-to-one", s => s.Include(s.Profiles, p => p.User).OrderBy(p => p.UserId).ToList().Select(p => new { p.UserId, p.User?.Email }).ToList()),
        ("include self reference children", s => s.Include(s.Categories, c => c.Children).Where(c => c.ParentId == null).OrderBy(c => c.Name).ToList()
            .Select(c => new { c.Name, Children = c.Children.Select(x => x.Name).Order(StringComparer.Ordinal).ToList() }).ToList()),
    ];
}
