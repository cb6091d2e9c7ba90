using System.Linq.Expressions;
using System.Reflection;

namespace ZgDb;

/// <summary>
/// Explicit loading of navigations on an entity already in hand: <c>db.Entry(post).Reference(p =&gt; p.Author).Load()</c>,
/// <c>db.Entry(user).Collection(u =&gt; u.Posts).Load()</c>. Loading reads the current state synchronously and sets the
/// navigation property to copies of the related documents.
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
    public ZgNavigationEntry Reference<TProperty>(Expression<Func<T, TProperty?>> navigation) where TProperty : class =>
        new(_database, Entity, Navigation(navigation), isCollection: false);

    /// <summary>A collection navigation (<c>u =&gt; u.Posts</c>).</summary>
    public ZgNavigationEntry Collection<TElement>(Expression<Func<T, IEnumerable<TElement>?>> navigation) where TElement : class =>
        new(_database, Entity, Navigation(navigation), isCollection: true);

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
    public object? Load()
    {
        var value = Navigations.Load(_database, _entity, _navigation);
        if (_isCollection && value is null) throw new InvalidOperationException($"{_navigation.Name} is not a collection navigation.");
        _navigation.SetValue(_entity, value);
        return value;
    }
}

/// <summary>Resolves navigations through the model's relationships.</summary>
internal static class Navigations
{
    /// <summary>The value of <paramref name="navigation"/> on <paramref name="entity"/>: a copy of the principal, the one-to-one dependent, or a list of dependents.</summary>
    public static object? Load(ZgDatabase database, object entity, PropertyInfo navigation)
    {
        var model = database.Model;
        var relationship = model.Relationships.FirstOrDefault(r => r.DependentNavigation == navigation || r.PrincipalNavigation == navigation)
            ?? throw new ZgDbModelException(entity.GetType().Name, navigation.Name, "is not a navigation of any relationship of the model.");
        if (relationship.DependentNavigation == navigation)
        {
            var foreignKey = relationship.ForeignKey.Info.GetValue(entity);
            return foreignKey is null ? null : Store(database, relationship.Principal).Find(foreignKey);
        }
        var key = relationship.Principal.Key.Info.GetValue(entity)!;
        var dependents = Store(database, relationship.Dependent).FindDependents(relationship, key);
        if (relationship.IsUnique) return dependents.Count > 0 ? dependents[0] : null;
        return ToNavigationType(dependents, navigation.PropertyType);
    }

    private static IStoreAccess Store(ZgDatabase database, EntityType entity) =>
        typeof(Navigations).GetMethod(nameof(TypedStore), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(entity.ClrType).Invoke(null, [database])!.As();

    private static IStoreAccess TypedStore<TEntity>(ZgDatabase database) where TEntity : class => new StoreAccess<TEntity>(database.Engine.Store<TEntity>());

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

    private static IStoreAccess As(this object store) => (IStoreAccess)store;

    private interface IStoreAccess
    {
        object? Find(object key);
        System.Collections.IList FindDependents(Relationship relationship, object key);
    }

    private sealed class StoreAccess<TEntity>(ZgDb.Storage.Engine.ICollectionStore<TEntity> store) : IStoreAccess where TEntity : class
    {
        public object? Find(object key) => store.Find(key);
        public System.Collections.IList FindDependents(Relationship relationship, object key) => store.FindDependents(relationship, key);
    }
}
