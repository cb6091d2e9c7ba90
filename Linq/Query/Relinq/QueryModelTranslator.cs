using System.Collections.Immutable;
using System.Linq.Expressions;
using System.Reflection;
using Remotion.Linq;
using Remotion.Linq.Clauses;
using Remotion.Linq.Clauses.Expressions;
using Remotion.Linq.Clauses.ResultOperators;
using M = ZgDb.Query.EnumerableMethods;

namespace ZgDb.Query.Relinq;

/// <summary>
/// Turns a re-linq QueryModel back into one expression over <see cref="Enumerable"/> operators, with every
/// collection root as a <see cref="CollectionSourceExpression"/>: the normalized query the planner reads. Query
/// syntax, transparent identifiers and subqueries are resolved by re-linq; this class only maps its clauses and
/// result operators to the LINQ-to-Objects operators with the same meaning.
/// </summary>
internal sealed class QueryModelTranslator
{
    /// <summary>The expressions that stand for each query source in the current lambda (and the enclosing ones).</summary>
    public sealed class Scope(ImmutableDictionary<IQuerySource, Expression> sources)
    {
        public static readonly Scope Empty = new(ImmutableDictionary<IQuerySource, Expression>.Empty);
        public ImmutableDictionary<IQuerySource, Expression> Sources { get; } = sources;
        public Scope With(IQuerySource source, Expression expression) => new(Sources.SetItem(source, expression));
    }

    /// <summary>The current sequence: its element type and how each of its query sources is read from an element.</summary>
    private sealed class Shape(Type element, ImmutableList<(IQuerySource Source, Func<Expression, Expression> Read)> sources)
    {
        public Type Element { get; } = element;
        public ImmutableList<(IQuerySource Source, Func<Expression, Expression> Read)> Sources { get; } = sources;

        public Scope Bind(Scope outer, ParameterExpression element) =>
            Sources.Aggregate(outer, (scope, s) => scope.With(s.Source, s.Read(element)));

        /// <summary>The shape of <c>QueryPair&lt;Element, second&gt;</c>: the current sources under First, the new one under Second.</summary>
        public Shape Pair(IQuerySource source, Type second)
        {
            var pair = typeof(QueryPair<,>).MakeGenericType(Element, second);
            var first = pair.GetField(nameof(QueryPair<object, object>.First))!;
            var secondField = pair.GetField(nameof(QueryPair<object, object>.Second))!;
            var moved = Sources.Select(s => (s.Source, (Func<Expression, Expression>)(e => s.Read(Expression.Field(e, first))))).ToImmutableList();
            return new Shape(pair, moved.Add((source, e => Expression.Field(e, secondField))));
        }
    }

    public Expression Translate(QueryModel model, Scope outer)
    {
        var main = model.MainFromClause;
        var sequence = Sequence(main.FromExpression, outer, main.ItemType);
        var shape = new Shape(main.ItemType, [(main, e => e)]);

        foreach (var clause in model.BodyClauses)
        {
            switch (clause)
            {
                case WhereClause where:
                    sequence = M.Call(M.Where, [shape.Element], sequence, Lambda(where.Predicate, shape, outer));
                    break;
                case OrderByClause orderBy:
                    for (int i = 0; i < orderBy.Orderings.Count; i++)
                    {
                        var ordering = orderBy.Orderings[i];
                        var key = Lambda(ordering.Expression, shape, outer);
                        var method = (i == 0, ordering.OrderingDirection == OrderingDirection.Desc) switch
                        {
                            (true, false) => M.OrderBy,
                            (true, true) => M.OrderByDescending,
                            (false, false) => M.ThenBy,
                            _ => M.ThenByDescending,
                        };
                        sequence = M.Call(method, [shape.Element, key.ReturnType], sequence, key);
                    }
                    break;
                case AdditionalFromClause from:
                {
                    var element = Expression.Parameter(shape.Element, "t");
                    var inner = Sequence(from.FromExpression, shape.Bind(outer, element), from.ItemType);
                    var next = shape.Pair(from, from.ItemType);
                    var collection = Expression.Lambda(inner, element);
                    var item = Expression.Parameter(from.ItemType, from.ItemName);
                    var result = Expression.Lambda(Expression.New(next.Element.GetConstructors()[0], element, item), element, item);
                    sequence = M.Call(M.SelectMany, [shape.Element, from.ItemType, next.Element], sequence, collection, result);
                    shape = next;
                    break;
                }
                case JoinClause join:
                    (sequence, shape) = Join(sequence, shape, join, outer);
                    break;
                case GroupJoinClause groupJoin:
                {
                    var join = groupJoin.JoinClause;
                    var inner = Sequence(join.InnerSequence, outer, join.ItemType);
                    var outerKey = Lambda(join.OuterKeySelector, shape, outer);
                    var innerItem = Expression.Parameter(join.ItemType, join.ItemName);
                    var innerKey = Expression.Lambda(Coerce(Resolve(join.InnerKeySelector, outer.With(join, innerItem)), outerKey.ReturnType), innerItem);
                    var groupType = typeof(IEnumerable<>).MakeGenericType(join.ItemType);
                    var next = shape.Pair(groupJoin, groupType);
                    var element = Expression.Parameter(shape.Element, "t");
                    var group = Expression.Parameter(groupType, groupJoin.ItemName);
                    var result = Expression.Lambda(Expression.New(next.Element.GetConstructors()[0], element, group), element, group);
                    sequence = M.Call(M.GroupJoin, [shape.Element, join.ItemType, outerKey.ReturnType, next.Element], sequence, inner, outerKey, innerKey, result);
                    shape = next;
                    break;
                }
                default:
                    throw new NotSupportedException($"The query clause '{clause}' is not supported.");
            }
        }

        // The select clause is applied as late as possible: operators that do not depend on the projected values
        // (Skip, Take, Count, Any, Reverse) run on the documents, where the planner can serve them from an index.
        var selector = Lambda(model.SelectClause.Selector, shape, outer);
        bool selected = false;
        Expression Selected()
        {
            if (selected) return sequence;
            selected = true;
            if (selector.Body == selector.Parameters[0]) return sequence;
            return sequence = M.Call(M.Select, [shape.Element, selector.ReturnType], sequence, selector);
        }
        Type ItemType() => selected ? M.ElementType(sequence.Type) : shape.Element;

        foreach (var op in model.ResultOperators)
        {
            switch (op)
            {
                case TakeResultOperator take:
                    sequence = M.Call(M.Take, [ItemType()], sequence, Coerce(Resolve(take.Count, outer), typeof(int)));
                    break;
                case SkipResultOperator skip:
                    sequence = M.Call(M.Skip, [ItemType()], sequence, Coerce(Resolve(skip.Count, outer), typeof(int)));
                    break;
                case ReverseResultOperator:
                    sequence = M.Call(M.Reverse, [ItemType()], sequence);
                    break;
                case CountResultOperator:
                    // Count and LongCount run the selector (Select(u => u.Age / zero).Count() throws in LINQ-to-Objects):
                    // the planner drops it when it cannot throw
                    sequence = M.Call(M.Count, [ItemTypeAfter(Selected())], sequence);
                    break;
                case LongCountResultOperator:
                    sequence = M.Call(M.LongCount, [ItemTypeAfter(Selected())], sequence);
                    break;
                case AnyResultOperator:
                    sequence = M.Call(M.Any, [ItemType()], sequence);
                    break;
                case AllResultOperator all when !selected:
                    sequence = M.Call(M.All, [shape.Element], sequence, Lambda(all.Predicate, shape, outer));
                    break;
                case GroupResultOperator group when !selected:
                {
                    var key = Lambda(group.KeySelector, shape, outer);
                    var element = Lambda(group.ElementSelector, shape, outer);
                    sequence = M.Call(M.GroupBy, [shape.Element, key.ReturnType, element.ReturnType], sequence, key, element);
                    selected = true;
                    break;
                }
                case FirstResultOperator first:
                    sequence = M.Call(first.ReturnDefaultWhenEmpty ? M.FirstOrDefault : M.First, [ItemTypeAfter(Selected())], sequence);
                    break;
                case SingleResultOperator single:
                    sequence = M.Call(single.ReturnDefaultWhenEmpty ? M.SingleOrDefault : M.Single, [ItemTypeAfter(Selected())], sequence);
                    break;
                case LastResultOperator last:
                    sequence = M.Call(last.ReturnDefaultWhenEmpty ? M.LastOrDefault : M.Last, [ItemTypeAfter(Selected())], sequence);
                    break;
                case DistinctResultOperator:
                    sequence = M.Call(M.Distinct, [ItemTypeAfter(Selected())], sequence);
                    break;
                case ContainsResultOperator contains:
                {
                    var type = ItemTypeAfter(Selected());
                    sequence = M.Call(M.Contains, [type], sequence, Coerce(Resolve(contains.Item, outer), type));
                    break;
                }
                case SumResultOperator:
                    sequence = M.NumericAggregate(nameof(Enumerable.Sum), Selected(), ItemTypeAfter(sequence));
                    break;
                case AverageResultOperator:
                    sequence = M.NumericAggregate(nameof(Enumerable.Average), Selected(), ItemTypeAfter(sequence));
                    break;
                case MinResultOperator:
                    sequence = M.NumericAggregate(nameof(Enumerable.Min), Selected(), ItemTypeAfter(sequence));
                    break;
                case MaxResultOperator:
                    sequence = M.NumericAggregate(nameof(Enumerable.Max), Selected(), ItemTypeAfter(sequence));
                    break;
                case CastResultOperator cast:
                    sequence = M.Call(M.Cast, [cast.CastItemType], Selected());
                    break;
                case OfTypeResultOperator ofType:
                    sequence = M.Call(M.OfType, [ofType.SearchedItemType], Selected());
                    break;
                case DefaultIfEmptyResultOperator defaultIfEmpty:
                {
                    var type = ItemTypeAfter(Selected());
                    sequence = defaultIfEmpty.OptionalDefaultValue is { } value
                        ? M.Call(M.DefaultIfEmptyValue, [type], sequence, Coerce(Resolve(value, outer), type))
                        : M.Call(M.DefaultIfEmpty, [type], sequence);
                    break;
                }
                case ConcatResultOperator concat:
                    sequence = SetOperation(M.Concat, concat.Source2, outer, Selected());
                    break;
                case UnionResultOperator union:
                    sequence = SetOperation(M.Union, union.Source2, outer, Selected());
                    break;
                case IntersectResultOperator intersect:
                    sequence = SetOperation(M.Intersect, intersect.Source2, outer, Selected());
                    break;
                case ExceptResultOperator except:
                    sequence = SetOperation(M.Except, except.Source2, outer, Selected());
                    break;
                case AggregateResultOperator aggregate:
                {
                    var type = ItemTypeAfter(Selected());
                    sequence = M.Call(M.Aggregate, [type], sequence, AggregateFunc(aggregate.Func, model.SelectClause.Selector, type, outer));
                    break;
                }
                case AggregateFromSeedResultOperator aggregate:
                {
                    var type = ItemTypeAfter(Selected());
                    var seed = Resolve(aggregate.Seed, outer);
                    var func = AggregateFunc(aggregate.Func, model.SelectClause.Selector, type, outer);
                    sequence = aggregate.OptionalResultSelector is { } resultSelector
                        ? M.Call(M.AggregateSeedResult, [type, func.ReturnType, resultSelector.ReturnType], sequence, Coerce(seed, func.ReturnType), func, ResolveLambda(resultSelector, outer))
                        : M.Call(M.AggregateSeed, [type, func.ReturnType], sequence, Coerce(seed, func.ReturnType), func);
                    break;
                }
                case AsQueryableResultOperator:
                    break; // an identity in LINQ-to-Objects (c.Orders.AsQueryable(), list.AsQueryable() inside a query)
                default:
                    throw new NotSupportedException($"The operator '{op}' is not supported{(selected ? " after a projection, distinct or grouping" : "")}.");
            }
            if (!typeof(System.Collections.IEnumerable).IsAssignableFrom(sequence.Type) || sequence.Type == typeof(string))
            {
                // a scalar result (Count, First, Sum...) ends the query: re-linq puts nothing after it
                selected = true;
            }
        }
        return selected ? sequence : Selected();

        Type ItemTypeAfter(Expression s) => M.ElementType(s.Type);
    }

    private (Expression, Shape) Join(Expression sequence, Shape shape, JoinClause join, Scope outer)
    {
        var inner = Sequence(join.InnerSequence, outer, join.ItemType);
        var outerKey = Lambda(join.OuterKeySelector, shape, outer);
        var innerItem = Expression.Parameter(join.ItemType, join.ItemName);
        var innerKey = Expression.Lambda(Coerce(Resolve(join.InnerKeySelector, outer.With(join, innerItem)), outerKey.ReturnType), innerItem);
        var next = shape.Pair(join, join.ItemType);
        var element = Expression.Parameter(shape.Element, "t");
        var item = Expression.Parameter(join.ItemType, join.ItemName);
        var result = Expression.Lambda(Expression.New(next.Element.GetConstructors()[0], element, item), element, item);
        return (M.Call(M.Join, [shape.Element, join.ItemType, outerKey.ReturnType, next.Element], sequence, inner, outerKey, innerKey, result), next);
    }

    private Expression SetOperation(MethodInfo method, Expression source2, Scope outer, Expression sequence)
    {
        var type = M.ElementType(sequence.Type);
        return M.Call(method, [type], sequence, Sequence(source2, outer, type));
    }

    /// <summary>A lambda over the current element that evaluates <paramref name="body"/> (written in terms of query sources).</summary>
    private LambdaExpression Lambda(Expression body, Shape shape, Scope outer)
    {
        var element = Expression.Parameter(shape.Element, shape.Sources.Count == 1 ? shape.Sources[0].Source.ItemName : "t");
        return Expression.Lambda(Resolve(body, shape.Bind(outer, element)), element);
    }

    /// <summary>
    /// re-linq hands Aggregate's function as <c>acc =&gt; body</c> with the item replaced by the selector (in terms of
    /// the query sources); puts the item back as a second parameter.
    /// </summary>
    private LambdaExpression AggregateFunc(LambdaExpression func, Expression selector, Type item, Scope outer)
    {
        var parameter = Expression.Parameter(item, "item");
        var body = new ReferenceReplacer(selector, parameter).Visit(func.Body);
        return Expression.Lambda(Resolve(body!, outer), func.Parameters[0], parameter);
    }

    private sealed class ReferenceReplacer(Expression from, Expression to) : ExpressionVisitor
    {
        public override Expression? Visit(Expression? node) => node == from ? to : base.Visit(node);
        protected override Expression VisitExtension(Expression node) => node;
    }

    private LambdaExpression ResolveLambda(LambdaExpression lambda, Scope outer) =>
        Expression.Lambda(Resolve(lambda.Body, outer), lambda.Parameters);

    /// <summary>Replaces query source references and subqueries in <paramref name="expression"/>.</summary>
    private Expression Resolve(Expression expression, Scope scope) => new SourceResolver(this, scope).Visit(expression);

    /// <summary>A from-expression as a sequence of <paramref name="itemType"/>: collection roots become <see cref="CollectionSourceExpression"/>s.</summary>
    private Expression Sequence(Expression from, Scope scope, Type itemType)
    {
        if (from is ConstantExpression { Value: IZgCollection collection }) return new CollectionSourceExpression(collection.ElementType);
        if (from is ConstantExpression { Value: ILiftedQuery lifted }) return Coerce(lifted.Normalized, typeof(IEnumerable<>).MakeGenericType(itemType));
        from = Resolve(from, scope);
        var enumerable = typeof(IEnumerable<>).MakeGenericType(itemType);
        return from.Type == enumerable ? from : Expression.Convert(from, enumerable);
    }

    private static Expression Coerce(Expression expression, Type type)
    {
        if (expression.Type == type) return expression;
        if (type.IsAssignableFrom(expression.Type) && !expression.Type.IsValueType) return expression;
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IQueryable<>) && M.TryElementType(expression.Type) is { } element
            && type.GetGenericArguments()[0] == element)
        {
            var asQueryable = typeof(Queryable).GetMethods().First(m => m.Name == nameof(Queryable.AsQueryable) && m.IsGenericMethod).MakeGenericMethod(element);
            return Expression.Call(asQueryable, expression);
        }
        // an ordered subquery's plan yields a plain sequence in that order (a Scan, a sort step, a projection)
        if (Execution.OrderedView.Wrap(expression, type) is { } ordered) return ordered;
        return Expression.Convert(expression, type);
    }

    private sealed class SourceResolver(QueryModelTranslator translator, Scope scope) : ExpressionVisitor
    {
        protected override Expression VisitExtension(Expression node) => node switch
        {
            QuerySourceReferenceExpression reference => scope.Sources.TryGetValue(reference.ReferencedQuerySource, out var resolved)
                ? resolved
                : throw new NotSupportedException($"The query source '{reference.ReferencedQuerySource.ItemName}' is out of scope."),
            SubQueryExpression subQuery => Coerce(translator.Translate(subQuery.QueryModel, scope), subQuery.Type),
            CollectionSourceExpression => node,
            _ => throw new NotSupportedException($"The expression '{node}' is not supported."),
        };

        protected override Expression VisitConstant(ConstantExpression node) =>
            node.Value is ILiftedQuery lifted ? Coerce(lifted.Normalized, node.Type)
            : node.Value is IZgCollection collection && node.Type.IsInterface
                ? Coerce(new CollectionSourceExpression(collection.ElementType), node.Type)
                : node; // a collection passed where its own class is expected stays itself (it reads the current state)
    }
}
