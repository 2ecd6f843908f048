using Ingestion.Core;
using Ingestion.HuggingFace;
using Ingestion.Storage.PostgreSql;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Stores the job history, the explanation records and the checkpoints in a PostgreSQL database.</summary>
public static class PostgreSqlIngestionBuilderExtensions
{
    /// <summary>
    /// Replaces the job store and the explanation repository (in memory by default) with PostgreSQL ones on one
    /// database, shared by both over one connection pool. The schema is migrated when the store is first resolved.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="connectionString">
    /// An Npgsql connection string, e.g. <c>Host=db;Database=ingestion;Username=ingestion;Password=…</c>; the database
    /// must exist. It is never logged.
    /// </param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentException"><paramref name="connectionString"/> is empty, white space, or not a connection string Npgsql accepts.</exception>
    public static IIngestionBuilder UsePostgreSqlStore(this IIngestionBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);

        // Parsed now, so that a malformed string fails where it is added; Npgsql's messages name the keyword, not its value.
        _ = new NpgsqlConnectionStringBuilder(connectionString);
        return Register(builder, _ => new PostgreSqlDatabase(connectionString));
    }

    /// <summary>
    /// Replaces the job store and the explanation repository (in memory by default) with PostgreSQL ones on a data
    /// source the host already has (one built with a password provider, say, or registered with
    /// <c>AddNpgsqlDataSource</c>), shared by both. The schema is migrated when the store is first resolved. The host
    /// owns the data source: the store never disposes it, though it clears its pool after the server went away.
    /// </summary>
    /// <param name="builder">The builder.</param>
    /// <param name="dataSource">Gets the data source, e.g. <c>sp => sp.GetRequiredService&lt;NpgsqlDataSource&gt;()</c>.</param>
    /// <returns>The builder.</returns>
    public static IIngestionBuilder UsePostgreSqlStore(this IIngestionBuilder builder, Func<IServiceProvider, NpgsqlDataSource> dataSource)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dataSource);
        return Register(builder, sp => new PostgreSqlDatabase(dataSource(sp), ownsDataSource: false));
    }

    private static IIngestionBuilder Register(IIngestionBuilder builder, Func<IServiceProvider, PostgreSqlDatabase> database)
    {
        // One database object (one pool, migrated once) behind both services; the container disposes it.
        builder.Services.Replace(ServiceDescriptor.Singleton<PostgreSqlDatabase>(database));
        builder.Services.Replace(ServiceDescriptor.Singleton<IJobStore>(static sp => new PostgreSqlJobStore(sp.GetRequiredService<PostgreSqlDatabase>())));
        builder.Services.Replace(ServiceDescriptor.Singleton<IExplanationRepository>(static sp => new PostgreSqlExplanationRepository(sp.GetRequiredService<PostgreSqlDatabase>())));
        return builder;
    }
}
