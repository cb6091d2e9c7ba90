namespace ZgDb.Benchmarks.Data;

/// <summary>The document every store holds: the shape issue 2 and issue 7 measure.</summary>
public sealed class User
{
    public int Id { get; set; }
    public string Name { get; set; } = "";
    public string Email { get; set; } = "";
    public int Age { get; set; }
    public string City { get; set; } = "";
    public DateTime CreatedAt { get; set; }
    public List<string> Tags { get; set; } = [];
}
