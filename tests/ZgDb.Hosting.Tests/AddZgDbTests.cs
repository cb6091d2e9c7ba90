using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ZgDb.Extensions.Hosting;
using ZgDb.WebApi;

namespace ZgDb.Hosting.Tests;

/// <summary><c>services.AddZgDb&lt;TDb&gt;</c> with the generic host: open at start, flush at stop, dispose with the host.</summary>
public sealed class AddZgDbTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static IHost Host(Action<IServiceCollection> services, Action<ILoggingBuilder>? logging = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        logging?.Invoke(builder.Logging);
        services(builder.Services);
        return builder.Build();
    }

    [Fact]
    public async Task The_database_is_opened_when_the_host_starts_not_at_the_first_request()
    {
        var directory = _temp.Sub("blog");
        using var host = Host(s => s.AddZgDb<BlogDb>(directory));
        Assert.False(Directory.Exists(directory)); // registering opens nothing

        await host.StartAsync();
        Assert.True(File.Exists(Path.Combine(directory, "zgdb.lock")));
        var db = host.Services.GetRequiredService<BlogDb>();
        Assert.Same(db, host.Services.GetRequiredService<BlogDb>());
        Assert.Equal(directory, db.Directory);
        await host.StopAsync();
    }

    [Fact]
    public async Task A_database_that_cannot_be_opened_fails_the_host_start_with_the_real_error()
    {
        var directory = _temp.Sub("blog");
        using var holder = ZgDatabase.Open<BlogDb>(directory); // holds the directory's lock
        using var host = Host(s => s.AddZgDb<BlogDb>(directory));

        await Assert.ThrowsAsync<ZgDbLockedException>(() => host.StartAsync());
    }

    [Fact]
    public async Task Stopping_the_host_waits_until_every_write_is_on_disk()
    {
        var fs = new SwitchableFileSystem();
        using var host = Host(s => s.AddZgDb<BlogDb>(_temp.Sub("blog"), o => o.FileSystem = fs));
        await host.StartAsync();
        var db = host.Services.GetRequiredService<BlogDb>();
        fs.FlushDelay = TimeSpan.FromMilliseconds(300); // the background writer's fsync takes a while
        for (int i = 0; i < 20; i++) db.Users.Insert(new User { Name = $"u{i}", Email = $"u{i}@example.com" });
        Assert.True(db.GetStatistics().DurableLsn < db.GetStatistics().LastLsn);

        await host.StopAsync();

        var statistics = db.GetStatistics();
        Assert.Equal(statistics.LastLsn, statistics.DurableLsn);
    }

    [Fact]
    public async Task Disposing_the_host_disposes_the_database_and_releases_its_directory()
    {
        var directory = _temp.Sub("blog");
        BlogDb db;
        using (var host = Host(s => s.AddZgDb<BlogDb>(directory)))
        {
            await host.StartAsync();
            db = host.Services.GetRequiredService<BlogDb>();
            db.Users.Insert(new User { Name = "Ada", Email = "ada@example.com" });
            await host.StopAsync();
        }

        Assert.Throws<ObjectDisposedException>(() => db.Users.Insert(new User { Name = "Late", Email = "late@example.com" }));
        using var reopened = ZgDatabase.Open<BlogDb>(directory); // the lock is free again
        Assert.Equal("Ada", Assert.Single(reopened.Users.ToList()).Name);
    }

    [Fact]
    public async Task The_options_action_is_applied()
    {
        using var host = Host(s => s.AddZgDb<BlogDb>(_temp.Sub("blog"), o => o.Durability = Durability.Synchronous));
        await host.StartAsync();
        Assert.Equal(Durability.Synchronous, host.Services.GetRequiredService<BlogDb>().Engine.Options.Durability);
        await host.StopAsync();
    }

    [Fact]
    public async Task The_database_logs_to_the_hosts_logger_factory()
    {
        var sink = new ListLoggerProvider();
        using var host = Host(s => s.AddZgDb<BlogDb>(_temp.Sub("blog")), logging => logging.AddProvider(sink).SetMinimumLevel(LogLevel.Trace));
        await host.StartAsync();
        var db = host.Services.GetRequiredService<BlogDb>();

        db.Users.Insert(new User { Name = "Ada", Email = "ada@example.com" });
        db.Checkpoint();

        // One logger per category of the host's factory: a checkpoint is a ZgDb.Storage event.
        Assert.Contains(sink.Entries, e => e.Category == ZgDbLogCategories.Storage && e.Message.Contains("checkpoint at LSN"));
        Assert.All(sink.Entries.Where(e => e.Category.StartsWith("ZgDb", StringComparison.Ordinal)), e => Assert.StartsWith(ZgDbLogging.Category + ".", e.Category));
        await host.StopAsync();
    }

    [Fact]
    public async Task The_configuration_overload_reads_the_directory_and_the_options()
    {
        var directory = _temp.Sub("blog");
        var configuration = Configuration(new()
        {
            ["ZgDb:Directory"] = directory,
            ["ZgDb:Durability"] = "Synchronous",
            ["ZgDb:ChunkDocuments"] = "64",
            ["ZgDb:WriteLockTimeout"] = "00:00:05",
            ["ZgDb:Checkpoint:MaxWalBytes"] = "1048576",
        });
        using var host = Host(s => s.AddZgDb<BlogDb>(configuration.GetSection("ZgDb")));
        await host.StartAsync();

        var db = host.Services.GetRequiredService<BlogDb>();
        Assert.Equal(directory, db.Directory);
        var options = db.Engine.Options;
        Assert.Equal(Durability.Synchronous, options.Durability);
        Assert.Equal(64, options.ChunkDocuments);
        Assert.Equal(TimeSpan.FromSeconds(5), options.WriteLockTimeout);
        Assert.Equal(1 << 20, options.Checkpoint.MaxWalBytes);
        Assert.Equal(50_000, options.Checkpoint.MaxChangedDocuments); // untouched keys keep their defaults
        await host.StopAsync();
    }

    [Theory]
    [InlineData("ZgDb:Durabilty", "Synchronous", "unknown key 'ZgDb:Durabilty'")]
    [InlineData("ZgDb:Checkpoint:MaxWalByte", "1", "unknown key 'ZgDb:Checkpoint:MaxWalByte'")]
    [InlineData("ZgDb:Durability", "Fast", "ZgDb:Durability")]
    public async Task A_misspelt_key_or_a_bad_value_in_the_configuration_fails_the_start_naming_it(string key, string value, string expected)
    {
        var configuration = Configuration(new() { ["ZgDb:Directory"] = _temp.Sub("blog"), [key] = value });
        using var host = Host(s => s.AddZgDb<BlogDb>(configuration.GetSection("ZgDb")));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());
        Assert.Contains(expected, error.Message);
        Assert.False(Directory.Exists(_temp.Sub("blog")));
    }

    [Fact]
    public async Task A_configuration_without_a_directory_fails_the_start_naming_the_section()
    {
        var configuration = Configuration(new() { ["ZgDb:Durability"] = "Synchronous" });
        using var host = Host(s => s.AddZgDb<BlogDb>(configuration.GetSection("ZgDb")));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());
        Assert.Contains("'ZgDb' has no 'Directory'", error.Message);
    }

    [Fact]
    public void Registering_the_same_database_twice_is_refused()
    {
        var services = new ServiceCollection().AddZgDb<BlogDb>(_temp.Sub("a"));
        var error = Assert.Throws<InvalidOperationException>(() => services.AddZgDb<BlogDb>(_temp.Sub("b")));
        Assert.Contains("BlogDb is already registered", error.Message);
    }

    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();
}

/// <summary>Collects (category, message) of every log entry.</summary>
internal sealed class ListLoggerProvider : ILoggerProvider
{
    public List<(string Category, string Message)> Entries { get; } = [];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose() { }

    private sealed class Logger(ListLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (provider.Entries) provider.Entries.Add((category, formatter(state, exception)));
        }
    }
}
