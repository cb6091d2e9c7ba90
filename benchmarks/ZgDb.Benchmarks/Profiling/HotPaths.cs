namespace ZgDb.Benchmarks.Profiling;

public static class HotPaths
{
    public static int Run(string[] args) => 0;
}
