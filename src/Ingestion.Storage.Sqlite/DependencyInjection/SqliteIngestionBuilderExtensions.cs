using Ingestion.Core;
using Ingestion.HuggingFace;
using Ingestion.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Stores the job history, the explanation records and the checkpoints in a SQLite file.</summary>
public static class SqliteIngestionBuilderExtensions
{
    /// <summary>
    /// Replaces the job store and the explanation repository (in memory by default) with SQLite ones on one file, shared
    /// by both. The file is created if missing and its schema migrated when the store is first resolved.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="path">The database file, e.g. <c>/var/lib/ingestion/ingestion.db</c>; its folder must exist.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty or white space.</exception>
    public static IIngestionBuilder UseSqliteStore(this IIngestionBuilder builder, string path)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);

        // One database object (one connection pool, migrated once) behind both services; the container disposes it.
        builder.Services.Replace(ServiceDescriptor.Singleton(_ => new SqliteDatabase(path)));
        builder.Services.Replace(ServiceDescriptor.Singleton<IJobStore>(static sp => new SqliteJobStore(sp.GetRequiredService<SqliteDatabase>())));
        builder.Services.Replace(ServiceDescriptor.Singleton<IExplanationRepository>(static sp => new SqliteExplanationRepository(sp.GetRequiredService<SqliteDatabase>())));
        return builder;
    }
}
