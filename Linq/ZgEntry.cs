using System.Linq.Expressions;
using System.Reflection;

namespace ZgDb;

/// <summary>
/// Explicit loading of navigations on an entity already in hand: <c>db.Entry(post).Reference(p =&gt; p.Author).Load()</c>,
/// <c>db.Entry(user).Collection(u =&gt; u.Posts).Load()</c>. Each load reads one database state synchronously (inside a transaction, its
/// view) and sets the navigation property to copies of the related documents.
/// </summary>
public sealed class ZgEntry<T> where T : class
{
    private readonly ZgDatabase _database;

    internal ZgEntry(ZgDatabase database, T entity)
    {
        _database = database;
        Entity = entity ?? throw new ArgumentNullException(nameof(entity));
    }

    /// <summary>The entity whose navigations are loaded.</summary>
    public T Entity { get; }

    /// <summary>A reference navigation (<c>p =&gt; p.Author</c>, or the principal's end of a one-to-one).</summary>
    public ZgNavigationEntry Reference<TProperty>(Expression<Func<T, TProperty?>> navigation) where TProperty : class
    {
        _database.ThrowIfDisposed();
        return new(_database, Entity, Navigation(navigation), isCollection: false);
    }

    /// <summary>A collection navigation (<c>u =&gt; u.Posts</c>).</summary>
    public ZgNavigationEntry Collection<TElement>(Expression<Func<T, IEnumerable<TElement>?>> navigation) where TElement : class
    {
        _database.ThrowIfDisposed();
        return new(_database, Entity, Navigation(navigation), isCollection: true);
    }

    private static PropertyInfo Navigation(LambdaExpression navigation) =>
        navigation.Body is MemberExpression { Member: PropertyInfo property } member && member.Expression == navigation.Parameters[0]
            ? property
            : throw new ArgumentException($"'{navigation}' must name a navigation property of {typeof(T).Name}.", nameof(navigation));
}

/// <summary>One navigation of an entity, ready to load.</summary>
public sealed class ZgNavigationEntry
{
    private readonly ZgDatabase _database;
    private readonly object _entity;
    private readonly PropertyInfo _navigation;
    private readonly bool _isCollection;

    internal ZgNavigationEntry(ZgDatabase database, object entity, PropertyInfo navigation, bool isCollection)
    {
        _database = database;
        _entity = entity;
        _navigation = navigation;
        _isCollection = isCollection;
    }

    /// <summary>Loads the related document(s) and sets the navigation property. Returns what was loaded (null or an empty list when nothing is related).</summary>
    /// <exception cref="ZgDbModelException">The property is not a navigation of a relationship in the model.</exception>
    /// <exception cref="ObjectDisposedException">The database was disposed.</exception>
    public object? Load()
    {
        _database.ThrowIfDisposed();
        var value = Navigations.Value(new Query.Execution.QueryContext(_database, _database.Engine.ReadState(), []), _entity, _navigation, _isCollection);
        _navigation.SetValue(_entity, value);
        Relations.LoadedSkipLists.Remember(_database, _entity, _navigation, value);
        return value;
    }
}

/// <summary>Resolves navigations through the model's relationships.</summary>
internal static class Navigations
{
    private static readonly MethodInfo PrincipalMethod = typeof(Relations.RelatedDocuments).GetMethod(nameof(Relations.RelatedDocuments.Principal))!;
    private static readonly MethodInfo DependentsMethod = typeof(Relations.RelatedDocuments).GetMethod(nameof(Relations.RelatedDocuments.Dependents))!;
    private static readonly MethodInfo SkipTargetsMethod = typeof(Relations.RelatedDocuments).GetMethod(nameof(Relations.RelatedDocuments.SkipTargets))!;

    /// <summary>
    /// The value of <paramref name="navigation"/> on <paramref name="entity"/>, read from <paramref name="context"/>'s
    /// state: a copy of the principal, the one-to-one dependent, or a list of dependents.
    /// </summary>
    public static object? Value(Query.Execution.QueryContext context, object entity, PropertyInfo navigation, bool isCollection)
    {
        if (context.Database.Model.FindSkipNavigation(navigation) is { } skip)
        {
            var targets = (System.Collections.IList)SkipTargetsMethod.MakeGenericMethod(skip.JoinEntity.ClrType, skip.Target.ClrType)
                .Invoke(null, BindingFlags.DoNotWrapExceptions, null, [context, skip, skip.Entity.KeyOf(entity)!], null)!;
            return ToNavigationType(targets, navigation.PropertyType);
        }
        var relationship = context.Database.Model.Relationships.FirstOrDefault(r => r.DependentNavigation == navigation || r.PrincipalNavigation == navigation)
            ?? throw new ZgDbModelException(entity.GetType().Name, navigation.Name, "is not a navigation of any relationship of the model.");
        object? value;
        if (relationship.DependentNavigation == navigation)
        {
            var foreignKey = relationship.ForeignKeyOf(entity);
            value = PrincipalMethod.MakeGenericMethod(relationship.Principal.ClrType).Invoke(null, BindingFlags.DoNotWrapExceptions, null, [context, foreignKey], null);
        }
        else
        {
            var key = relationship.Principal.KeyOf(entity)!;
            var dependents = (System.Collections.IList)DependentsMethod.MakeGenericMethod(relationship.Dependent.ClrType).Invoke(null, BindingFlags.DoNotWrapExceptions, null, [context, relationship, key], null)!;
            value = relationship.IsUnique ? dependents.Count > 0 ? dependents[0] : null : ToNavigationType(dependents, navigation.PropertyType);
        }
        if (isCollection && value is null) throw new InvalidOperationException($"{navigation.Name} is not a collection navigation.");
        return value;
    }

    /// <summary>
    /// <c>database.Entry(entity).Reference(...).Load()</c> (or <c>.Collection(...)</c>) written inside a query
    /// (<see cref="Relations.NavigationExpander"/> rewrites it into this): reads the query's state, like every other
    /// navigation of the query. A document the query reads straight from the store (in a filter, say) is shared with
    /// every reader, so its navigation property is left alone; a copy gets it set, as outside a query.
    /// </summary>
    public static object? LoadInQuery<T>(Query.Execution.QueryContext context, ZgDatabase database, T entity, PropertyInfo navigation, bool isCollection) where T : class
    {
        ArgumentNullException.ThrowIfNull(entity);
        if (!ReferenceEquals(database, context.Database)) // an entry of another database: that database's state
            return new ZgNavigationEntry(database, entity, navigation, isCollection).Load();
        var value = Value(context, entity, navigation, isCollection);
        var snapshot = context.Snapshot<T>();
        if (!ReferenceEquals(snapshot.Get(snapshot.KeyOf(entity)), entity))
        {
            navigation.SetValue(entity, value);
            Relations.LoadedSkipLists.Remember(database, entity, navigation, value);
        }
        return value;
    }

    private static object ToNavigationType(System.Collections.IList items, Type navigationType)
    {
        if (navigationType.IsArray)
        {
            var array = Array.CreateInstance(navigationType.GetElementType()!, items.Count);
            items.CopyTo(array, 0);
            return array;
        }
        return items; // a List<TElement> fits List, IList, ICollection, IEnumerable and IReadOnly* navigations
    }
}
