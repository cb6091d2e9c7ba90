namespace ZgDb;

/// <summary>
/// An explicit migration step: code that moves the data from one schema version to the next (fill a new
/// property, split a collection, fix values). Declare the steps in <see cref="ZgDatabase.Migrations"/>; when the
/// database opens, the steps whose <see cref="Version"/> is above the stored schema version run in order, in ONE
/// transaction together with the new version number: all of them apply, or (if one throws) none does and the open
/// fails.
/// </summary>
public abstract class ZgMigration
{
    /// <summary>The schema version this step brings the database to (positive; unique among the steps).</summary>
    public abstract int Version { get; }

    /// <summary>What the step does, for logs (defaults to the class name).</summary>
    public virtual string Description => GetType().Name;

    /// <summary>Changes the data. Runs inside the migration transaction: reads see the earlier steps' writes.</summary>
    public abstract void Up(ZgDatabase database);
}
