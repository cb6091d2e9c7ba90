using System.Globalization;
using System.Linq.Expressions;
using System.Text.Json;
using System.Text.Json.Serialization;
using ZgDb.Migrations.EfCore;
using Ef = Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions;
using Zg = ZgDb.Linq.IncludeExtensions;

namespace ZgDb.Migrations.Tests.Support;

/// <summary>
/// The blog's queryables and eager loading, so one query text runs on ZgDb and on EF Core. Include is called
/// through explicit classes: ZgDb's Include does nothing on a non-ZgDb query, and EF Core's nothing on ZgDb's.
/// </summary>
public interface IBlogSource
{
    IQueryable<User> Users { get; }
    IQueryable<Post> Posts { get; }
    IQueryable<Comment> Comments { get; }
    IQueryable<Category> Categories { get; }
    IQueryable<Profile> Profiles { get; }
    IQueryable<T> Include<T, TProperty>(IQueryable<T> query, Expression<Func<T, TProperty>> navigation) where T : class;
    IQueryable<T> IncludeThen<T, TElement, TProperty>(IQueryable<T> query, Expression<Func<T, List<TElement>>> navigation, Expression<Func<TElement, TProperty>> then) where T : class;
    IQueryable<T> IncludeThenReference<T, TReference, TProperty>(IQueryable<T> query, Expression<Func<T, TReference>> navigation, Expression<Func<TReference, TProperty>> then) where T : class;
}

public sealed class ZgBlogSource(BlogDb db) : IBlogSource
{
    public IQueryable<User> Users => db.Users;
    public IQueryable<Post> Posts => db.Posts;
    public IQueryable<Comment> Comments => db.Comments;
    public IQueryable<Category> Categories => db.Categories;
    public IQueryable<Profile> Profiles => db.Profiles;
    public IQueryable<T> Include<T, TProperty>(IQueryable<T> query, Expression<Func<T, TProperty>> navigation) where T : class => Zg.Include(query, navigation);
    public IQueryable<T> IncludeThen<T, TElement, TProperty>(IQueryable<T> query, Expression<Func<T, List<TElement>>> navigation, Expression<Func<TElement, TProperty>> then) where T : class =>
        Zg.ThenInclude(Zg.Include(query, navigation), then);
    public IQueryable<T> IncludeThenReference<T, TReference, TProperty>(IQueryable<T> query, Expression<Func<T, TReference>> navigation, Expression<Func<TReference, TProperty>> then) where T : class =>
        Zg.ThenInclude(Zg.Include(query, navigation), then);
}

public sealed class EfBlogSource(ZgDbReplayContext context) : IBlogSource
{
    public IQueryable<User> Users => context.Set<User>();
    public IQueryable<Post> Posts => context.Set<Post>();
    public IQueryable<Comment> Comments => context.Set<Comment>();
    public IQueryable<Category> Categories => context.Set<Category>();
    public IQueryable<Profile> Profiles => context.Set<Profile>();
    public IQueryable<T> Include<T, TProperty>(IQueryable<T> query, Expression<Func<T, TProperty>> navigation) where T : class => Ef.Include(query, navigation);
    public IQueryable<T> IncludeThen<T, TElement, TProperty>(IQueryable<T> query, Expression<Func<T, List<TElement>>> navigation, Expression<Func<TElement, TProperty>> then) where T : class =>
        Ef.ThenInclude(Ef.Include(query, navigation), then);
    public IQueryable<T> IncludeThenReference<T, TReference, TProperty>(IQueryable<T> query, Expression<Func<T, TReference>> navigation, Expression<Func<TReference, TProperty>> then) where T : class =>
        Ef.ThenInclude(Ef.Include(query, navigation), then);
}

/// <summary>A query's result as canonical JSON: doubles to 9 significant digits, decimals without trailing zeros.</summary>
public static class ResultText
{
    private static readonly JsonSerializerOptions Options = new()
    {
        Converters = { new DoubleConverter(), new DecimalConverter() },
        ReferenceHandler = ReferenceHandler.IgnoreCycles,
    };

    public static string Of(object? result) => JsonSerializer.Serialize(result, Options);

    private sealed class DoubleConverter : JsonConverter<double>
    {
        public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDouble();
        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options) =>
            writer.WriteRawValue(value.ToString("G9", CultureInfo.InvariantCulture));
    }

    private sealed class DecimalConverter : JsonConverter<decimal>
    {
        public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDecimal();
        public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) =>
            writer.WriteRawValue((value / 1.000000000000000000000000000000000m).ToString(CultureInfo.InvariantCulture));
    }
}
