using System.Globalization;

namespace Ingestion.Storage.Sqlite;

/// <summary>Times as SQLite keeps them: ISO 8601 round-trip text, which keeps every tick and the offset.</summary>
internal static class SqliteTime
{
    public static string Format(DateTimeOffset value) => value.ToString("O", CultureInfo.InvariantCulture);

    public static DateTimeOffset Parse(string value) => DateTimeOffset.ParseExact(value, "O", CultureInfo.InvariantCulture, DateTimeStyles.None);
}
