using System.Reflection;
using System.Runtime.Loader;

namespace ZgDb.Cli;

/// <summary>
/// The application's database class, for the commands that take <c>--assembly</c> and <c>--database</c> (export
/// efcore, check-queries, serve): loads the assembly (its dependencies resolved from its own folder), finds the one
/// <see cref="ZgDatabase"/> subclass of that name and opens it, with the same errors in every command.
/// </summary>
internal static class DatabaseClass
{
    private static readonly HashSet<string> ResolvedFolders = new(StringComparer.Ordinal);

    /// <summary>The class named <paramref name="typeName"/> (full or short name) in the assembly at <paramref name="assemblyPath"/>.</summary>
    /// <exception cref="ZgDbException">The file is missing, or the assembly has no such class, or more than one.</exception>
    public static Type Find(string assemblyPath, string typeName)
    {
        var full = Path.GetFullPath(assemblyPath);
        if (!File.Exists(full)) throw new ZgDbException($"--assembly: '{assemblyPath}' does not exist.");
        ResolveDependenciesFrom(Path.GetDirectoryName(full)!);
        var assembly = AssemblyLoadContext.Default.LoadFromAssemblyPath(full);
        Type[] types;
        try { types = assembly.GetTypes(); }
        catch (ReflectionTypeLoadException e) { types = e.Types.Where(t => t is not null).ToArray()!; }
        var databases = types.Where(t => typeof(ZgDatabase).IsAssignableFrom(t) && !t.IsAbstract).ToList();
        var candidates = databases.Where(t => t.FullName == typeName || t.Name == typeName).ToList();
        if (candidates.Count == 1) return candidates[0];
        throw new ZgDbException(candidates.Count == 0
            ? $"--database: '{assemblyPath}' has no database class '{typeName}' (it has: {(databases.Count == 0 ? "none" : string.Join(", ", databases.Select(t => t.FullName)))})."
            : $"--database: '{typeName}' is ambiguous in '{assemblyPath}': {string.Join(", ", candidates.Select(t => t.FullName))}; give the full name.");
    }

    /// <summary>Opens the database class <paramref name="type"/> on <paramref name="directory"/> (the open's own exception, unwrapped).</summary>
    public static ZgDatabase Open(Type type, string directory, ZgDbOptions? options = null) =>
        Invoke(nameof(ZgDatabase.Open), type, [directory, options]);

    /// <summary>Opens the database class <paramref name="type"/> in memory (the open's own exception, unwrapped).</summary>
    public static ZgDatabase OpenInMemory(Type type) => Invoke(nameof(ZgDatabase.OpenInMemory), type, [null]);

    private static ZgDatabase Invoke(string method, Type type, object?[] arguments)
    {
        var open = typeof(ZgDatabase).GetMethod(method)!.MakeGenericMethod(type);
        try
        {
            return (ZgDatabase)open.Invoke(null, arguments)!;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
    }

    /// <summary>The application's own dependencies (a models assembly beside it) load from its folder, once per folder.</summary>
    private static void ResolveDependenciesFrom(string folder)
    {
        lock (ResolvedFolders)
            if (!ResolvedFolders.Add(folder)) return;
        AssemblyLoadContext.Default.Resolving += (context, name) =>
            File.Exists(Path.Combine(folder, name.Name + ".dll")) ? context.LoadFromAssemblyPath(Path.Combine(folder, name.Name + ".dll")) : null;
    }
}
