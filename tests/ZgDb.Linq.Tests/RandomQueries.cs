using System.Linq.Expressions;
using Xunit;
using Xunit.Abstractions;

namespace ZgDb.Linq.Tests;

/// <summary>
/// Seeded random Where/OrderBy/Skip/Take/Count queries over indexed and unindexed properties, each compared with
/// LINQ-to-Objects. Reproduce a failure with the printed seed: <c>ZGDB_LINQ_SEED=&lt;seed&gt; dotnet test --filter RandomQueries</c>.
/// </summary>
public abstract class RandomQuerySuite<TBackend>(TBackend backend, ITestOutputHelper output, int queries) : IClassFixture<TBackend> where TBackend : Backend
{
    [Fact]
    public void Random_queries_equal_LINQ_to_Objects()
    {
        int seed = int.TryParse(Environment.GetEnvironmentVariable("ZGDB_LINQ_SEED"), out var s) ? s : 20261123 + typeof(TBackend).Name.Length;
        output.WriteLine($"seed {seed}");
        var generator = new QueryGenerator(new Random(seed), backend.People);
        for (int i = 0; i < queries; i++)
        {
            var (text, run) = generator.Next();
            var expected = Canonical.Run(() => run(backend.People.AsQueryable()));
            var actual = Canonical.Run(() => run(backend.Db.People));
            if (expected != actual)
            {
                string plan;
                try { plan = generator.LastQuery is { } q ? q(backend.Db.People).Explain() : "?"; } catch (Exception e) { plan = e.Message; }
                Assert.Fail($"seed {seed}, query #{i}: {text}\nplan: {plan}\nexpected: {Cut(expected)}\nactual:   {Cut(actual)}");
            }
        }
    }

    private static string Cut(string s) => s.Length > 1500 ? s[..1500] + "…" : s;
}

// Most random queries have a shape of their own (a parse and a compile each, on both sides): 1,200 in all keeps
// the suite near a minute on a busy 2-core machine; the on-disk run checks the same planner over chunk files.
public sealed class InMemoryRandomQueries(InMemoryBackend backend, ITestOutputHelper output) : RandomQuerySuite<InMemoryBackend>(backend, output, 800);

public sealed class OnDiskRandomQueries(OnDiskBackend backend, ITestOutputHelper output) : RandomQuerySuite<OnDiskBackend>(backend, output, 400);

/// <summary>Builds random queries as expression trees (so values are constants the plan cache must lift).</summary>
internal sealed class QueryGenerator(Random random, IReadOnlyList<Person> people)
{
    private static readonly ParameterExpression P = Expression.Parameter(typeof(Person), "p");
    private static readonly string[] Properties = ["Id", "Age", "City", "Score", "Status", "Height", "Balance", "Born", "Name", "Email", "Active"];
    private static readonly string[] Orderable = ["Id", "Age", "Score", "Status", "Born", "Name", "City", "Balance", "Big"];

    public Func<IQueryable<Person>, IQueryable<Person>>? LastQuery { get; private set; }

    public (string Text, Func<IQueryable<Person>, object?> Run) Next()
    {
        Expression<Func<Person, bool>>? predicate = random.Next(8) == 0 ? null : Predicate(random.Next(1, 4));
        var orderings = Enumerable.Range(0, random.Next(4) == 0 ? 0 : random.Next(1, 3))
            .Select(_ => (Key: Orderable[random.Next(Orderable.Length)], Descending: random.Next(2) == 0)).ToList();
        int? skip = random.Next(5) == 0 ? random.Next(0, 50) : null;
        int? take = random.Next(3) > 0 ? random.Next(0, 30) : null;
        int terminal = random.Next(6);

        IQueryable<Person> Shape(IQueryable<Person> q)
        {
            if (predicate is not null) q = q.Where(predicate);
            for (int i = 0; i < orderings.Count; i++)
                q = Order(q, orderings[i].Key, orderings[i].Descending, i > 0);
            if (skip is { } s) q = q.Skip(s);
            if (take is { } t) q = q.Take(t);
            return q;
        }
        LastQuery = Shape;
        var text = $"{(predicate is null ? "" : $"Where({predicate}) ")}{string.Concat(orderings.Select(o => $"Order({o.Key}{(o.Descending ? " desc" : "")}) "))}"
                   + $"{(skip is null ? "" : $"Skip({skip}) ")}{(take is null ? "" : $"Take({take}) ")}terminal {terminal}";
        return (text, q => terminal switch
        {
            0 => Shape(q).Count(),
            1 => Shape(q).Any(),
            2 => Shape(q).Select(x => x.Id).FirstOrDefault(),
            3 => Shape(q).LongCount(),
            _ => Shape(q).Select(x => x.Id).ToList(),
        });
    }

    private static IQueryable<Person> Order(IQueryable<Person> q, string property, bool descending, bool then)
    {
        var key = Expression.Lambda(Expression.Property(P, property), P);
        var method = (then, descending) switch
        {
            (false, false) => nameof(Queryable.OrderBy),
            (false, true) => nameof(Queryable.OrderByDescending),
            (true, false) => nameof(Queryable.ThenBy),
            _ => nameof(Queryable.ThenByDescending),
        };
        var call = Expression.Call(typeof(Queryable), method, [typeof(Person), key.ReturnType], q.Expression, Expression.Quote(key));
        return q.Provider.CreateQuery<Person>(call);
    }

    private Expression<Func<Person, bool>> Predicate(int conjuncts)
    {
        Expression body = Condition();
        for (int i = 1; i < conjuncts; i++)
            body = random.Next(5) == 0 ? Expression.OrElse(body, Condition()) : Expression.AndAlso(body, Condition());
        return Expression.Lambda<Func<Person, bool>>(body, P);
    }

    private Expression Condition()
    {
        var property = Properties[random.Next(Properties.Length)];
        var sample = people[random.Next(people.Count)];
        var member = Expression.Property(P, property);
        var op = random.Next(6);
        switch (property)
        {
            case "City" or "Email" or "Name":
            {
                var value = (string?)typeof(Person).GetProperty(property)!.GetValue(sample);
                if (property == "Name" && random.Next(2) == 0 && value is { Length: > 0 })
                {
                    var prefix = Expression.Constant(value[..Math.Min(value.Length, random.Next(1, 4))]);
                    return random.Next(2) == 0
                        ? Expression.Call(member, typeof(string).GetMethod(nameof(string.StartsWith), [typeof(string), typeof(StringComparison)])!, prefix, Expression.Constant(StringComparison.Ordinal))
                        : Expression.Call(member, typeof(string).GetMethod(nameof(string.StartsWith), [typeof(string)])!, prefix);
                }
                var constant = Expression.Constant(random.Next(10) == 0 ? "nowhere" : value, typeof(string));
                return op < 4 ? Expression.Equal(member, constant) : Expression.NotEqual(member, constant);
            }
            case "Status":
                return Compare(Expression.Convert(member, typeof(int)), Expression.Constant(random.Next(-1, 5)), op);
            case "Active":
                return op < 3 ? member : Expression.Not(member);
            case "Score":
            {
                int? value = random.Next(6) == 0 ? null : sample.Score ?? random.Next(-60, 60);
                return Compare(member, Expression.Constant(value, typeof(int?)), op);
            }
            case "Born":
                return Compare(member, Expression.Constant(random.Next(3) == 0 ? sample.Born : new DateTime(1940, 1, 1).AddDays(random.Next(0, 31000))), op);
            case "Height":
                return Compare(member, Expression.Constant(random.Next(8) == 0 ? double.NaN : Math.Round(random.NextDouble() * 2.3, 2)), op);
            case "Balance":
                return Compare(member, Expression.Constant(sample.Balance), op);
            case "Id":
                return Compare(member, Expression.Constant(random.Next(-10, 6100)), op);
            default: // Age
                return Compare(member, Expression.Constant(random.Next(10) == 0 ? (random.Next(2) == 0 ? int.MaxValue : int.MinValue) : random.Next(-5, 105)), op);
        }
    }

    private static Expression Compare(Expression left, Expression right, int op) => op switch
    {
        0 => Expression.Equal(left, right),
        1 => Expression.NotEqual(left, right),
        2 => Expression.LessThan(left, right),
        3 => Expression.LessThanOrEqual(left, right),
        4 => Expression.GreaterThan(left, right),
        _ => Expression.GreaterThanOrEqual(left, right),
    };
}
