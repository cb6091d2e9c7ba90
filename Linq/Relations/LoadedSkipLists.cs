using System.Reflection;
using System.Runtime.CompilerServices;

namespace ZgDb.Relations;

/// <summary>
/// Which many-to-many lists ZgDb itself filled (by <c>Include</c> or <c>Entry(...).Collection(...).Load()</c>), per
/// entity object. A document read without its list holds whatever its constructor gave it (usually an empty list),
/// and ZgDb tracks no entities: were every <c>Update</c> to make the join rows those of the list, updating a document
/// read without <c>Include</c> would unlink every target. So <see cref="JoinRows"/> removes links only when ZgDb loaded
/// that navigation into the written object (the caller saw every link, so a link missing from the list it writes now,
/// the loaded list changed or another one assigned, was removed on purpose), and otherwise only adds the listed links,
/// as EF Core does for an entity it does not track.
/// </summary>
internal static class LoadedSkipLists
{
    private static readonly ConditionalWeakTable<object, HashSet<PropertyInfo>> Loaded = new();

    /// <summary>Records that ZgDb loaded <paramref name="list"/> into <paramref name="entity"/>'s <paramref name="navigation"/>.</summary>
    public static void Remember(ZgDatabase database, object entity, PropertyInfo navigation, object? list)
    {
        if (list is null || database.Engine.Model.FindSkipNavigation(navigation) is null) return;
        var loaded = Loaded.GetOrCreateValue(entity);
        lock (loaded) loaded.Add(navigation);
    }

    /// <summary>Whether ZgDb loaded <paramref name="navigation"/> into <paramref name="entity"/>.</summary>
    public static bool WasLoaded(object entity, PropertyInfo navigation)
    {
        if (!Loaded.TryGetValue(entity, out var loaded)) return false;
        lock (loaded) return loaded.Contains(navigation);
    }
}
