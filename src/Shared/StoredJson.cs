using System.Text.Json;
using Ingestion.Core;
using Ingestion.HuggingFace;

namespace Ingestion.Storage;

/// <summary>
/// The shapes in which the database stores write a job's progress, error and results and a record's predictions as
/// JSON. They are written from private types of their own rather than from the public ones, so that a change to a
/// public type's JSON (for the API) does not change what is on disk; durations are kept in ticks. Shared by the SQLite
/// and PostgreSQL stores, so that both keep one shape: this file is compiled into each (a source file, not an internal
/// member of another package, so each package works with any version of the others).
/// </summary>
internal static class StoredJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static string WriteProgress(JobProgress progress) => JsonSerializer.Serialize(new ProgressRow
    {
        Total = progress.Total,
        Processed = progress.Processed,
        Succeeded = progress.Succeeded,
        Failed = progress.Failed,
        Skipped = progress.Skipped,
        Counters = new Dictionary<string, long>(progress.Counters, StringComparer.Ordinal),
        CurrentItem = progress.CurrentItem,
        Message = progress.Message,
        ElapsedTicks = progress.Elapsed.Ticks,
        ItemsPerSecond = progress.ItemsPerSecond,
        EstimatedRemainingTicks = progress.EstimatedRemaining?.Ticks,
        PercentComplete = progress.PercentComplete,
    }, Options);

    public static JobProgress ReadProgress(string json)
    {
        var row = JsonSerializer.Deserialize<ProgressRow>(json, Options) ?? new ProgressRow();
        return new JobProgress
        {
            Total = row.Total,
            Processed = row.Processed,
            Succeeded = row.Succeeded,
            Failed = row.Failed,
            Skipped = row.Skipped,
            Counters = row.Counters is null ? new Dictionary<string, long>(StringComparer.Ordinal) : new Dictionary<string, long>(row.Counters, StringComparer.Ordinal),
            CurrentItem = row.CurrentItem,
            Message = row.Message,
            Elapsed = TimeSpan.FromTicks(row.ElapsedTicks),
            ItemsPerSecond = row.ItemsPerSecond,
            EstimatedRemaining = row.EstimatedRemainingTicks is { } ticks ? TimeSpan.FromTicks(ticks) : null,
            PercentComplete = row.PercentComplete,
        };
    }

    public static string WriteError(JobError error)
        => JsonSerializer.Serialize(new ErrorRow { Type = error.Type, Message = error.Message, Details = error.Details }, Options);

    public static JobError ReadError(string json)
    {
        var row = JsonSerializer.Deserialize<ErrorRow>(json, Options) ?? new ErrorRow();
        return new JobError { Type = row.Type ?? string.Empty, Message = row.Message ?? string.Empty, Details = row.Details };
    }

    public static string WriteResults(IReadOnlyDictionary<string, double> results)
        => JsonSerializer.Serialize(new Dictionary<string, double>(results, StringComparer.Ordinal), Options);

    public static IReadOnlyDictionary<string, double> ReadResults(string json)
    {
        var row = JsonSerializer.Deserialize<Dictionary<string, double>>(json, Options);
        return row is null ? new Dictionary<string, double>(StringComparer.Ordinal) : new Dictionary<string, double>(row, StringComparer.Ordinal);
    }

    public static string WritePredictions(IReadOnlyList<PredictionResult> predictions)
    {
        var rows = new PredictionRow[predictions.Count];
        for (var i = 0; i < rows.Length; i++)
        {
            var p = predictions[i];
            rows[i] = new PredictionRow
            {
                PairIndex = p.PairIndex,
                Predicted = p.Predicted?.ToArray(),
                IsCorrect = p.IsCorrect,
                ValidationError = p.ValidationError,
                UserPrompt = p.UserPrompt,
                AssistantContent = p.AssistantContent,
                ReasoningSummary = p.ReasoningSummary,
                RawJson = p.RawJson,
            };
        }

        return JsonSerializer.Serialize(rows, Options);
    }

    public static IReadOnlyList<PredictionResult> ReadPredictions(string json)
    {
        var rows = JsonSerializer.Deserialize<PredictionRow[]>(json, Options) ?? [];
        var predictions = new PredictionResult[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            var row = rows[i];
            predictions[i] = new PredictionResult
            {
                PairIndex = row.PairIndex,
                Predicted = row.Predicted is null ? null : ArcGrid.Create(row.Predicted),
                IsCorrect = row.IsCorrect,
                ValidationError = row.ValidationError,
                UserPrompt = row.UserPrompt,
                AssistantContent = row.AssistantContent,
                ReasoningSummary = row.ReasoningSummary,
                RawJson = row.RawJson,
            };
        }

        return predictions;
    }

    private sealed class ProgressRow
    {
        public long? Total { get; set; }

        public long Processed { get; set; }

        public long Succeeded { get; set; }

        public long Failed { get; set; }

        public long Skipped { get; set; }

        public Dictionary<string, long>? Counters { get; set; }

        public string? CurrentItem { get; set; }

        public string? Message { get; set; }

        public long ElapsedTicks { get; set; }

        public double ItemsPerSecond { get; set; }

        public long? EstimatedRemainingTicks { get; set; }

        public double? PercentComplete { get; set; }
    }

    private sealed class ErrorRow
    {
        public string? Type { get; set; }

        public string? Message { get; set; }

        public string? Details { get; set; }
    }

    private sealed class PredictionRow
    {
        public int PairIndex { get; set; }

        public int[][]? Predicted { get; set; }

        public bool IsCorrect { get; set; }

        public string? ValidationError { get; set; }

        public string? UserPrompt { get; set; }

        public string? AssistantContent { get; set; }

        public string? ReasoningSummary { get; set; }

        public string? RawJson { get; set; }
    }
}
