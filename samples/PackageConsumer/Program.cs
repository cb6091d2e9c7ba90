// Uses the packed packages as a user's app would: the database, the host registration and health check, and the
// EF Core export to SQLite. .ci/pack-and-consume builds and runs it; it prints OK or throws.
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using ZgDb;
using ZgDb.AspNetCore;
using ZgDb.Migrations;
using ZgDb.Migrations.Export;

var root = Path.Combine(Path.GetTempPath(), "zgdb-package-consumer-" + Guid.NewGuid().ToString("N"));
try
{
    var directory = Path.Combine(root, "blog");
    using (var db = ZgDatabase.Open<BlogDb>(directory))
    {
        db.Users.Insert(new User { Name = "Ada", Email = "ada@example.com", Age = 36 });
        db.Users.Insert(new User { Name = "Grace", Email = "grace@example.com", Age = 45 });
        var names = db.Users.Where(u => u.Age > 40).Select(u => u.Name).ToList();
        Check(names.SequenceEqual(["Grace"]), $"query returned [{string.Join(", ", names)}]");
        await db.FlushAsync();

        var report = await ZgDbExporter.ExportAsync(db, ExportTarget.Sqlite(Path.Combine(root, "blog.sqlite")));
        Check(report.Committed && report.Verified && report.Rows == 2, report.ToString());
        Console.WriteLine($"ZgDb.Migrations: exported {report.Rows} rows to SQLite, verified");
    }

    var builder = Host.CreateApplicationBuilder(args);
    builder.Services.AddZgDb<BlogDb>(directory, o => o.Durability = Durability.Synchronous);
    builder.Services.AddHealthChecks().AddZgDb<BlogDb>();
    using (var host = builder.Build())
    {
        await host.StartAsync();
        var db = host.Services.GetRequiredService<BlogDb>();
        Check(db.Users.Count() == 2, "the hosted database does not hold the two users");
        var health = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        Check(health.Status == HealthStatus.Healthy, $"health: {health.Status}");
        await host.StopAsync();
        Console.WriteLine($"ZgDb.Extensions.Hosting: opened at start, {health.Status}, stopped");
    }
    var notFound = ZgDbProblemDetails.From(new ZgDbNotFoundException("Users", 7));
    Check(notFound?.Status == 404, $"ZgDbNotFoundException maps to {notFound?.Status}");
    Console.WriteLine("ZgDb.AspNetCore: ZgDbNotFoundException -> 404 problem details");
    Console.WriteLine("OK");
}
finally
{
    if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
}

static void Check(bool condition, string what)
{
    if (!condition) throw new InvalidOperationException("PackageConsumer: " + what);
}

public sealed class BlogDb : ZgDatabase
{
    public ZgCollection<User> Users => Collection<User>();

    protected override void OnModelCreating(ModelBuilder model) => model.Entity<User>().HasIndex(u => u.Email).IsUnique();
}

public sealed class User
{
    public int Id { get; set; }
    [Required, MaxLength(100)] public string Name { get; set; } = "";
    public string Email { get; set; } = "";
    public int Age { get; set; }
}
