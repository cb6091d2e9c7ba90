namespace ZgDb.Reliability;

/// <summary>
/// Writes onto the real directories one state a power cut could leave, given what a <see cref="PowerLossFileSystem"/>
/// knows is durable. Everything flushed stays exactly as flushed. Everything unflushed is, chosen at random:
/// <list type="bullet">
/// <item>per file with writes since its last flush: all of them kept, none kept (the content as of the flush), an
/// in-order prefix cut at any byte (write-back in order, interrupted), or torn: the length is the new one, the old
/// one or a sector boundary between, and every 512-byte sector the unflushed writes touched is independently kept,
/// left old, zeroed or filled with garbage (write-back in any order, as SQLite's crash test VFS and dm-log-writes
/// replay it). A truncation not flushed may be undone, so old bytes come back. Only bytes the unflushed writes
/// touched are damaged: flushed bytes sharing a sector with them are kept (the disk writes sectors whole and
/// a rewrite of the same bytes leaves them, SQLite's "powersafe overwrite");</item>
/// <item>per directory with creates, renames or deletes since its last flush: all applied, none, an in-order prefix,
/// or each independently. They are replayed in order on the durable entries, and a change whose file is not there
/// (the rename of a file whose create was lost) is lost too. So a file created and not flushed in its directory can
/// vanish, a rename not followed by a directory flush can be undone (the old name keeps the old file), a delete can
/// be undone (the file is back with its content), and a new directory can vanish with everything in it.</item>
/// </list>
/// </summary>
internal static class PowerCut
{
    public const int SectorBytes = 512;

    public static PowerCutReport Materialize(IEnumerable<TrackedDirectory> directories, Random random)
    {
        var report = new PowerCutReport();
        var contents = new Dictionary<TrackedFile, byte[]>();
        foreach (var directory in directories)
        {
            if (!directory.Loaded || !Directory.Exists(directory.Path)) continue; // untouched, or gone with its parent
            var final = FinalEntries(directory, random, report);
            var names = new SortedSet<string>(directory.Durable.Keys.Concat(directory.Current.Keys), StringComparer.Ordinal);
            foreach (var change in directory.Unflushed)
            {
                names.Add(change.Name);
                if (change.NewName is not null) names.Add(change.NewName);
            }
            foreach (var name in names)
            {
                var path = Path.Combine(directory.Path, name);
                switch (final.GetValueOrDefault(name))
                {
                    case null:
                        if (File.Exists(path)) File.Delete(path);
                        else if (Directory.Exists(path)) Directory.Delete(path, recursive: true);
                        break;
                    case TrackedFile { Durable: null }:
                        break; // never changed: the disk's bytes are durable, and it was never moved
                    case TrackedFile file:
                        if (!contents.TryGetValue(file, out var bytes)) contents[file] = bytes = Content(file, random, report);
                        File.WriteAllBytes(path, bytes);
                        break;
                    case TrackedDirectory:
                        Directory.CreateDirectory(path);
                        break;
                }
            }
        }
        return report;
    }

    private enum Choice { All, None, Prefix, Each }

    private static Dictionary<string, object> FinalEntries(TrackedDirectory directory, Random random, PowerCutReport report)
    {
        var final = new Dictionary<string, object>(directory.Durable, StringComparer.Ordinal);
        var changes = directory.Unflushed;
        if (changes.Count == 0) return final;
        report.DirectoriesUnflushed++;
        var choice = (Choice)random.Next(4);
        int prefix = random.Next(changes.Count + 1);
        for (int i = 0; i < changes.Count; i++)
        {
            var change = changes[i];
            bool apply = choice switch
            {
                Choice.All => true,
                Choice.None => false,
                Choice.Prefix => i < prefix,
                _ => random.Next(2) == 0,
            };
            if (apply && TryApply(final, change))
            {
                report.EntryChangesKept++;
                continue;
            }
            report.EntryChangesUndone++;
            switch (change.Kind)
            {
                case EntryChangeKind.Create: report.CreatesUndone++; break;
                case EntryChangeKind.Rename: report.RenamesUndone++; break;
                case EntryChangeKind.Delete: report.DeletesUndone++; break;
            }
        }
        return final;
    }

    private static bool TryApply(Dictionary<string, object> entries, EntryChange change)
    {
        switch (change.Kind)
        {
            case EntryChangeKind.Create:
                entries[change.Name] = change.Node;
                return true;
            case EntryChangeKind.Rename when entries.TryGetValue(change.Name, out var node) && node == change.Node:
                entries.Remove(change.Name);
                entries[change.NewName!] = change.Node;
                return true;
            case EntryChangeKind.Delete when entries.TryGetValue(change.Name, out var node) && node == change.Node:
                entries.Remove(change.Name);
                return true;
            default:
                return false; // its file is not there in this outcome
        }
    }

    private enum FileOutcome { Whole, Dropped, Prefix, Torn }

    /// <summary>The bytes <paramref name="file"/> holds after the cut.</summary>
    private static byte[] Content(TrackedFile file, Random random, PowerCutReport report)
    {
        var durable = file.Durable!;
        if (file.Pending.Count == 0) return durable;
        report.FilesUnflushed++;
        switch ((FileOutcome)random.Next(4))
        {
            case FileOutcome.Whole:
                report.FilesKeptWhole++;
                return TrackedFile.Apply(durable, file.Pending);
            case FileOutcome.Dropped:
                report.FilesDropped++;
                return durable;
            case FileOutcome.Prefix:
                report.FilesCutShort++;
                return Prefix(file, random);
            default:
                report.FilesTorn++;
                return Torn(file, random, report);
        }
    }

    /// <summary>The writes applied in order, stopping inside one of them (strictly less than all of them).</summary>
    private static byte[] Prefix(TrackedFile file, Random random)
    {
        int stop = random.Next(file.Pending.Count);
        var writes = file.Pending.Take(stop).ToList();
        if (file.Pending[stop] is { Data: { Length: > 1 } data } partial)
        {
            int keep = random.Next(1, data.Length);
            writes.Add(new PendingWrite(partial.Offset, data[..keep], partial.Offset + keep));
        }
        return TrackedFile.Apply(file.Durable!, writes);
    }

    private enum SectorOutcome { Kept, Old, Zeroed, Garbage }

    private static byte[] Torn(TrackedFile file, Random random, PowerCutReport report)
    {
        var durable = file.Durable!;
        var current = TrackedFile.Apply(durable, file.Pending);
        int low = Math.Min(durable.Length, current.Length), high = Math.Max(durable.Length, current.Length);
        int length = random.Next(4) switch
        {
            0 or 1 => current.Length,
            2 => durable.Length,
            _ => Math.Max(low, (low + random.Next(high - low + 1)) / SectorBytes * SectorBytes), // the size reached a sector boundary
        };
        var bytes = new byte[length];
        for (int i = 0; i < length; i++) bytes[i] = i < current.Length ? current[i] : i < durable.Length ? durable[i] : (byte)0;

        var touched = new bool[Math.Max(length, 1)];
        foreach (var write in file.Pending)
        {
            if (write.Data is null) continue;
            for (long i = write.Offset; i < Math.Min(length, write.Offset + write.Data.Length); i++) touched[i] = true;
        }
        for (int start = 0; start < length; start += SectorBytes)
        {
            int end = Math.Min(length, start + SectorBytes);
            if (!touched.AsSpan(start, end - start).Contains(true)) continue;
            var outcome = random.Next(5) switch { 0 or 1 => SectorOutcome.Kept, 2 => SectorOutcome.Old, 3 => SectorOutcome.Zeroed, _ => SectorOutcome.Garbage };
            switch (outcome)
            {
                case SectorOutcome.Kept: report.SectorsKept++; continue;
                case SectorOutcome.Old: report.SectorsOld++; break;
                case SectorOutcome.Zeroed: report.SectorsZeroed++; break;
                default: report.SectorsGarbage++; break;
            }
            for (int i = start; i < end; i++)
            {
                if (!touched[i]) continue;
                bytes[i] = outcome switch
                {
                    SectorOutcome.Old => i < durable.Length ? durable[i] : (byte)0,
                    SectorOutcome.Zeroed => 0,
                    _ => (byte)random.Next(256),
                };
            }
        }
        return bytes;
    }
}

/// <summary>What one or more simulated power cuts did to the unflushed state (the figures the tests log).</summary>
internal sealed class PowerCutReport
{
    public int FilesUnflushed { get; set; }
    public int FilesKeptWhole { get; set; }
    public int FilesDropped { get; set; }
    public int FilesCutShort { get; set; }
    public int FilesTorn { get; set; }
    public int SectorsKept { get; set; }
    public int SectorsOld { get; set; }
    public int SectorsZeroed { get; set; }
    public int SectorsGarbage { get; set; }
    public int DirectoriesUnflushed { get; set; }
    public int EntryChangesKept { get; set; }
    public int EntryChangesUndone { get; set; }
    public int CreatesUndone { get; set; }
    public int RenamesUndone { get; set; }
    public int DeletesUndone { get; set; }

    public void Add(PowerCutReport other)
    {
        FilesUnflushed += other.FilesUnflushed;
        FilesKeptWhole += other.FilesKeptWhole;
        FilesDropped += other.FilesDropped;
        FilesCutShort += other.FilesCutShort;
        FilesTorn += other.FilesTorn;
        SectorsKept += other.SectorsKept;
        SectorsOld += other.SectorsOld;
        SectorsZeroed += other.SectorsZeroed;
        SectorsGarbage += other.SectorsGarbage;
        DirectoriesUnflushed += other.DirectoriesUnflushed;
        EntryChangesKept += other.EntryChangesKept;
        EntryChangesUndone += other.EntryChangesUndone;
        CreatesUndone += other.CreatesUndone;
        RenamesUndone += other.RenamesUndone;
        DeletesUndone += other.DeletesUndone;
    }

    public override string ToString() =>
        $"{FilesUnflushed} files had unflushed writes ({FilesKeptWhole} kept whole, {FilesDropped} dropped to their flushed content, " +
        $"{FilesCutShort} cut short, {FilesTorn} torn: {SectorsKept} sectors kept, {SectorsOld} left old, {SectorsZeroed} zeroed, {SectorsGarbage} garbage); " +
        $"{DirectoriesUnflushed} directories had unflushed entries ({EntryChangesKept} changes kept, {EntryChangesUndone} undone: " +
        $"{CreatesUndone} creates, {RenamesUndone} renames, {DeletesUndone} deletes)";
}
