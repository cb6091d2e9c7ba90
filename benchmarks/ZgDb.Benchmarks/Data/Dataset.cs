namespace ZgDb.Benchmarks.Data;

/// <summary>
/// The deterministic data every store gets: users 1..n with a name, a unique e-mail, an age of 18-80, one of 50
/// cities (so an equality on a city returns about n/50 users), a creation time one to sixty minutes after the
/// previous user's (unique and increasing with the key) and three tags. Seeded, so two runs and two stores see
/// exactly the same documents.
/// </summary>
public static class Dataset
{
    public const int Seed = 20261123;
    public static readonly DateTime Epoch = new(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static readonly string[] FirstNames =
    [
        "Ada", "Alan", "Barbara", "Bjarne", "Claude", "Dennis", "Donald", "Edsger", "Frances", "Grace",
        "Guido", "Hedy", "Ivan", "James", "John", "Ken", "Linus", "Margaret", "Niklaus", "Radia",
        "Rob", "Shafi", "Sophie", "Tim", "Whitfield",
    ];

    private static readonly string[] LastNames =
    [
        "Allen", "Backus", "Cerf", "Dijkstra", "Engelbart", "Floyd", "Gray", "Hopper", "Iverson", "Johnson",
        "Kay", "Lamport", "Liskov", "McCarthy", "Naur", "Perlman", "Ritchie", "Stroustrup", "Thompson", "Wirth",
    ];

    public static readonly string[] Cities = Enumerable.Range(0, 50).Select(i => $"City{i:D2}").ToArray();

    private static readonly string[] TagPool =
    [
        "admin", "beta", "blue", "customer", "dev", "early", "green", "gold", "new", "ops",
        "partner", "premium", "red", "silver", "staff", "student", "trial", "vip", "web", "yellow",
    ];

    /// <summary>Users with ids 1..<paramref name="count"/>; a fresh list of fresh objects each call.</summary>
    public static List<User> Generate(int count) => Generate(1, count);

    /// <summary>Users with ids <paramref name="firstId"/>..firstId+count-1, identical to the same ids of <see cref="Generate(int)"/>'s stream only when firstId is 1.</summary>
    public static List<User> Generate(int firstId, int count)
    {
        var random = new Random(Seed + firstId - 1);
        var users = new List<User>(count);
        var created = Epoch.AddMinutes(firstId - 1);
        for (int id = firstId; id < firstId + count; id++)
        {
            var first = FirstNames[random.Next(FirstNames.Length)];
            var last = LastNames[random.Next(LastNames.Length)];
            created = created.AddMinutes(1 + random.Next(60));
            var tags = new List<string>(3);
            while (tags.Count < 3)
            {
                var tag = TagPool[random.Next(TagPool.Length)];
                if (!tags.Contains(tag)) tags.Add(tag);
            }
            users.Add(new User
            {
                Id = id,
                Name = $"{first} {last}",
                Email = $"{first.ToLowerInvariant()}.{last.ToLowerInvariant()}{id}@example.com",
                Age = 18 + random.Next(63),
                City = Cities[random.Next(Cities.Length)],
                CreatedAt = created,
                Tags = tags,
            });
        }
        return users;
    }

    /// <summary>Generates in slices, to build databases larger than one list should hold.</summary>
    public static IEnumerable<List<User>> GenerateInBatches(int count, int batch)
    {
        for (int first = 1; first <= count; first += batch)
            yield return Generate(first, Math.Min(batch, count - first + 1));
    }
}
