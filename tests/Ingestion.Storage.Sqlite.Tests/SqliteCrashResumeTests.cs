using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Ingestion.Storage.Sqlite.Tests;

public sealed class SqliteCrashResumeTests : CrashResumeTests
{
    protected override string Store => "sqlite";

    protected override Task<string> CreateDatabaseAsync() => Task.FromResult(Path.Combine(Root, $"ingestion-{Guid.NewGuid():N}.db"));

    protected override async Task<IReadOnlyList<string>> ReadExplanationsAsync(string database)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT puzzle_id, model_name, model_folder, attempt_number, dataset, source, test_pairs, predictions, correct_predictions,
                   is_correct, accuracy, model, provider, prompt_tokens, completion_tokens, reasoning_tokens, total_tokens, cost, duration_ticks
            FROM explanations ORDER BY puzzle_id, model_name;
            """;
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
        }

        return rows;
    }
}
