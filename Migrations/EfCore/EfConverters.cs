using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace ZgDb.Migrations.EfCore;

/// <summary>
/// The value converters of the type mapping (docs/MIGRATIONS.md). The generated DbContext declares the same
/// expressions, so the replayed model and the generated one store values alike.
/// </summary>
internal static class EfConverters
{
    public static readonly ValueConverter<DateTime, DateTime> DateTimeAsUtc =
        new(v => DateTime.SpecifyKind(v, DateTimeKind.Utc), v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    public static readonly ValueConverter<DateTimeOffset, DateTimeOffset> DateTimeOffsetAsUtc =
        new(v => v.ToUniversalTime(), v => v);

    /// <summary>The store type of a conversion that only changes the CLR type (sbyte, ushort, uint, ulong).</summary>
    public static Type? ProviderType(EfConversion conversion) => conversion switch
    {
        EfConversion.ToInt16 => typeof(short),
        EfConversion.ToInt32 => typeof(int),
        EfConversion.ToInt64 => typeof(long),
        EfConversion.ToDecimal => typeof(decimal),
        _ => null,
    };
}
