namespace ZgDb.Migrations.Tests.Support;

/// <summary>Deterministic test data from a seed: users, profiles, a category tree, posts, comments.</summary>
public static class BlogData
{
    private static readonly string[] Names = ["Ada", "Alan", "Barbara", "Brian", "Claude", "Donald", "Edsger", "Frances", "Grace", "John", "Ken", "Margaret", "Niklaus", "Radia", "Tony", "Xavier"];
    private static readonly string[] Cities = ["Paris", "London", "Berlin", "Oslo", "Rome"];
    private static readonly string[] Colors = ["red", "green", "blue", "black", "white"];

    public static void Fill(BlogDb db, int seed, int users = 60)
    {
        var random = new Random(seed);
        var epoch = new DateTime(2023, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var userList = new List<User>();
        for (int i = 1; i <= users; i++)
        {
            userList.Add(new User
            {
                Id = i,
                Name = $"{Names[random.Next(Names.Length)]} {i}",
                Email = $"user{i}@example.com",
                Age = random.Next(18, 70),
                Role = (Role)random.Next(3),
                Active = random.Next(4) != 0,
                Balance = Math.Round((decimal)random.NextDouble() * 1000m, 2),
                CreatedUtc = epoch.AddSeconds(random.Next(0, 2 * 365 * 86400)),
                Address = random.Next(5) == 0 ? null : new Address { City = Cities[random.Next(Cities.Length)], Street = random.Next(3) == 0 ? null : $"{i} Main St", Zip = random.Next(10000, 99999) },
                Tags = Enumerable.Range(0, random.Next(0, 4)).Select(_ => Colors[random.Next(Colors.Length)]).Distinct().ToList(),
            });
        }
        db.Users.InsertMany(userList);
        db.Profiles.InsertMany(userList.Where(u => u.Id % 3 == 0).Select(u => new Profile { UserId = u.Id, Bio = $"bio of {u.Name}{(u.Id % 2 == 0 ? " x" : "")}" }));

        var categories = new List<Category>();
        for (int r = 1; r <= 3; r++)
        {
            var root = new Category { Id = Guid.NewGuid(), Name = $"Root {r}" };
            categories.Add(root);
            for (int c = 1; c <= 3; c++)
            {
                var child = new Category { Id = Guid.NewGuid(), Name = c == 1 && r == 1 ? "Tech" : $"Child {r}.{c}", ParentId = root.Id };
                categories.Add(child);
                categories.Add(new Category { Id = Guid.NewGuid(), Name = $"Leaf {r}.{c}", ParentId = child.Id });
            }
        }
        // Insert leaves first in one batch would break foreign keys; ZgDb checks them, so insert in tree order.
        db.Categories.InsertMany(categories);

        var posts = new List<Post>();
        int postId = 0;
        foreach (var user in userList.Where(u => u.Id % 7 != 0))
            for (int p = random.Next(0, 5); p > 0; p--)
                posts.Add(new Post
                {
                    Id = ++postId,
                    AuthorId = user.Id,
                    CategoryId = random.Next(4) == 0 ? null : categories[random.Next(categories.Count)].Id,
                    Title = $"Post {postId} by {user.Name}",
                    Likes = random.Next(0, 100),
                    Published = random.Next(3) != 0,
                    PublishedUtc = epoch.AddMinutes(random.Next(0, 500_000)),
                    Scores = Enumerable.Range(0, random.Next(0, 4)).Select(_ => random.Next(0, 10)).ToList(),
                });
        db.Posts.InsertMany(posts);

        var comments = new List<Comment>();
        long commentId = 0;
        foreach (var post in posts)
            for (int c = random.Next(0, 4); c > 0; c--)
                comments.Add(new Comment { Id = ++commentId, PostId = post.Id, Text = $"comment {commentId}", Stars = random.Next(1, 6) });
        db.Comments.InsertMany(comments);
    }

    public static Everything RandomEverything(Random random, int i) => new()
    {
        Code = $"item-{i:D4}",
        Bool = random.Next(2) == 0,
        Byte = (byte)random.Next(256),
        SByte = (sbyte)random.Next(-128, 128),
        Short = (short)random.Next(short.MinValue, short.MaxValue),
        UShort = (ushort)random.Next(ushort.MaxValue + 1),
        Int = random.Next(int.MinValue, int.MaxValue),
        UInt = (uint)random.NextInt64(uint.MaxValue + 1L),
        Long = random.NextInt64(long.MinValue, long.MaxValue),
        ULong = i == 1 ? ulong.MaxValue : (ulong)random.NextInt64(long.MaxValue) * 2,
        Float = (float)(random.NextDouble() * 1e6),
        Double = random.NextDouble() * 1e12 - 5e11,
        Decimal = i == 1 ? 12.50m : Math.Round((decimal)random.NextDouble() * 1_000_000m, 4),
        Char = (char)random.Next('a', 'z' + 1),
        Text = i % 5 == 0 ? null : i == 1 ? "quote \" backslash \\ unicode \u00e9\u4e2d emoji \U0001F600" : $"text {random.Next()}",
        DateTime = new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddTicks(random.NextInt64(0, 50_000_000_000_000L) / 10 * 10),
        DateTimeOffset = new DateTimeOffset(2021, 6, 1, 12, 0, 0, TimeSpan.FromHours(random.Next(-11, 12))).AddTicks(random.NextInt64(0, 10_000_000_000_000L) / 10 * 10),
        DateOnly = DateOnly.FromDayNumber(random.Next(700_000, 750_000)),
        TimeOnly = new TimeOnly(random.NextInt64(0, TimeSpan.TicksPerDay) / 10 * 10),
        TimeSpan = TimeSpan.FromTicks(random.NextInt64(-100_000_000_000L, 100_000_000_000L) / 10 * 10),
        Guid = Guid.NewGuid(),
        Role = (Role)random.Next(3),
        Flags = random.Next(2) == 0 ? Flags.None : Flags.Big,
        Bytes = i % 4 == 0 ? null : Enumerable.Range(0, random.Next(0, 20)).Select(_ => (byte)random.Next(256)).ToArray(),
        NullableInt = i % 3 == 0 ? null : random.Next(),
        NullableDateTime = i % 3 == 1 ? null : new DateTime(2022, 2, 2, 2, 2, 2, DateTimeKind.Utc).AddSeconds(random.Next()),
        NullableGuid = i % 2 == 0 ? null : Guid.NewGuid(),
        NullableRole = i % 2 == 1 ? null : Role.Admin,
        NullableDecimal = i % 2 == 1 ? null : -0.001m * random.Next(1000),
        Ints = Enumerable.Range(0, random.Next(0, 5)).Select(_ => random.Next(-1000, 1000)).ToList(),
        Strings = Enumerable.Range(0, random.Next(0, 3)).Select(k => $"s{k}-{random.Next(100)}").ToArray(),
        Guids = i % 3 == 0 ? null : [Guid.NewGuid()],
        Address = i % 2 == 0 ? null : new Address { City = "Oslo", Street = i % 3 == 0 ? null : "Storgata 1", Zip = random.Next(1000, 9999) },
        Lines = Enumerable.Range(0, random.Next(0, 3)).Select(k => new Line
        {
            Sku = $"SKU-{k}", Quantity = random.Next(1, 10), Price = Math.Round((decimal)random.NextDouble() * 100m, 2),
            ShipTo = k % 2 == 0 ? null : new Address { City = "Rome", Zip = 100 + k },
        }).ToList(),
    };
}
