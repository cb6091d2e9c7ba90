using ZgDb.Tests.Support;

namespace ZgDb.Tests.Regressions;

/// <summary>
/// Regression (issue 14, section 3): a lone UTF-16 surrogate in a <c>char</c> property was accepted and read back as
/// U+FFFD after a reopen (strings were fixed before, <c>char</c> was not). It is now refused at write time, as for strings.
/// </summary>
public abstract class LoneSurrogateCharReadBackAsReplacementCharacter<TBackend> : DatabaseSuite<TBackend> where TBackend : Backend, new()
{
    public sealed class Glyph
    {
        public int Id { get; set; }
        public char Letter { get; set; }
        public char? Optional { get; set; }
        public List<char> Letters { get; set; } = [];
    }

    public sealed class GlyphDb : ZgDatabase
    {
        public ZgCollection<Glyph> Glyphs => Collection<Glyph>();
    }

    // Code points, not chars: xunit passes theory data through UTF-8, which turns a lone surrogate into U+FFFD.
    [Theory]
    [InlineData(0xD800, 'a', 'a')]
    [InlineData('a', 0xDFFF, 'a')]
    [InlineData('a', 'a', 0xDBFF)]
    public void A_lone_surrogate_char_is_refused_and_nothing_is_stored(int letter, int optional, int inList)
    {
        Db.Dispose();
        using var db = Backend.Open<GlyphDb>();
        var glyph = new Glyph { Letter = (char)letter, Optional = (char)optional, Letters = ['b', (char)inList] };
        var e = Assert.Throws<ZgDbValidationException>(() => db.Glyphs.Insert(glyph));
        Assert.Contains("surrogate", e.Message);
        Assert.Equal(0, db.Glyphs.Count());
    }

    [Fact]
    public void Every_other_char_reads_back_exactly_after_a_reopen()
    {
        Db.Dispose();
        var db = Backend.Open<GlyphDb>();
        var chars = new[] { '\0', 'a', 'é', '\u00A0', '\uFFFD', '\uFFFF', '"', '\\', '\n' };
        foreach (var c in chars) db.Glyphs.Insert(new Glyph { Letter = c, Optional = c, Letters = [c, 'x'] });
        db = Backend.Reopen(db);
        Assert.Equal(chars, db.Glyphs.ToList().Select(g => g.Letter));
        Assert.Equal(chars.Select(c => (char?)c), db.Glyphs.ToList().Select(g => g.Optional));
        db.Checkpoint();
        db = Backend.Reopen(db);
        Assert.Equal(chars, db.Glyphs.ToList().Select(g => g.Letters[0]));
        db.Dispose();
    }
}

public sealed class LoneSurrogateCharReadBackAsReplacementCharacterInMemory : LoneSurrogateCharReadBackAsReplacementCharacter<InMemoryBackend>;
public sealed class LoneSurrogateCharReadBackAsReplacementCharacterOnDisk : LoneSurrogateCharReadBackAsReplacementCharacter<OnDiskBackend>;
