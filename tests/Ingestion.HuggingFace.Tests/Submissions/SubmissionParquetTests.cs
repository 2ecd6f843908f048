using System.Text;
using System.Text.Json;
using Parquet;
using Parquet.Schema;
using Parquet.Serialization;

namespace Ingestion.HuggingFace.Tests.Submissions;

public sealed class SubmissionParquetTests : IDisposable
{
    private readonly TemporaryFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task RoundTrip_TheRealSampleSubmission_ReadsBackAttemptByAttempt()
    {
        var expected = await SubmissionSamples.ReadFolderAsJsonAsync(SubmissionSamples.RealSampleFolder);
        expected.Should().NotBeEmpty();

        var actual = await RoundTripAsync(expected, new SubmissionParquetWriteOptions());

        actual.ShouldMatch(expected, exactRawJson: true);
    }

    [Fact]
    public async Task RoundTrip_TheEdgeCases_KeepEveryAttemptVerdictAndValue()
    {
        var folder = _temp.Folder("model");
        SubmissionSamples.WriteEdgeCaseFolder(folder);
        var expected = await SubmissionSamples.ReadFolderAsJsonAsync(folder);

        var actual = await RoundTripAsync(expected, new SubmissionParquetWriteOptions { RowGroupSize = 3 });

        actual.ShouldMatch(expected, exactRawJson: true);
        var errors = actual.SelectMany(t => t.Attempts).Select(a => a.AnswerError).ToList();
        errors.Should().Contain("The grid is empty.")
            .And.Contain("The grid is ragged: row 0 has 2 cells, row 1 has 1.")
            .And.Contain("Cell (0, 0) is 10; colours are 0 to 9.")
            .And.Contain("The grid has 31 rows; at most 30 are allowed.")
            .And.Contain("Cell (0, 0) is 1.5, not an integer colour.")
            .And.Contain("Row 0 is empty.")
            .And.Contain("The attempt has no answer.");
        actual.SelectMany(t => t.Attempts).Count(a => a.Answer is not null).Should().Be(5);
    }

    [Fact]
    public async Task Write_InvalidAnswers_KeepTheirCellsInTheAnswerColumn()
    {
        var folder = _temp.Folder("model");
        SubmissionSamples.WriteEdgeCaseFolder(folder);
        var tasks = await SubmissionSamples.ReadFolderAsJsonAsync(folder);
        var file = _temp.File("out.parquet");
        await using (var stream = File.Create(file))
        {
            await SubmissionParquet.WriteAsync(tasks, stream);
        }

        // Read the answer column on its own, as another tool would.
        var rows = (await ParquetSerializer.DeserializeAsync<AnswerOnly>(file)).Data;
        rows.Select(r => r.Answer is null ? "null" : JsonSerializer.Serialize(r.Answer)).Should().Contain(
            ["[]", "[[1,2],[3]]", "[[10,1],[2,-1]]", "[[]]", "null", "[[1,2],[3,4]]"]);
        rows.Should().Contain(r => r.Answer != null && r.Answer.Count == 31);
    }

    [Fact]
    public async Task Write_TheColumns_HaveTheDocumentedTypes()
    {
        var file = _temp.File("out.parquet");
        await using (var stream = File.Create(file))
        {
            await SubmissionParquet.WriteAsync(await SubmissionSamples.ReadFolderAsJsonAsync(SubmissionSamples.RealSampleFolder), stream);
        }

        await using var reader = await ParquetReader.CreateAsync(file);
        reader.Schema.Fields.Select(f => f.Name).Should().Equal(
            "task_id", "pair_index", "attempt", "answer", "correct", "model", "provider", "start_timestamp", "end_timestamp",
            "user_prompt", "assistant_content", "reasoning_summary", "prompt_tokens", "completion_tokens", "reasoning_tokens",
            "total_tokens", "total_cost", "raw_json");
        var start = reader.Schema.DataFields.Single(f => f.Name == "start_timestamp").Should().BeOfType<DateTimeDataField>().Subject;
        start.IsAdjustedToUTC.Should().BeTrue();
        start.Unit.Should().Be(DateTimeTimeUnit.Micros);
        reader.Schema.DataFields.Single(f => f.Name == "task_id").IsNullable.Should().BeFalse();
        reader.Schema.DataFields.Single(f => f.Name == "pair_index").ClrType.Should().Be<int>();
        reader.Schema.DataFields.Single(f => f.Name == "prompt_tokens").ClrType.Should().Be<long>();
        reader.Schema.DataFields.Single(f => f.Path.ToString().StartsWith("answer", StringComparison.Ordinal)).ClrType.Should().Be<int>();
    }

    [Fact]
    public async Task Read_ATaskAcrossRowGroups_ComesBackAsOneTaskSubmission()
    {
        var tasks = new[] { Task("aaaaaaaa", 3), Task("bbbbbbbb", 5), Task("cccccccc", 1) };
        var file = _temp.File("out.parquet");
        await using (var stream = File.Create(file))
        {
            await SubmissionParquet.WriteAsync(tasks, stream, new SubmissionParquetWriteOptions { RowGroupSize = 2 });
        }

        await using (var reader = await ParquetReader.CreateAsync(file))
        {
            reader.RowGroupCount.Should().Be(5, "9 rows in groups of 2");
        }

        await using var input = File.OpenRead(file);
        var read = await SubmissionParquet.ReadAsync(input).ToListAsync();
        read.Select(t => (t.TaskId, t.Attempts.Count)).Should().Equal(("aaaaaaaa", 3), ("bbbbbbbb", 5), ("cccccccc", 1));
        read[1].Attempts.Select(a => a.AttemptNumber).Should().Equal(1, 2, 3, 4, 5);
    }

    [Fact]
    public async Task Read_AnEmptySubmissionFile_HasNoTasks()
    {
        using var stream = new MemoryStream();
        await SubmissionParquet.WriteAsync(Array.Empty<TaskSubmission>(), stream);
        stream.Position = 0;

        (await SubmissionParquet.ReadAsync(stream).ToListAsync()).Should().BeEmpty();
    }

    [Fact]
    public async Task Read_NotAParquetFile_ThrowsSubmissionFormatException()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("""[{"attempt_1": {"answer": [[1]]}}]"""));

        var read = () => SubmissionParquet.ReadAsync(stream).ToListAsync();

        (await read.Should().ThrowExactlyAsync<SubmissionFormatException>()).WithMessage("*not a readable Parquet file*");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(-1)]
    public async Task Read_ATruncatedFile_ThrowsSubmissionFormatException(double cut)
    {
        var bytes = await WriteAsync([Task("aaaaaaaa", 50), Task("bbbbbbbb", 50)]);
        var length = cut switch { >= 1 => (int)cut, < 0 => bytes.Length - 1, _ => (int)(bytes.Length * cut) };
        using var stream = new MemoryStream(bytes, 0, length);

        var read = () => SubmissionParquet.ReadAsync(stream).ToListAsync();

        await read.Should().ThrowExactlyAsync<SubmissionFormatException>();
    }

    [Fact]
    public async Task Read_AFileWithoutTaskId_ThrowsSubmissionFormatExceptionNamingTheColumn()
    {
        var pair = new DataField<int>("pair_index");
        var attempt = new DataField<int>("attempt");
        using var stream = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(pair, attempt), stream))
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync<int>(pair, new[] { 0 }.AsMemory(), null, null, default);
            await group.WriteAsync<int>(attempt, new[] { 1 }.AsMemory(), null, null, default);
            group.CompleteValidate();
        }

        stream.Position = 0;
        var read = () => SubmissionParquet.ReadAsync(stream).ToListAsync();

        (await read.Should().ThrowExactlyAsync<SubmissionFormatException>()).WithMessage("*'task_id'*");
    }

    [Fact]
    public async Task Read_AKnownColumnOfTheWrongType_ThrowsSubmissionFormatException()
    {
        var id = new DataField<string>("task_id");
        var pair = new DataField<string>("pair_index");
        var attempt = new DataField<int>("attempt");
        using var stream = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(id, pair, attempt), stream))
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(id, ["aaaaaaaa"], null);
            await group.WriteAsync(pair, ["zero"], null);
            await group.WriteAsync<int>(attempt, new[] { 1 }.AsMemory(), null, null, default);
            group.CompleteValidate();
        }

        stream.Position = 0;
        var read = () => SubmissionParquet.ReadAsync(stream).ToListAsync();

        (await read.Should().ThrowExactlyAsync<SubmissionFormatException>()).WithMessage("*'pair_index'*int32 or int64*");
    }

    [Fact]
    public async Task Read_ATaskIdThatComesBack_ThrowsSubmissionFormatExceptionNamingIt()
    {
        using var stream = await MinimalFileAsync(["aaaaaaaa", "aaaaaaaa", "bbbbbbbb", "aaaaaaaa"]);
        var seen = new List<string>();

        var read = async () =>
        {
            await foreach (var task in SubmissionParquet.ReadAsync(stream))
            {
                seen.Add(task.TaskId);
            }
        };

        (await read.Should().ThrowExactlyAsync<SubmissionFormatException>()).WithMessage("Task aaaaaaaa appears again at row 3*contiguous*");
        seen.Should().Equal(["aaaaaaaa"], "the error comes as the row that ends bbbbbbbb is read");
    }

    [Fact]
    public async Task Read_OnlyTheRequiredColumns_GivesNullsAndMakesUpTheRawJson()
    {
        using var stream = await MinimalFileAsync(["aaaaaaaa"]);

        var attempt = (await SubmissionParquet.ReadAsync(stream).ToListAsync()).Single().Attempts.Single();

        attempt.Answer.Should().BeNull();
        attempt.AnswerError.Should().Be("The attempt has no answer.");
        attempt.Model.Should().BeNull();
        attempt.TotalTokens.Should().BeNull();
        using var raw = JsonDocument.Parse(attempt.RawJson);
        SubmissionJson.ReadAttempt(raw.RootElement, "aaaaaaaa", 0, 1).AnswerError.Should().Be("The attempt has no answer.");
    }

    [Fact]
    public async Task Read_AFileLaidOutLikeDuckDbs_AllOptionalWithNullableCellsAndInt32Tokens()
    {
        // DuckDB writes every column OPTIONAL, list elements included; pandas writes int64 where this writer writes int32.
        var id = new DataField<string>("task_id", true);
        var pair = new DataField<long?>("pair_index");
        var attempt = new DataField<int?>("attempt");
        var cell = new DataField<int?>("element", true);
        var answer = new ListField("answer", new ListField("element", cell));
        var tokens = new DataField<int?>("total_tokens");
        var start = new DateTimeDataField("start_timestamp", DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros, isNullable: true);
        var cost = new DataField<float?>("total_cost");
        var extra = new DataField<string>("something_else", true);
        using var stream = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(id, pair, attempt, answer, tokens, start, cost, extra), stream))
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(id, ["aaaaaaaa", "aaaaaaaa", "aaaaaaaa", "bbbbbbbb"], null);
            await group.WriteAsync<long>(pair, new long?[] { 0, 0, 1, 0 }.AsMemory(), null, null, default);
            await group.WriteAsync<int>(attempt, new int?[] { 1, 2, 1, 1 }.AsMemory(), null, null, default);

            // Rows: [[1,2],[3,4]], [[1,null]], null, [null]. Levels: 0 null answer, 1 empty, 2 null row, 3 empty row, 4 null cell, 5 cell.
            await group.WriteAllPartsAsync<int>(cell, new[] { 1, 2, 3, 4, 1 }.AsMemory(), new[] { 5, 5, 5, 5, 5, 4, 0, 2 }.AsMemory(), new[] { 0, 2, 1, 2, 0, 2, 0, 0 }.AsMemory(), default);
            await group.WriteAsync<int>(tokens, new int?[] { 30, null, 7, 8 }.AsMemory(), null, null, default);
            await group.WriteAsync<DateTime>(start, new DateTime?[] { new DateTime(2025, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(60), null, null, null }.AsMemory(), null, null, default);
            await group.WriteAsync<float>(cost, new float?[] { 0.5f, null, null, null }.AsMemory(), null, null, default);
            await group.WriteAsync(extra, ["x", "y", "z", "w"], null);
            group.CompleteValidate();
        }

        stream.Position = 0;
        var tasks = await SubmissionParquet.ReadAsync(stream).ToListAsync();

        tasks.Select(t => t.TaskId).Should().Equal("aaaaaaaa", "bbbbbbbb");
        var attempts = tasks.SelectMany(t => t.Attempts).ToList();
        attempts[0].Answer.Should().Be(ArcGrid.Create([[1, 2], [3, 4]]));
        attempts[0].TotalTokens.Should().Be(30);
        attempts[0].StartedAt.Should().Be(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(60));
        attempts[0].TotalCost.Should().Be(0.5);
        attempts[1].Answer.Should().BeNull();
        attempts[1].AnswerError.Should().Be("Cell (0, 1) is null, not an integer colour.");
        attempts[2].AnswerError.Should().Be("The attempt has no answer.");
        attempts[2].PairIndex.Should().Be(1);
        attempts[3].AnswerError.Should().Be("Row 0 is null, not an array of cells.");

        // The made-up raw JSON reads back, through the JSON reader, to the same values.
        foreach (var read in attempts)
        {
            using var raw = JsonDocument.Parse(read.RawJson);
            var again = SubmissionJson.ReadAttempt(raw.RootElement, read.TaskId, -1, read.AttemptNumber);
            again.Should().BeEquivalentTo(read, o => o.Excluding(a => a.RawJson));
        }
    }

    [Fact]
    public async Task ReadAsync_ANonSeekableStream_ThrowsArgumentExceptionAtOnce()
    {
        var stream = new NonSeekableStream(new MemoryStream(await WriteAsync([Task("aaaaaaaa", 1)])));

        var read = () => SubmissionParquet.ReadAsync(stream);

        read.Should().Throw<ArgumentException>().WithParameterName("stream");
    }

    [Fact]
    public async Task WriteAsync_ANonSeekableStream_WritesAFileThatReadsBack()
    {
        var bytes = new MemoryStream();
        await SubmissionParquet.WriteAsync(ToAsync([Task("aaaaaaaa", 2)]), new NonSeekableStream(bytes));

        bytes.Position = 0;
        (await SubmissionParquet.ReadAsync(bytes).ToListAsync()).Single().Attempts.Should().HaveCount(2);
    }

    [Fact]
    public async Task WriteAsync_TheSameTaskTwice_ThrowsArgumentException()
    {
        using var stream = new MemoryStream();

        var write = () => SubmissionParquet.WriteAsync([Task("aaaaaaaa", 1), Task("bbbbbbbb", 1), Task("aaaaaaaa", 1)], stream);

        (await write.Should().ThrowAsync<ArgumentException>()).WithMessage("Task aaaaaaaa comes twice*");
    }

    [Fact]
    public void RowGroupSize_BelowOne_IsRejected()
    {
        var set = () => new SubmissionParquetWriteOptions { RowGroupSize = 0 };

        set.Should().Throw<ArgumentOutOfRangeException>();
    }

    internal static TaskSubmission Task(string id, int attempts)
        => new(id, Enumerable.Range(1, attempts).Select(n => new SubmissionAttempt
        {
            TaskId = id,
            PairIndex = 0,
            AttemptNumber = n,
            Answer = ArcGrid.Create([[n % 10, 1], [2, 3]]),
            Model = "m",
            StartedAt = new DateTimeOffset(2025, 1, 1, 0, 0, n, TimeSpan.Zero),
            TotalTokens = n * 10,
            RawJson = $$$"""{"answer":[[{{{n % 10}}},1],[2,3]],"metadata":{"model":"m"}}""",
        }).ToList());

    private static async IAsyncEnumerable<TaskSubmission> ToAsync(IEnumerable<TaskSubmission> tasks)
    {
        foreach (var task in tasks)
        {
            await System.Threading.Tasks.Task.Yield();
            yield return task;
        }
    }

    private static async Task<byte[]> WriteAsync(TaskSubmission[] tasks, int rowGroupSize = 10_000)
    {
        using var stream = new MemoryStream();
        await SubmissionParquet.WriteAsync(tasks, stream, new SubmissionParquetWriteOptions { RowGroupSize = rowGroupSize });
        return stream.ToArray();
    }

    private static async Task<MemoryStream> MinimalFileAsync(string[] taskIds)
    {
        var id = new DataField<string>("task_id");
        var pair = new DataField<int>("pair_index");
        var attempt = new DataField<int>("attempt");
        var stream = new MemoryStream();
        await using (var writer = await ParquetWriter.CreateAsync(new ParquetSchema(id, pair, attempt), stream))
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(id, taskIds, null);
            await group.WriteAsync<int>(pair, new int[taskIds.Length].AsMemory(), null, null, default);
            await group.WriteAsync<int>(attempt, Enumerable.Range(1, taskIds.Length).ToArray().AsMemory(), null, null, default);
            group.CompleteValidate();
        }

        stream.Position = 0;
        return stream;
    }

    private async Task<List<TaskSubmission>> RoundTripAsync(List<TaskSubmission> tasks, SubmissionParquetWriteOptions options)
    {
        var file = _temp.File($"{Guid.NewGuid():N}.parquet");
        await using (var output = File.Create(file))
        {
            await SubmissionParquet.WriteAsync(tasks, output, options);
        }

        await using var input = File.OpenRead(file);
        return await SubmissionParquet.ReadAsync(input).ToListAsync();
    }

    private sealed class AnswerOnly
    {
        [System.Text.Json.Serialization.JsonPropertyName("answer")]
        public List<List<int>>? Answer { get; set; }
    }
}
