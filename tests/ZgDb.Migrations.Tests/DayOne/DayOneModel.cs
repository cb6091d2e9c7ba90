// The entity classes of the day-one test: plain classes without ZgDb references, so the test copies this file as it
// is into a fresh EF Core console project beside the exported sources (DayOneTests).
using System.ComponentModel.DataAnnotations;

namespace DayOne;

public class Blog
{
    public int Id { get; set; }
    [Required, MaxLength(200)] public string Name { get; set; } = "";
    public string? Url { get; set; }
    public List<Post> Posts { get; set; } = [];
}

public class PostMeta
{
    public int Words { get; set; }
    public string Language { get; set; } = "";
}

public class Post
{
    public int Id { get; set; }
    public int BlogId { get; set; }
    public Blog? Blog { get; set; }
    [Required] public string Title { get; set; } = "";
    public decimal? Rating { get; set; }
    public DateTime PublishedUtc { get; set; }
    public PostMeta? Meta { get; set; }
    public List<string> Tags { get; set; } = [];
    // DAY-ONE: new properties of Post
}
