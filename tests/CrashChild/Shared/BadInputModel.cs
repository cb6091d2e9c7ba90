namespace ZgDb.Reliability;

// Documents of odd shapes for the bad-input tests. TreeNode is recursive, so an instance can hold a cycle.

public sealed class TreeDoc
{
    public int Id { get; set; }
    public TreeNode? Root { get; set; }
    public List<TreeNode> Children { get; set; } = [];
}

public sealed class TreeNode
{
    public string Name { get; set; } = "";
    public TreeNode? Next { get; set; }
}

public sealed class Oddity
{
    public string Id { get; set; } = "";
    public string? Text { get; set; }
    public double Number { get; set; }
    public float Single { get; set; }
    public decimal Money { get; set; }
    public DateTime When { get; set; }
    public DateTimeOffset Offset { get; set; }
    public List<double> Numbers { get; set; } = [];
    public List<string?> Strings { get; set; } = [];
}

/// <summary>Collection and property names that are reserved words elsewhere (C#, SQL, JSON, LINQ, file systems).</summary>
public sealed class Select
{
    public long Id { get; set; }
    public string? Null { get; set; }
    public bool True { get; set; }
    public int @class { get; set; }
    public string? From { get; set; }
    public string? Where { get; set; }
    public string? Con { get; set; }
    public string? Aux { get; set; }
    public int Length { get; set; }
}

public sealed class BadInputDb : ZgDatabase
{
    public ZgCollection<TreeDoc> Trees => Collection<TreeDoc>();
    public ZgCollection<Oddity> Oddities => Collection<Oddity>();
    public ZgCollection<Select> Where => Collection<Select>();
}

public static class Hostile
{
    public static TreeNode Chain(int depth)
    {
        var root = new TreeNode { Name = "0" };
        var node = root;
        for (int i = 1; i < depth; i++) node = node.Next = new TreeNode { Name = i.ToString() };
        return root;
    }

    /// <summary>Runs one hostile insert that could crash a naive engine (run in the child process); returns what happened.</summary>
    public static string Run(string dir, string kase)
    {
        using var db = ZgDatabase.Open<BadInputDb>(dir);
        var doc = new TreeDoc { Id = 1 };
        switch (kase)
        {
            case "cycle":
                doc.Root = new TreeNode { Name = "a" };
                doc.Root.Next = new TreeNode { Name = "b", Next = doc.Root };
                break;
            case "self-list":
                var node = new TreeNode { Name = "self" };
                node.Next = node;
                doc.Children.Add(node);
                break;
            case "deep":
                doc.Root = Chain(200_000);
                break;
            default:
                throw new ArgumentException(kase);
        }
        try
        {
            db.Trees.Insert(doc);
            return "stored";
        }
        catch (ZgDbException e)
        {
            return $"refused: {e.GetType().Name}: {e.Message}";
        }
    }
}
