// A minimal API over a blog, with ZgDb registered in the host (docs/HOSTING.md):
//   dotnet run --project samples/WebApi            (listens on http://localhost:5000, database in data/blog)
//   curl -X POST localhost:5000/users -H 'Content-Type: application/json' -d '{"name":"Ada","email":"ada@example.com"}'
//   curl localhost:5000/health
using System.ComponentModel.DataAnnotations;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using ZgDb;
using ZgDb.Linq;
using ZgDb.WebApi;

var builder = WebApplication.CreateBuilder(args);

// The database: a singleton opened at startup (a failure fails the start), flushed and disposed at shutdown.
// Directory and options come from appsettings.json's "ZgDb" section (or --ZgDb:Directory=... on the command line).
builder.Services.AddZgDb<BlogDb>(builder.Configuration.GetSection("ZgDb"));
builder.Services.AddHealthChecks().AddZgDb<BlogDb>();
// ZgDb's validation, unique, foreign-key and not-found errors become 400/409/404 problem details.
builder.Services.AddZgDbProblemDetails();

// OpenTelemetry (docs/TELEMETRY.md): ZgDb's spans (queries, writes, transactions) and metrics (operation durations,
// rows returned, documents per collection, chunk cache, WAL) go to the console exporter when Telemetry:Console is
// true (appsettings.json); swap in the OTLP or Prometheus exporter for a real collector.
if (builder.Configuration.GetValue<bool>("Telemetry:Console"))
{
    ZgDbTelemetry.RecordQueryText = builder.Configuration.GetValue<bool>("Telemetry:RecordQueryText");
    builder.Services.AddOpenTelemetry()
        .ConfigureResource(resource => resource.AddService("ZgDb.WebApi"))
        // ASP.NET Core's own source too: its request span is the parent of ZgDb's (unsampled, it would drop them)
        .WithTracing(tracing => tracing.AddSource("Microsoft.AspNetCore", ZgDbTelemetry.ActivitySourceName).AddConsoleExporter())
        .WithMetrics(metrics => metrics.AddMeter(ZgDbTelemetry.MeterName)
            .AddConsoleExporter((_, reader) => reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds =
                builder.Configuration.GetValue("Telemetry:MetricsIntervalMilliseconds", 60_000)));
}

var app = builder.Build();
app.UseExceptionHandler();

app.MapPost("/users", (User user, BlogDb db) =>
{
    db.Users.Insert(user);
    return Results.Created($"/users/{user.Id}", user);
});
app.MapGet("/users/{id:int}", (int id, BlogDb db) => db.Users.Find(id) is { } user ? Results.Ok(user) : Results.NotFound());
app.MapPut("/users/{id:int}", (int id, User user, BlogDb db) =>
{
    user.Id = id;
    db.Users.Update(user); // ZgDbNotFoundException (404) when there is no such user
    return Results.Ok(user);
});
app.MapGet("/users", async (BlogDb db, int? minAge, CancellationToken cancellationToken) =>
    await db.Users.Where(u => u.Age >= (minAge ?? 0)).OrderBy(u => u.Name).ToListAsync(cancellationToken));

app.MapPost("/posts", (Post post, BlogDb db) =>
{
    db.Posts.Insert(post); // ZgDbForeignKeyException (409) when the author does not exist
    return Results.Created($"/posts/{post.Id}", post);
});
app.MapGet("/users/{id:int}/posts", (int id, BlogDb db) =>
    db.Posts.Where(p => p.AuthorId == id).OrderBy(p => p.Id).ToList());

app.MapHealthChecks("/health");

app.Run();

namespace ZgDb.WebApi
{
    /// <summary>The blog: users (unique by email) and their posts.</summary>
    public sealed class BlogDb : ZgDatabase
    {
        public ZgCollection<User> Users => Collection<User>();
        public ZgCollection<Post> Posts => Collection<Post>();

        protected override void OnModelCreating(ModelBuilder model)
        {
            model.Entity<User>().HasIndex(u => u.Email).IsUnique();
        }
    }

    public sealed class User
    {
        public int Id { get; set; }
        [Required, MaxLength(100)] public string Name { get; set; } = "";
        public string Email { get; set; } = "";
        public int Age { get; set; }
    }

    public sealed class Post
    {
        public int Id { get; set; }
        public int AuthorId { get; set; }
        public User? Author { get; set; }
        [Required, MaxLength(200)] public string Title { get; set; } = "";
    }
}
