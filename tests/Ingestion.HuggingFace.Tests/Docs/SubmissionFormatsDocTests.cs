namespace Ingestion.HuggingFace.Tests.Docs;

/// <summary>The code of docs/submission-formats.md, compiled and run.</summary>
public sealed class SubmissionFormatsDocTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task AFolderIsConvertedToParquet_AndReadBack()
    {
        var folder = Path.Combine(SharedData.BenchmarkingSample, "submissions", "example_model");
        var destination = _temp.Combine("example_model.parquet");
        var read = new List<TaskSubmission>();

        // snippet: docs/submission-formats.md begin
        var result = await SubmissionConverter.ConvertFolderToParquetAsync(folder, destination);
        // or ConvertFolderToJsonLinesAsync(folder, "example_model.jsonl")

        foreach (var failure in result.Failures)
        {
            Console.WriteLine($"{failure.TaskId}: {failure.Error}");
        }

        Console.WriteLine($"{result.Tasks} tasks, {result.Rows} rows");

        await using var file = File.OpenRead(destination);
        await foreach (var task in SubmissionParquet.ReadAsync(file))
        {
            read.Add(task); // task.TaskId, task.Attempts: one per test pair and attempt
        }
        // snippet: docs/submission-formats.md end

        result.Failures.Should().BeEmpty();
        read.Should().ContainSingle().Which.TaskId.Should().Be("66e6c45b");
        read[0].Attempts.Should().ContainSingle().Which.Answer.Should().NotBeNull();
    }
}
