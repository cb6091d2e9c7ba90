using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace ZgDb.Extensions.Hosting;

/// <summary>Reads a database's directory and options from a configuration section.</summary>
internal static class ZgDbConfiguration
{
    public const string DirectoryKey = "Directory";

    public static (string Directory, ZgDbOptions Options) Read(IConfiguration configuration)
    {
        string where = configuration is IConfigurationSection section ? $"'{section.Path}'" : "the configuration";
        var directory = configuration[DirectoryKey];
        if (string.IsNullOrWhiteSpace(directory))
            throw new InvalidOperationException($"ZgDb configuration {where} has no '{DirectoryKey}': set it to the database directory (e.g. \"data/blog\").");
        RefuseUnknownKeys(configuration, typeof(ZgDbOptions), where, top: true);
        var options = new ZgDbOptions();
        configuration.Bind(options);
        return (directory, options);
    }

    /// <summary>A misspelt key would silently leave its option at the default: name it instead.</summary>
    private static void RefuseUnknownKeys(IConfiguration configuration, Type type, string where, bool top)
    {
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.SetMethod is { IsPublic: true } && p.PropertyType != typeof(Microsoft.Extensions.Logging.ILogger) && p.PropertyType != typeof(Microsoft.Extensions.Logging.ILoggerFactory))
            .ToDictionary(p => p.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var child in configuration.GetChildren())
        {
            if (top && child.Key.Equals(DirectoryKey, StringComparison.OrdinalIgnoreCase)) continue;
            if (!properties.TryGetValue(child.Key, out var property))
                throw new InvalidOperationException(
                    $"ZgDb configuration {where} has an unknown key '{child.Path}'. Known keys here: {string.Join(", ", (top ? [DirectoryKey] : Array.Empty<string>()).Concat(properties.Keys.Order()))}.");
            if (property.PropertyType.IsClass && property.PropertyType != typeof(string))
                RefuseUnknownKeys(child, property.PropertyType, where, top: false);
        }
    }
}
