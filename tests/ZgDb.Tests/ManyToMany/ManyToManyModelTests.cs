namespace ZgDb.Tests.ManyToMany;

/// <summary>Issue 15: the model of many-to-many relationships and its errors.</summary>
public sealed class ManyToManyModelTests
{
    private static DatabaseModel Build(Action<ModelBuilder>? configure, params (string, Type)[] collections) => ModelFactory.Build(collections, configure);

    public sealed class Course { public int Id { get; set; } public List<Student> Students { get; set; } = []; }
    public sealed class Student { public long Id { get; set; } public List<Course> Courses { get; set; } = []; public List<Course> Tutored { get; set; } = []; }
    public sealed class Enrollment { public string CourseId { get; set; } = ""; public long StudentId { get; set; } }
    public sealed class Enrollment2 { public int Id { get; set; } public int CourseId { get; set; } public long StudentId { get; set; } }
    public sealed class Enrollment3 { public int CourseId { get; set; } public long StudentId { get; set; } }
    public sealed class Keyed { public int A { get; set; } public int B { get; set; } public List<Other> Others { get; set; } = []; }
    public sealed class Other { public int Id { get; set; } public List<Keyed> Keyeds { get; set; } = []; }

    [Fact]
    public void WithMany_without_the_inverse_navigation_is_refused()
    {
        var error = Assert.Throws<ZgDbModelException>(() => Build(m => m.Entity<Course>().HasMany(c => c.Students).WithMany(), ("Courses", typeof(Course)), ("Students", typeof(Student))));
        Assert.Contains("'Course', property 'Students'", error.Message);
        Assert.Contains("unidirectional", error.Message);
    }

    [Fact]
    public void A_join_entity_whose_foreign_key_type_does_not_match_the_key_is_refused_naming_both()
    {
        var error = Assert.Throws<ZgDbModelException>(() => Build(m =>
        {
            m.Entity<Course>().HasMany(c => c.Students).WithMany(s => s.Courses).UsingEntity<Enrollment>();
            m.Entity<Enrollment>().HasKey(e => new { e.CourseId, e.StudentId });
        }, ("Courses", typeof(Course)), ("Students", typeof(Student)), ("Enrollments", typeof(Enrollment))));
        Assert.Contains("'Enrollment', property 'CourseId'", error.Message);
        Assert.Contains("String but Course.Id is Int32", error.Message);
    }

    [Fact]
    public void A_join_entity_must_be_a_collection_and_keyed_by_its_two_foreign_keys()
    {
        var error = Assert.Throws<ZgDbModelException>(() => Build(m => m.Entity<Course>().HasMany(c => c.Students).WithMany(s => s.Courses).UsingEntity<Enrollment3>(),
            ("Courses", typeof(Course)), ("Students", typeof(Student))));
        Assert.Contains("ZgCollection<Enrollment3>", error.Message);
        error = Assert.Throws<ZgDbModelException>(() => Build(m => m.Entity<Course2>().HasMany(c => c.Pupils).WithMany(s => s.Courses).UsingEntity<Enrollment4>(),
            ("Courses", typeof(Course2)), ("Pupils", typeof(Pupil2)), ("Enrollments", typeof(Enrollment4))));
        Assert.Contains("the join entity's key must be its two foreign keys", error.Message);
        Assert.Contains("it is Id", error.Message);
    }

    [Fact]
    public void An_end_with_a_composite_key_is_refused()
    {
        var error = Assert.Throws<ZgDbModelException>(() => Build(m => m.Entity<Keyed>().HasKey(k => new { k.A, k.B }), ("Keyeds", typeof(Keyed)), ("Others", typeof(Other))));
        Assert.Contains("composite (A, B)", error.Message);
    }

    [Fact]
    public void A_navigation_in_two_many_to_many_relationships_is_refused()
    {
        var error = Assert.Throws<ZgDbModelException>(() => Build(m =>
        {
            m.Entity<Course>().HasMany(c => c.Students).WithMany(s => s.Courses);
            m.Entity<Student>().HasMany(s => s.Tutored).WithMany(c => c.Students);
        }, ("Courses", typeof(Course)), ("Students", typeof(Student))));
        Assert.Contains("used by two many-to-many relationships", error.Message);
    }

    public sealed class Course2 { public int Id { get; set; } public List<Pupil2> Pupils { get; set; } = []; }
    public sealed class Pupil2 { public long Id { get; set; } public List<Course2> Courses { get; set; } = []; }
    public sealed class Enrollment4 { public int Id { get; set; } public int Course2Id { get; set; } public long Pupil2Id { get; set; } }

    [Fact]
    public void Two_collections_with_several_candidate_inverses_are_not_taken_by_convention()
    {
        // Student has two collections of Course: ambiguous, so no convention (as EF Core): they stay one-to-many navigations without foreign keys.
        Assert.Contains("no foreign key", Assert.Throws<ZgDbModelException>(() => Build(null, ("Courses", typeof(Course)), ("Students", typeof(Student)))).Message);
        var model = Build(null, ("Courses", typeof(Course2)), ("Pupils", typeof(Pupil2)));
        var join = model.FindCollection("Course2Pupil2")!;
        Assert.Equal(["CoursesId", "PupilsId"], join.KeyParts.Select(p => p.Name));
        Assert.Equal([typeof(int), typeof(long)], join.KeyParts.Select(p => p.ClrType));
    }
}
