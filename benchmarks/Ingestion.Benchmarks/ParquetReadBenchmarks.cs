using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Attributes;
using Ingestion.HuggingFace;
using Parquet.Serialization;
using Parquet.Serialization.Attributes;

namespace Ingestion.Benchmarks;

/// <summary>
/// Reading a submission Parquet file: <see cref="SubmissionParquet.ReadAsync"/> enumerated to the end, against a bare
/// Parquet.Net read of the same file (every row group deserialized into a plain POCO by
/// <see cref="ParquetSerializer"/>). Each invocation reads the whole file; <c>OperationsPerInvoke = Rows</c>, so the
/// reported time is per row and rows/s is its inverse. Target: ours at no more than 1.25× the baseline's time per row
/// (at least 80% of its rows/s).
/// </summary>
/// <remarks>
/// The file is made in <see cref="Setup"/> with the library's writer from seeded synthetic submissions: 20,000 rows,
/// tasks of 1 or 2 test pairs × 2 attempts, grids of 8 to 12 by 8 to 12, a 600-character prompt, the raw attempt JSON
/// (about 1.2 KB), 2% ragged answers and 1% missing ones, in row groups of 10,000 (the default). The file sits in the
/// page cache, so this measures decoding, not the disk.
/// </remarks>
[MemoryDiagnoser]
public class ParquetReadBenchmarks
{
    /// <summary>Rows in the file.</summary>
    public const int Rows = 20_000;

    private string _file = null!;
    private int _rowGroups;

    [GlobalSetup]
    public void Setup()
    {
        _file = Path.Combine(Path.GetTempPath(), $"parquet-read-benchmark-{Guid.NewGuid():N}.parquet");
        using (var stream = File.Create(_file))
        {
            SubmissionParquet.WriteAsync(Generate(new Random(20_000)), stream).GetAwaiter().GetResult();
        }

        using (var stream = File.OpenRead(_file))
        {
            var reader = Parquet.ParquetReader.CreateAsync(stream).GetAwaiter().GetResult();
            _rowGroups = reader.RowGroupCount;
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }

        // Both readers must see every row, or the comparison means nothing.
        try
        {
            var baseline = Baseline_ParquetSerializer().GetAwaiter().GetResult();
            var ours = Ours_SubmissionParquet().GetAwaiter().GetResult();
            var floor = Floor_RawColumns().GetAwaiter().GetResult();
            if (baseline != Rows || ours != Rows || floor != Rows)
            {
                throw new InvalidOperationException($"Expected {Rows} rows, the baseline read {baseline} and ours {ours}.");
            }
        }
        catch
        {
            Cleanup(); // BenchmarkDotNet does not call GlobalCleanup after a failed GlobalSetup
            throw;
        }
    }

    [GlobalCleanup]
    public void Cleanup() => File.Delete(_file);

    [Benchmark(Baseline = true, OperationsPerInvoke = Rows)]
    public async Task<long> Baseline_ParquetSerializer()
    {
        await using var stream = File.OpenRead(_file);
        long rows = 0;
        for (var group = 0; group < _rowGroups; group++)
        {
            var result = await ParquetSerializer.DeserializeAsync<SubmissionRow>(stream, null, group).ConfigureAwait(false);
            rows += result.Data.Count;
        }

        return rows;
    }

    /// <summary>
    /// The floor: every column of every row group decoded into arrays with Parquet.Net's column API, and nothing more
    /// (no objects, no grids, no grouping). Not the target's baseline; it shows how much of our time is Parquet.Net's.
    /// </summary>
    [Benchmark(OperationsPerInvoke = Rows)]
    public async Task<long> Floor_RawColumns()
    {
        await using var stream = File.OpenRead(_file);
        var reader = await Parquet.ParquetReader.CreateAsync(stream).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        var fields = reader.Schema.GetDataFields();
        long rows = 0;
        for (var group = 0; group < reader.RowGroupCount; group++)
        {
            using var rowGroup = reader.OpenRowGroupReader(group);
            var count = checked((int)rowGroup.RowCount);
            rows += count;
            foreach (var field in fields)
            {
                if (field.MaxRepetitionLevel > 0)
                {
                    var entries = checked((int)rowGroup.GetMetadata(field)!.MetaData!.NumValues);
                    await rowGroup.ReadRawAsync<int>(field, new int[entries], new int[entries], new int[entries]).ConfigureAwait(false);
                    continue;
                }

                var type = field.ClrType;
                if (type == typeof(string) || type == typeof(ReadOnlyMemory<char>))
                {
                    await rowGroup.ReadAsync(field, new string?[count].AsMemory()).ConfigureAwait(false);
                }
                else if (type == typeof(int))
                {
                    await ReadColumnAsync<int>(rowGroup, field, count).ConfigureAwait(false);
                }
                else if (type == typeof(long))
                {
                    await ReadColumnAsync<long>(rowGroup, field, count).ConfigureAwait(false);
                }
                else if (type == typeof(double))
                {
                    await ReadColumnAsync<double>(rowGroup, field, count).ConfigureAwait(false);
                }
                else if (type == typeof(bool))
                {
                    await ReadColumnAsync<bool>(rowGroup, field, count).ConfigureAwait(false);
                }
                else if (type == typeof(DateTime))
                {
                    await ReadColumnAsync<DateTime>(rowGroup, field, count).ConfigureAwait(false);
                }
                else
                {
                    throw new InvalidOperationException($"Column {field.Name} is a {type}.");
                }
            }
        }

        return rows;
    }

    private static async Task ReadColumnAsync<T>(Parquet.ParquetRowGroupReader rowGroup, Parquet.Schema.DataField field, int count)
        where T : struct
    {
        if (field.IsNullable)
        {
            await rowGroup.ReadAsync<T>(field, new T?[count].AsMemory()).ConfigureAwait(false);
        }
        else
        {
            await rowGroup.ReadAsync<T>(field, new T[count].AsMemory()).ConfigureAwait(false);
        }
    }

    [Benchmark(OperationsPerInvoke = Rows)]
    public async Task<long> Ours_SubmissionParquet()
    {
        await using var stream = File.OpenRead(_file);
        long rows = 0;
        await foreach (var task in SubmissionParquet.ReadAsync(stream).ConfigureAwait(false))
        {
            rows += task.Attempts.Count;
        }

        return rows;
    }

    private static List<TaskSubmission> Generate(Random random)
    {
        var tasks = new List<TaskSubmission>();
        var prompt = new string('p', 600);
        var rows = 0;
        for (var t = 0; rows < Rows; t++)
        {
            var taskId = t.ToString("x8", CultureInfo.InvariantCulture);
            var attempts = new List<SubmissionAttempt>();
            var pairs = Math.Min(random.Next(1, 3), (Rows - rows) / 2);
            for (var pair = 0; pair < Math.Max(pairs, 1) && rows < Rows; pair++)
            {
                for (var attempt = 1; attempt <= 2 && rows < Rows; attempt++, rows++)
                {
                    var json = AttemptJson(random, taskId, pair, prompt);
                    using var document = JsonDocument.Parse(json);
                    attempts.Add(SubmissionJson.ReadAttempt(document.RootElement, taskId, pair, attempt));
                }
            }

            tasks.Add(new TaskSubmission(taskId, attempts));
        }

        return tasks;
    }

    private static string AttemptJson(Random random, string taskId, int pair, string prompt)
    {
        var text = new StringBuilder(1500).Append('{');
        var kind = random.Next(100);
        if (kind > 0)
        {
            var height = random.Next(8, 13);
            var width = random.Next(8, 13);
            text.Append("\"answer\":[");
            for (var r = 0; r < height; r++)
            {
                text.Append(r == 0 ? "[" : ",[");
                var cells = kind <= 2 && r == height - 1 ? width - 1 : width; // 2% ragged
                for (var c = 0; c < cells; c++)
                {
                    text.Append(c == 0 ? "" : ",").Append(random.Next(10));
                }

                text.Append(']');
            }

            text.Append("],");
        }

        var start = new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(random.Next(10_000_000));
        text.Append(CultureInfo.InvariantCulture, $$$"""
            "correct":{{{(random.Next(4) == 0 ? "true" : "false")}}},"metadata":{"model":"synthetic-model-v1","provider":"synthetic",
            "start_timestamp":"{{{start:yyyy-MM-ddTHH:mm:ss.ffffffZ}}}","end_timestamp":"{{{start.AddSeconds(random.Next(1, 120)):yyyy-MM-ddTHH:mm:ss.ffffffZ}}}",
            "choices":[{"index":0,"message":{"role":"user","content":"{{{prompt}}}"}},{"index":1,"message":{"role":"assistant","content":"Here is the grid."}}],
            "reasoning_summary":null,"usage":{"prompt_tokens":{{{random.Next(500, 5000)}}},"completion_tokens":{{{random.Next(10, 2000)}}},"total_tokens":{{{random.Next(600, 7000)}}},
            "completion_tokens_details":{"reasoning_tokens":{{{random.Next(0, 1000)}}}}},"cost":{"total_cost":{{{random.NextDouble() / 10}}}},
            "task_id":"{{{taskId}}}","pair_index":{{{pair}}},"test_id":"synthetic"}}
            """);
        return text.ToString();
    }

    /// <summary>The same row as a plain POCO, as a Parquet.Net user would map it.</summary>
    public sealed class SubmissionRow
    {
        [JsonPropertyName("task_id")]
        [ParquetRequired]
        public string TaskId { get; set; } = "";

        [JsonPropertyName("pair_index")]
        public int PairIndex { get; set; }

        [JsonPropertyName("attempt")]
        public int Attempt { get; set; }

        [JsonPropertyName("answer")]
        public List<List<int>>? Answer { get; set; }

        [JsonPropertyName("correct")]
        public bool? Correct { get; set; }

        [JsonPropertyName("model")]
        public string? Model { get; set; }

        [JsonPropertyName("provider")]
        public string? Provider { get; set; }

        [JsonPropertyName("start_timestamp")]
        [ParquetTimestamp(ParquetTimestampResolution.Microseconds, true, true)]
        public DateTime? StartTimestamp { get; set; }

        [JsonPropertyName("end_timestamp")]
        [ParquetTimestamp(ParquetTimestampResolution.Microseconds, true, true)]
        public DateTime? EndTimestamp { get; set; }

        [JsonPropertyName("user_prompt")]
        public string? UserPrompt { get; set; }

        [JsonPropertyName("assistant_content")]
        public string? AssistantContent { get; set; }

        [JsonPropertyName("reasoning_summary")]
        public string? ReasoningSummary { get; set; }

        [JsonPropertyName("prompt_tokens")]
        public long? PromptTokens { get; set; }

        [JsonPropertyName("completion_tokens")]
        public long? CompletionTokens { get; set; }

        [JsonPropertyName("reasoning_tokens")]
        public long? ReasoningTokens { get; set; }

        [JsonPropertyName("total_tokens")]
        public long? TotalTokens { get; set; }

        [JsonPropertyName("total_cost")]
        public double? TotalCost { get; set; }

        [JsonPropertyName("raw_json")]
        [ParquetRequired]
        public string RawJson { get; set; } = "";
    }
}
