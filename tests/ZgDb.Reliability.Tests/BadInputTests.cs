using System.Text.Json;
using Xunit;
using Xunit.Abstractions;

namespace ZgDb.Reliability;

/// <summary>
/// Hostile documents and keys: each is stored and read back exactly (from memory, from the WAL after a crash-like
/// reopen, and from chunk files after a checkpoint) or refused at once with a <see cref="ZgDbException"/> that says
/// why. Never silently changed, never a crash. Inserts that could overflow the stack run in the child process.
/// </summary>
public sealed class BadInputTests(ITestOutputHelper output)
{
    /// <summary>A value's exact identity: doubles by their bits (so -0.0 is not 0.0), dates with their kind.</summary>
    private static string Identity(Oddity o) => string.Join("|",
        Exact(o.Id), o.Text is null ? "<null>" : Exact(o.Text),
        BitConverter.DoubleToInt64Bits(o.Number), BitConverter.SingleToInt32Bits(o.Single), o.Money.ToString(System.Globalization.CultureInfo.InvariantCulture),
        o.When.Ticks, o.When.Kind, o.Offset.Ticks, o.Offset.Offset, string.Join(",", o.Numbers.Select(BitConverter.DoubleToInt64Bits)),
        string.Join(",", o.Strings.Select(s => s is null ? "<null>" : Exact(s))));

    /// <summary>A string's UTF-16 code units, in hex (hashed when long, to keep comparisons cheap).</summary>
    private static string Exact(string s)
    {
        var units = System.Runtime.InteropServices.MemoryMarshal.AsBytes(s.AsSpan());
        return s.Length <= 64 ? Convert.ToHexString(units) : $"{s.Length} chars, SHA-256 {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(units))}";
    }

    private static IEnumerable<(string Case, Oddity Doc)> Oddities()
    {
        int n = 0;
        Oddity Doc(string id) => new() { Id = id, When = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc) };
        string Key() => $"k{n++:D3}";
        foreach (var (name, text) in new (string, string)[]
                 {
                     ("lone high surrogate", "a\uD800b"), ("lone low surrogate", "a\uDC00b"), ("reversed pair", "\uDC00\uD800"),
                     ("surrogate at end", "abc\uD83D"), ("emoji", "😀 ok"), ("NUL", "a\0b"), ("controls", "\u0001\u001F\u007F\t\r\n"),
                     ("quotes and slashes", "\"\\/\b\f"), ("BOM and RTL", "\uFEFF\u202Eevil"), ("noncharacters", "\uFFFE\uFFFF"),
                     ("empty", ""), ("html", "<script>&amp;</script>"),
                 })
            yield return ("string: " + name, Set(Doc(Key()), x => x.Text = text));
        yield return ("string: 8 MiB", Set(Doc(Key()), x => x.Text = new string('x', 8 << 20)));
        yield return ("null string", Set(Doc(Key()), x => x.Text = null));
        yield return ("strings with nulls and surrogates", Set(Doc(Key()), x => x.Strings = [null, "\uD800", "", "ok"]));
        foreach (var (name, value) in new (string, double)[]
                 {
                     ("NaN", double.NaN), ("+Infinity", double.PositiveInfinity), ("-Infinity", double.NegativeInfinity), ("-0.0", -0.0),
                     ("epsilon", double.Epsilon), ("max", double.MaxValue), ("min", double.MinValue), ("1/3", 1.0 / 3),
                 })
            yield return ("double: " + name, Set(Doc(Key()), x => { x.Number = value; x.Numbers = [value, 1, value]; }));
        yield return ("float: NaN and infinity", Set(Doc(Key()), x => x.Single = float.NegativeInfinity));
        yield return ("float: max", Set(Doc(Key()), x => x.Single = float.MaxValue));
        yield return ("decimal: max", Set(Doc(Key()), x => x.Money = decimal.MaxValue));
        yield return ("decimal: min with scale", Set(Doc(Key()), x => x.Money = -0.0000000000000000000000000001m));
        yield return ("decimal: trailing zeros", Set(Doc(Key()), x => x.Money = 1.500m));
        foreach (var kind in Enum.GetValues<DateTimeKind>())
            yield return ($"DateTime kind {kind}", Set(Doc(Key()), x => x.When = new DateTime(2026, 3, 4, 5, 6, 7, kind).AddTicks(1234567)));
        yield return ("DateTime.MinValue", Set(Doc(Key()), x => x.When = DateTime.MinValue));
        yield return ("DateTime.MaxValue", Set(Doc(Key()), x => x.When = DateTime.MaxValue));
        yield return ("DateTimeOffset +14:00", Set(Doc(Key()), x => x.Offset = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.FromHours(14)).AddTicks(1)));
        yield return ("DateTimeOffset -12:00", Set(Doc(Key()), x => x.Offset = new DateTimeOffset(1, 1, 2, 0, 0, 0, TimeSpan.FromHours(-12))));
        // Keys: values, never paths.
        foreach (var key in new[] { "../x", "..", ".", "a/b", "a\\b", "/etc/passwd", "C:\\x", "con", "CON", "nul", "aux.txt", "a\0b", " ", "*?<>|:",
                     "\uD800", "😀", "manifest-0000000001.zgm", "zgdb.lock", new string('k', 100_000) })
            yield return ($"key {Show(key)}", Doc(key));
    }

    private static string Show(string s) => s.Length > 20 ? $"{s[..8]}...({s.Length} chars)" : JsonSerializer.Serialize(s);

    private static Oddity Set(Oddity o, Action<Oddity> set)
    {
        set(o);
        return o;
    }

    [Fact]
    public async Task Odd_values_and_keys_are_stored_exactly_or_refused()
    {
        using var dir = TempDir.Create("bad-input");
        var path = dir.Sub("db");
        var stored = new List<(string Case, Oddity Doc)>();
        var refused = new List<string>();
        var noCheckpoint = new ZgDbOptions { Checkpoint = new CheckpointPolicy { OnDispose = false, MaxChangedDocuments = int.MaxValue, MaxWalBytes = long.MaxValue } };
        var db = ZgDatabase.Open<BadInputDb>(path, noCheckpoint);
        foreach (var (name, doc) in Oddities())
        {
            try
            {
                db.Oddities.Insert(doc);
                stored.Add((name, doc));
            }
            catch (ZgDbException e)
            {
                refused.Add($"{name}: {e.GetType().Name}: {e.Message}");
            }
        }
        void Check(string stage)
        {
            foreach (var (name, doc) in stored)
            {
                var back = db.Oddities.Find(doc.Id);
                Assert.True(back is not null, $"{stage}: {name} was stored but is missing");
                string want = Identity(doc), got = Identity(back);
                if (want != got) Assert.Fail($"{stage}: {name} came back changed:\n  stored {want}\n  read   {got}");
            }
        }
        Check("in memory");
        await db.FlushAsync();
        db.Dispose();
        db = ZgDatabase.Open<BadInputDb>(path, noCheckpoint);
        Check("replayed from the WAL");
        db.Checkpoint();
        db.Dispose();
        db = ZgDatabase.Open<BadInputDb>(path);
        Check("read from chunk files");
        db.Dispose();
        foreach (var r in refused) output.WriteLine("refused " + r);
        Figures.Record(output, $"bad input: {stored.Count} odd values and keys stored and read back exactly (memory, WAL replay, chunks), {refused.Count} refused with a ZgDbException");
    }

    [Fact]
    public void Oversized_documents_and_bad_keys_are_refused_with_a_clear_error()
    {
        using var db = ZgDatabase.OpenInMemory<BadInputDb>();
        var big = Assert.Throws<ZgDbValidationException>(() => db.Oddities.Insert(new Oddity { Id = "big", Text = new string('x', 17 << 20) }));
        Assert.Contains("over the limit", big.Message);
        Assert.Contains("Oddities", big.Message);
        var empty = Assert.ThrowsAny<ZgDbException>(() => db.Oddities.Insert(new Oddity { Id = "" }));
        Assert.Contains("key", empty.Message);
        Assert.ThrowsAny<ZgDbException>(() => db.Oddities.Insert(new Oddity { Id = null! }));
        Assert.Throws<ArgumentNullException>(() => db.Oddities.Insert(null!));
        Assert.Equal(0, db.Oddities.Count());
    }

    [Fact]
    public void Nesting_within_the_limit_is_stored_and_deeper_is_refused()
    {
        using var dir = TempDir.Create("nesting");
        using (var db = ZgDatabase.Open<BadInputDb>(dir.Sub("db")))
        {
            db.Trees.Insert(new TreeDoc { Id = 1, Root = Hostile.Chain(50) });
            var error = Record.Exception(() => db.Trees.Insert(new TreeDoc { Id = 2, Root = Hostile.Chain(100) }));
            Assert.True(error is ZgDbValidationException, $"100 levels: expected ZgDbValidationException, got {error}");
            Assert.Null(db.Trees.Find(2));
        }
        using var reopened = ZgDatabase.Open<BadInputDb>(dir.Sub("db"));
        var depth = 0;
        for (var node = reopened.Trees.Find(1)!.Root; node is not null; node = node.Next) Assert.Equal((depth++).ToString(), node.Name);
        Assert.Equal(50, depth);
    }

    [Fact]
    public void Reserved_word_names_are_stored_and_read_back()
    {
        using var dir = TempDir.Create("reserved");
        var doc = new Select { Null = "null", True = true, @class = 7, From = "from", Where = "where", Con = "con", Aux = "aux", Length = -1 };
        using (var db = ZgDatabase.Open<BadInputDb>(dir.Sub("db")))
        {
            Assert.Equal("Where", db.Where.Name);
            db.Where.Insert(doc);
        }
        using var reopened = ZgDatabase.Open<BadInputDb>(dir.Sub("db"));
        var back = reopened.Where.Find(doc.Id)!;
        Assert.Equal(JsonSerializer.Serialize(doc), JsonSerializer.Serialize(back));
    }

    /// <summary>
    /// Regression: a document whose object graph has a cycle, or is 200,000 levels deep, overflowed the stack in
    /// the engine's deep copy and killed the process. They run in the child process, which must print "refused".
    /// </summary>
    [Theory]
    [InlineData("cycle")]
    [InlineData("self-list")]
    [InlineData("deep")]
    public void Regression_a_cyclic_or_absurdly_deep_document_is_refused_not_a_stack_overflow(string kase)
    {
        using var dir = TempDir.Create("hostile-" + kase);
        using var child = CrashChild.Start("hostile", dir.Sub("db"), kase);
        var line = CrashChild.ReadLine(child, TimeSpan.FromSeconds(60));
        if (!child.WaitForExit(60_000)) CrashChild.KillHard(child);
        var stderr = CrashChild.ErrorOutput(child);
        Assert.True(child.ExitCode == 0, $"{kase}: the process died (exit code {child.ExitCode}): {stderr[..Math.Min(600, stderr.Length)]}");
        Assert.True(line is not null && line.StartsWith("refused: ZgDbValidationException", StringComparison.Ordinal), $"{kase}: {line}");
        output.WriteLine($"{kase}: {line}");
    }

    /// <summary>
    /// Regression: a string key or value holding a lone UTF-16 surrogate was accepted, then written to the WAL
    /// and chunks as U+FFFD: after a reopen the document had another key or another text. Now refused at once.
    /// </summary>
    [Fact]
    public void Regression_invalid_utf16_is_refused_not_silently_replaced()
    {
        using var db = ZgDatabase.OpenInMemory<BadInputDb>();
        var key = Assert.Throws<ZgDbValidationException>(() => db.Oddities.Insert(new Oddity { Id = "a\uD800" }));
        Assert.Contains("surrogate", key.Message);
        var text = Assert.Throws<ZgDbValidationException>(() => db.Oddities.Insert(new Oddity { Id = "t", Text = "x\uDC00" }));
        Assert.Contains("surrogate", text.Message);
        var list = Assert.Throws<ZgDbValidationException>(() => db.Oddities.Insert(new Oddity { Id = "l", Strings = ["ok", "\uD83D"] }));
        Assert.Contains("surrogate", list.Message);
        db.Oddities.Insert(new Oddity { Id = "fine", Text = "\uFFFD and 😀 are valid" });
        Assert.Equal("\uFFFD and 😀 are valid", db.Oddities.Find("fine")!.Text);
        Assert.Equal(1, db.Oddities.Count());
    }
}
