namespace ZgDb.Migrations.Tests.Support;

/// <summary>The PostgreSQL tests share one throwaway cluster (<see cref="PostgresCluster"/>, also linked into benchmarks/ServerLoad).</summary>
[CollectionDefinition("postgres")]
public sealed class PostgresCollection : ICollectionFixture<PostgresCluster>;
