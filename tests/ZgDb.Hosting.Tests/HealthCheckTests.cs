using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using ZgDb.WebApi;

namespace ZgDb.Hosting.Tests;

/// <summary><c>AddHealthChecks().AddZgDb&lt;TDb&gt;()</c>: healthy, degraded past the thresholds, unhealthy when faulted.</summary>
public sealed class HealthCheckTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private async Task<(IHost Host, BlogDb Db)> Start(Action<ZgDbOptions>? options = null, Action<ZgDb.Extensions.Hosting.ZgDbHealthCheckOptions>? thresholds = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddZgDb<BlogDb>(_temp.Sub("blog"), options);
        builder.Services.AddHealthChecks().AddZgDb<BlogDb>(configure: thresholds);
        var host = builder.Build();
        await host.StartAsync();
        return (host, host.Services.GetRequiredService<BlogDb>());
    }

    private static async Task<HealthReportEntry> Check(IHost host)
    {
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        return Assert.Single(report.Entries, e => e.Key == "zgdb-BlogDb").Value;
    }

    [Fact]
    public async Task A_writable_database_is_healthy()
    {
        var (host, db) = await Start();
        using (host)
        {
            db.Users.Insert(new User { Name = "Ada", Email = "ada@example.com" });
            var entry = await Check(host);
            Assert.Equal(HealthStatus.Healthy, entry.Status);
            Assert.Equal(1L, entry.Data["documents"]);
            Assert.Equal(entry.Data["lastLsn"], entry.Data["durableLsn"]); // the check flushed
        }
    }

    [Fact]
    public async Task Changes_not_checkpointed_past_the_threshold_are_degraded()
    {
        var (host, db) = await Start(o => o.Checkpoint = CheckpointPolicy.Manual, t => t.MaxPendingChanges = 10);
        using (host)
        {
            db.Users.InsertMany(Enumerable.Range(0, 11).Select(i => new User { Name = $"u{i}", Email = $"u{i}@example.com" }));
            var entry = await Check(host);
            Assert.Equal(HealthStatus.Degraded, entry.Status);
            Assert.Contains("11 changed documents are not checkpointed, more than 10", entry.Description);

            db.Checkpoint();
            Assert.Equal(HealthStatus.Healthy, (await Check(host)).Status);
        }
    }

    [Fact]
    public async Task A_write_ahead_log_past_the_threshold_is_degraded()
    {
        var (host, db) = await Start(o => o.Checkpoint = CheckpointPolicy.Manual, t => t.MaxWalBytes = 4096);
        using (host)
        {
            Assert.Equal(HealthStatus.Healthy, (await Check(host)).Status);
            db.Users.InsertMany(Enumerable.Range(0, 100).Select(i => new User { Name = new string('x', 90), Email = $"u{i}@example.com" }));
            var entry = await Check(host);
            Assert.Equal(HealthStatus.Degraded, entry.Status);
            Assert.Contains("the write-ahead log holds", entry.Description);
            Assert.True((long)entry.Data["walBytes"] > 4096);
        }
    }

    [Fact]
    public async Task A_database_whose_disk_failed_is_unhealthy_with_the_reason()
    {
        var fs = new SwitchableFileSystem();
        var (host, db) = await Start(o => o.FileSystem = fs);
        using (host)
        {
            fs.FailFlushes = true;
            db.Users.Insert(new User { Name = "Ada", Email = "ada@example.com" });
            await Assert.ThrowsAsync<ZgDbFaultedException>(() => db.FlushAsync());

            var entry = await Check(host);
            Assert.Equal(HealthStatus.Unhealthy, entry.Status);
            Assert.Contains("BlogDb no longer accepts writes", entry.Description);
            Assert.Contains("Input/output error (injected)", entry.Description + entry.Exception);
        }
    }

    [Fact]
    public async Task A_failed_checkpoint_is_unhealthy_although_the_log_still_flushes()
    {
        var fs = new SwitchableFileSystem();
        var (host, db) = await Start(o => { o.FileSystem = fs; o.Checkpoint = CheckpointPolicy.Manual; });
        using (host)
        {
            db.Users.Insert(new User { Name = "Ada", Email = "ada@example.com" });
            await db.FlushAsync();
            fs.FailFlushes = true;
            Assert.ThrowsAny<Exception>(() => db.Checkpoint()); // the chunk file's fsync fails
            fs.FailFlushes = false;
            await db.FlushAsync(); // the log itself is fine: a check that only flushed would say healthy

            var entry = await Check(host);
            Assert.Equal(HealthStatus.Unhealthy, entry.Status);
            Assert.Contains("no longer accepts writes", entry.Description);
        }
    }
}
