using Npgsql;
using Pipelines.Testing;

namespace Pipelines.IntegrationTests.Sinks;

/// <summary>One PostgreSQL server for every test of the collection, each test in a database of its own.</summary>
public sealed class PostgresFixture : IDisposable
{
    public PostgresServer Server { get; } = PostgresServer.Start();

    /// <summary>A new, empty database's connection string.</summary>
    public string NewDatabase()
    {
        var name = "test_" + Guid.NewGuid().ToString("N");
        using var connection = new NpgsqlConnection(Server.ConnectionString + ";Pooling=false");
        connection.Open();
        using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        create.ExecuteNonQuery();
        return new NpgsqlConnectionStringBuilder(Server.ConnectionString) { Database = name }.ConnectionString;
    }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        Server.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "PostgreSQL";
}
