using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace ZgDb.Migrations.Tests.Support;

/// <summary>
/// A throwaway PostgreSQL 15 cluster for one test run: initdb on a temp directory (as the 'postgres' user when the
/// tests run as root, since the server refuses root), started on a free loopback port with trust authentication
/// and the C locale (ordinal string order, as ZgDb's), stopped and deleted on dispose. When the server binaries are
/// missing, <see cref="Unavailable"/> says why: the tests skip, except under CI (CI=true), where that is a failure.
/// </summary>
public sealed class PostgresCluster : IDisposable
{
    public const string BinDirectory = "/usr/lib/postgresql/15/bin";
    private readonly string? _root;
    private readonly bool _asPostgresUser;
    private int _databases;

    public PostgresCluster()
    {
        if (!File.Exists(Path.Combine(BinDirectory, "initdb")))
        {
            Unavailable = $"PostgreSQL 15 server binaries not found in {BinDirectory} (install them with: apt-get install postgresql)";
            if (Environment.GetEnvironmentVariable("CI") == "true")
                throw new InvalidOperationException(Unavailable + "; CI must run the PostgreSQL tests.");
            return;
        }
        _asPostgresUser = Environment.UserName == "root";
        _root = Path.Combine(Path.GetTempPath(), "zgdb-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_root);
        if (_asPostgresUser) Run("chown", $"postgres {_root}", asPostgres: false);
        var data = Path.Combine(_root, "data");
        Port = FreePort();
        Run(Path.Combine(BinDirectory, "initdb"), $"-D {data} -U postgres -A trust --locale=C -E UTF8 --no-sync", _asPostgresUser);
        Run(Path.Combine(BinDirectory, "pg_ctl"),
            $"-D {data} -l {Path.Combine(_root, "server.log")} -w -t 60 -o \"-p {Port} -k {_root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off\" start",
            _asPostgresUser);
    }

    /// <summary>Why PostgreSQL tests cannot run here, or null.</summary>
    public string? Unavailable { get; }

    public int Port { get; }

    /// <summary>Creates a new empty database and returns its connection string.</summary>
    public string CreateDatabase()
    {
        var name = $"zgdb_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid().ToString("N")[..6]}";
        using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            connection.Open();
            using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            command.ExecuteNonQuery();
        }
        return ConnectionString(name);
    }

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Database={database};Username=postgres;Pooling=false;Timeout=30;Command Timeout=120";

    public void Dispose()
    {
        if (_root is null) return;
        try
        {
            Run(Path.Combine(BinDirectory, "pg_ctl"), $"-D {Path.Combine(_root, "data")} -m fast -w stop", _asPostgresUser);
        }
        finally
        {
            try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private static void Run(string program, string arguments, bool asPostgres)
    {
        var info = asPostgres
            ? new ProcessStartInfo("runuser", $"-u postgres -- {program} {arguments}")
            : new ProcessStartInfo(program, arguments);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.WorkingDirectory = "/tmp";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{program} {arguments} did not finish in 120 s");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{program} {arguments} exited {process.ExitCode}: {stdout.Result} {stderr.Result}");
    }
}
