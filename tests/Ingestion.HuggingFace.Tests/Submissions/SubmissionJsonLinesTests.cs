using System.Text;
using System.Text.Json;

namespace Ingestion.HuggingFace.Tests.Submissions;

public sealed class SubmissionJsonLinesTests : IDisposable
{
    private readonly TemporaryFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task RoundTrip_TheRealSampleSubmission_ReadsBackAttemptByAttempt()
    {
        var expected = await SubmissionSamples.ReadFolderAsJsonAsync(SubmissionSamples.RealSampleFolder);

        var actual = await RoundTripAsync(expected);

        actual.ShouldMatch(expected, exactRawJson: false);
    }

    [Fact]
    public async Task RoundTrip_TheEdgeCases_KeepEveryAttemptVerdictAndValue()
    {
        var folder = _temp.Folder("model");
        SubmissionSamples.WriteEdgeCaseFolder(folder);
        var expected = await SubmissionSamples.ReadFolderAsJsonAsync(folder);

        var actual = await RoundTripAsync(expected);

        actual.ShouldMatch(expected, exactRawJson: false);
    }

    [Fact]
    public async Task Write_EachAttempt_IsOneLineWithTheRowKeysInFront()
    {
        var folder = _temp.Folder("model");
        SubmissionSamples.WriteEdgeCaseFolder(folder);
        var tasks = await SubmissionSamples.ReadFolderAsJsonAsync(folder);
        using var stream = new MemoryStream();

        await SubmissionJsonLines.WriteAsync(tasks, stream);

        var lines = Encoding.UTF8.GetString(stream.ToArray()).Split('\n');
        lines[^1].Should().BeEmpty("the last line ends with a line break");
        lines.Should().HaveCount(tasks.Sum(t => t.Attempts.Count) + 1);
        using var first = JsonDocument.Parse(lines[0]);
        first.RootElement.EnumerateObject().Select(p => p.Name).Take(3).Should().Equal("task_id", "pair_index", "attempt");
        first.RootElement.GetProperty("tool_calls").GetArrayLength().Should().Be(1, "unknown fields are kept");
        lines.Should().Contain(l => l.Contains("日本語", StringComparison.Ordinal), "text is written as it is, not \\u-escaped");
    }

    [Fact]
    public async Task Read_ALineThatIsNotJson_ThrowsNamingTheLine()
    {
        var read = () => ReadAsync(Line("aaaaaaaa", 1) + "\n" + Line("aaaaaaaa", 2) + "\n{\"task_id\": \"bbbbbbbb\", \"attempt\": \n");

        (await read.Should().ThrowExactlyAsync<SubmissionFormatException>()).WithMessage("Line 3: not valid JSON*");
    }

    [Theory]
    [InlineData("""{"attempt": 1, "answer": [[1]]}""", "Line 2: no task_id*")]
    [InlineData("""{"task_id": "", "attempt": 1}""", "Line 2: no task_id*")]
    [InlineData("""{"task_id": "bbbbbbbb", "answer": [[1]]}""", "Line 2: no attempt*")]
    [InlineData("""{"task_id": "bbbbbbbb", "attempt": 0}""", "Line 2: no attempt*")]
    [InlineData("""{"task_id": "bbbbbbbb", "attempt": 1, "pair_index": -1}""", "Line 2: pair_index*")]
    [InlineData("""[1, 2]""", "Line 2: array, not an attempt object.")]
    public async Task Read_ALineWithoutTheRowKeys_ThrowsNamingTheLine(string line, string message)
    {
        var read = () => ReadAsync(Line("aaaaaaaa", 1) + "\n" + line + "\n");

        (await read.Should().ThrowExactlyAsync<SubmissionFormatException>()).WithMessage(message);
    }

    [Fact]
    public async Task Read_BlankLinesCrLfAndAByteOrderMark_AreTolerated()
    {
        var text = "\uFEFF" + Line("aaaaaaaa", 1) + "\r\n\r\n   \n" + Line("aaaaaaaa", 2) + "\r\n" + Line("bbbbbbbb", 1);

        var tasks = await ReadAsync(text);

        tasks.Select(t => (t.TaskId, t.Attempts.Count)).Should().Equal(("aaaaaaaa", 2), ("bbbbbbbb", 1));
    }

    [Fact]
    public async Task Read_AStreamThatGivesOneByteAtATime_StillSplitsTheLines()
    {
        var folder = _temp.Folder("model");
        SubmissionSamples.WriteEdgeCaseFolder(folder);
        var expected = await SubmissionSamples.ReadFolderAsJsonAsync(folder);
        using var buffer = new MemoryStream();
        await SubmissionJsonLines.WriteAsync(expected, buffer);
        buffer.Position = 0;

        var actual = await SubmissionJsonLines.ReadAsync(new NonSeekableStream(buffer, maxReadBytes: 1)).ToListAsync();

        actual.ShouldMatch(expected, exactRawJson: false);
    }

    [Fact]
    public async Task Read_ATaskIdThatComesBack_ThrowsNamingItAndTheLine()
    {
        var read = () => ReadAsync(string.Join("\n", Line("aaaaaaaa", 1), Line("bbbbbbbb", 1), Line("aaaaaaaa", 2)));

        (await read.Should().ThrowExactlyAsync<SubmissionFormatException>()).WithMessage("Task aaaaaaaa appears again at line 3*");
    }

    [Fact]
    public async Task Read_TheLinesPairIndex_WinsOverTheMetadatas()
    {
        var tasks = await ReadAsync("""{"task_id": "aaaaaaaa", "pair_index": 2, "attempt": 1, "answer": [[1]], "metadata": {"pair_index": 0}}""");

        var attempt = tasks.Single().Attempts.Single();
        attempt.PairIndex.Should().Be(2);
        attempt.RawJson.Should().Be("""{"answer":[[1]],"metadata":{"pair_index":0}}""");
    }

    [Fact]
    public async Task Write_AnAttemptWhoseRawJsonIsNotAnObject_IsWrittenFromItsProperties()
    {
        var attempt = new SubmissionAttempt
        {
            TaskId = "aaaaaaaa",
            PairIndex = 1,
            AttemptNumber = 2,
            Answer = ArcGrid.Create([[1, 2]]),
            ReportedCorrect = true,
            Model = "m",
            StartedAt = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero),
            TotalCost = 0.5,
            RawJson = string.Empty,
        };
        using var stream = new MemoryStream();
        await SubmissionJsonLines.WriteAsync([new TaskSubmission("aaaaaaaa", [attempt])], stream);
        stream.Position = 0;

        var read = (await SubmissionJsonLines.ReadAsync(stream).ToListAsync()).Single().Attempts.Single();

        read.Should().BeEquivalentTo(attempt, o => o.Excluding(a => a.RawJson));
    }

    [Fact]
    public async Task WriteAsync_TheSameTaskTwice_ThrowsArgumentException()
    {
        using var stream = new MemoryStream();
        var task = SubmissionParquetTests.Task("aaaaaaaa", 1);

        var write = () => SubmissionJsonLines.WriteAsync([task, task], stream);

        await write.Should().ThrowAsync<ArgumentException>();
    }

    private static string Line(string taskId, int attempt)
        => $$"""{"task_id": "{{taskId}}", "pair_index": 0, "attempt": {{attempt}}, "answer": [[1, 2]], "correct": false}""";

    private static async Task<List<TaskSubmission>> ReadAsync(string text)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));
        return await SubmissionJsonLines.ReadAsync(stream).ToListAsync();
    }

    private async Task<List<TaskSubmission>> RoundTripAsync(List<TaskSubmission> tasks)
    {
        var file = _temp.File($"{Guid.NewGuid():N}.jsonl");
        await using (var output = File.Create(file))
        {
            await SubmissionJsonLines.WriteAsync(ToAsync(tasks), output);
        }

        await using var input = File.OpenRead(file);
        return await SubmissionJsonLines.ReadAsync(input).ToListAsync();
    }

    private static async IAsyncEnumerable<TaskSubmission> ToAsync(IEnumerable<TaskSubmission> tasks)
    {
        foreach (var task in tasks)
        {
            await Task.Yield();
            yield return task;
        }
    }
}
