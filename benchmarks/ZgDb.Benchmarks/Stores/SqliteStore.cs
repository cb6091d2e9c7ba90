using Microsoft.Data.Sqlite;
using ZgDb.Benchmarks.Data;

namespace ZgDb.Benchmarks.Stores;

/// <summary>
/// Raw ADO.NET over SQLite (Microsoft.Data.Sqlite): WAL mode, synchronous=NORMAL, indexes on Email (unique), City,
/// Age and CreatedAt, prepared commands. Tags are one tab-separated TEXT column, CreatedAt is INTEGER ticks.
/// A durable write sets synchronous=FULL for its commit (one fsync of the WAL); Flush checkpoints the WAL.
/// </summary>
public sealed class SqliteStore : BenchStore
{
    private const string Columns = "Id, Name, Email, Age, City, CreatedAt, Tags";
    private SqliteConnection? _connection;
    private string _connectionString = "";
    private SqliteCommand? _find, _byCity, _createdFrom, _countEmail, _update, _insert;

    public override string Name => "SQLite";

    public string FilePath { get; private set; } = "";

    private SqliteConnection Connection => _connection ?? throw new InvalidOperationException("not open");

    public override void Open(string directory)
    {
        Directory.CreateDirectory(directory);
        FilePath = Path.Combine(directory, "users.db");
        _connectionString = new SqliteConnectionStringBuilder { DataSource = FilePath, Pooling = false }.ToString();
        _connection = OpenConnection(_connectionString);
        Execute(_connection, """
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS Users (Id INTEGER PRIMARY KEY, Name TEXT NOT NULL, Email TEXT NOT NULL, Age INTEGER NOT NULL,
                City TEXT NOT NULL, CreatedAt INTEGER NOT NULL, Tags TEXT NOT NULL);
            CREATE UNIQUE INDEX IF NOT EXISTS IX_Users_Email ON Users(Email);
            CREATE INDEX IF NOT EXISTS IX_Users_City ON Users(City);
            CREATE INDEX IF NOT EXISTS IX_Users_Age ON Users(Age);
            CREATE INDEX IF NOT EXISTS IX_Users_CreatedAt ON Users(CreatedAt);
            """);
        _find = Prepare($"SELECT {Columns} FROM Users WHERE Id = $id", "$id");
        _byCity = Prepare($"SELECT {Columns} FROM Users WHERE City = $city", "$city");
        _createdFrom = Prepare($"SELECT {Columns} FROM Users WHERE CreatedAt >= $from ORDER BY CreatedAt LIMIT 10", "$from");
        _countEmail = Prepare("SELECT COUNT(*) FROM Users WHERE instr(Email, $fragment) > 0", "$fragment");
        _update = Prepare("UPDATE Users SET Name = $name, Email = $email, Age = $age, City = $city, CreatedAt = $created, Tags = $tags WHERE Id = $id",
            "$name", "$email", "$age", "$city", "$created", "$tags", "$id");
        _insert = Prepare($"INSERT INTO Users ({Columns}) VALUES ($id, $name, $email, $age, $city, $created, $tags)",
            "$id", "$name", "$email", "$age", "$city", "$created", "$tags");
    }

    /// <summary>A connection in WAL mode with synchronous=NORMAL (the pragma is per connection).</summary>
    public static SqliteConnection OpenConnection(string connectionString)
    {
        var connection = new SqliteConnection(connectionString);
        connection.Open();
        Execute(connection, "PRAGMA synchronous=NORMAL;");
        return connection;
    }

    private SqliteCommand Prepare(string sql, params string[] parameters) => Prepare(Connection, sql, parameters);

    private static SqliteCommand Prepare(SqliteConnection connection, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters) command.Parameters.Add(new SqliteParameter { ParameterName = name });
        command.Prepare();
        return command;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public override void InsertAll(IReadOnlyList<User> users)
    {
        Execute(Connection, "PRAGMA synchronous=FULL;");
        using (var transaction = Connection.BeginTransaction())
        {
            _insert!.Transaction = transaction;
            foreach (var user in users)
            {
                Bind(_insert, user);
                _insert.ExecuteNonQuery();
            }
            transaction.Commit();
            _insert.Transaction = null;
        }
        Execute(Connection, "PRAGMA synchronous=NORMAL;");
    }

    private static void Bind(SqliteCommand command, User user)
    {
        var p = command.Parameters;
        p["$id"].Value = user.Id;
        p["$name"].Value = user.Name;
        p["$email"].Value = user.Email;
        p["$age"].Value = user.Age;
        p["$city"].Value = user.City;
        p["$created"].Value = user.CreatedAt.Ticks;
        p["$tags"].Value = string.Join('\t', user.Tags);
    }

    internal static User Read(SqliteDataReader reader) => new()
    {
        Id = reader.GetInt32(0),
        Name = reader.GetString(1),
        Email = reader.GetString(2),
        Age = reader.GetInt32(3),
        City = reader.GetString(4),
        CreatedAt = new DateTime(reader.GetInt64(5), DateTimeKind.Utc),
        Tags = [.. reader.GetString(6).Split('\t')],
    };

    private static List<User> ReadAll(SqliteCommand command)
    {
        var users = new List<User>();
        using var reader = command.ExecuteReader();
        while (reader.Read()) users.Add(Read(reader));
        return users;
    }

    public override User? Find(int id) => Find(_find!, id);

    private static User? Find(SqliteCommand find, int id)
    {
        find.Parameters[0].Value = id;
        using var reader = find.ExecuteReader();
        return reader.Read() ? Read(reader) : null;
    }

    public override List<User> ByCity(string city)
    {
        _byCity!.Parameters[0].Value = city;
        return ReadAll(_byCity);
    }

    public override List<User> CreatedFromTop10(DateTime from)
    {
        _createdFrom!.Parameters[0].Value = from.Ticks;
        return ReadAll(_createdFrom);
    }

    public override int CountEmailContaining(string fragment)
    {
        _countEmail!.Parameters[0].Value = fragment;
        return Convert.ToInt32(_countEmail.ExecuteScalar());
    }

    public override void Update(User user)
    {
        Bind(_update!, user);
        _update!.ExecuteNonQuery();
    }

    public override void SetDurableWrites(bool durable) => Execute(Connection, durable ? "PRAGMA synchronous=FULL;" : "PRAGMA synchronous=NORMAL;");

    public override void Flush() => Execute(Connection, "PRAGMA wal_checkpoint(FULL);");

    private readonly List<SqliteConnection> _readers = [];

    public override Func<int, User?> OpenReader()
    {
        var connection = OpenConnection(_connectionString);
        lock (_readers) _readers.Add(connection);
        var find = Prepare(connection, $"SELECT {Columns} FROM Users WHERE Id = $id", "$id");
        return id => Find(find, id);
    }

    public override string? Note(string workload) => workload switch
    {
        "W1" => "one transaction, commit with synchronous=FULL",
        "W5" => "instr(Email, x) > 0: full table scan",
        "W6-durable" => "autocommit per update, synchronous=FULL",
        "W6-flush" => "autocommit per update (synchronous=NORMAL), then wal_checkpoint(FULL)",
        "W9" => "one connection per reader thread",
        _ => null,
    };

    public override void Close()
    {
        foreach (var command in new[] { _find, _byCity, _createdFrom, _countEmail, _update, _insert }) command?.Dispose();
        lock (_readers)
        {
            foreach (var reader in _readers) reader.Dispose();
            _readers.Clear();
        }
        _connection?.Dispose();
        _connection = null;
    }
}
