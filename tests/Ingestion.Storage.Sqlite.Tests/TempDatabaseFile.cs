using Ingestion.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Ingestion.Storage.Sqlite.Tests;

/// <summary>A fresh SQLite file in a temp folder of its own, deleted (with its WAL files) on dispose.</summary>
internal sealed class TempDatabaseFile : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ingestion-sqlite-").FullName;

    public string Path => System.IO.Path.Combine(_folder, "ingestion.db");

    public SqliteDatabase Open() => new(Path);

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
