using Npgsql;
using NpgsqlTypes;

namespace Ingestion.Storage.PostgreSql;

/// <summary>How the stores bind values and read times back.</summary>
internal static class PostgreSqlValues
{
    /// <summary>Adds a parameter of an explicit type (so that a null or a JSON text is sent as what the column is); null is sent as SQL NULL.</summary>
    public static void Bind(this NpgsqlParameterCollection parameters, string name, NpgsqlDbType type, object? value)
        => parameters.Add(new NpgsqlParameter(name, type) { Value = value ?? DBNull.Value });

    /// <summary>A time for a <c>timestamptz</c> column, which takes UTC only (to the microsecond; the ticks column keeps the rest).</summary>
    public static DateTime ToTimestamp(DateTimeOffset value) => value.UtcDateTime;

    /// <summary>A time read back from its UTC ticks: every tick, in UTC (the clocks that make these times give UTC).</summary>
    public static DateTimeOffset FromTicks(long utcTicks) => new(utcTicks, TimeSpan.Zero);
}
