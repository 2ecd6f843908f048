namespace Ingestion.HuggingFace.Tests.Submissions;

public sealed class SubmissionConverterTests : IDisposable
{
    private readonly TemporaryFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    public static TheoryData<string> Formats => new() { "parquet", "jsonl" };

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Convert_TheRealSampleFolder_WritesEveryAttempt(string format)
    {
        var expected = await SubmissionSamples.ReadFolderAsJsonAsync(SubmissionSamples.RealSampleFolder);
        var destination = _temp.File("out." + format);

        var result = await ConvertAsync(format, SubmissionSamples.RealSampleFolder, destination);

        result.Failures.Should().BeEmpty();
        result.Tasks.Should().Be(expected.Count);
        result.Rows.Should().Be(expected.Sum(t => t.Attempts.Count));
        (await ReadAsync(format, destination)).ShouldMatch(expected, exactRawJson: format == "parquet");
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Convert_AMalformedTaskFile_IsReportedAndLeftOut_AndTheRestIsComplete(string format)
    {
        var folder = _temp.Folder("model");
        SubmissionSamples.WriteEdgeCaseFolder(folder);
        var expected = await SubmissionSamples.ReadFolderAsJsonAsync(folder);
        File.WriteAllText(Path.Combine(folder, "1a000000.json"), """[{"attempt_1": {"answer": [[1]]""");
        File.WriteAllText(Path.Combine(folder, "1b000000.json"), """{"attempt_1": {}}""");
        var destination = _temp.File("out." + format);

        var result = await ConvertAsync(format, folder, destination, rowGroupSize: 4);

        result.Failures.Select(f => f.TaskId).Should().Equal("1a000000", "1b000000");
        result.Failures[0].Error.Should().Contain("not valid JSON");
        result.Failures[1].Error.Should().Contain("not an array of test pairs");
        result.Tasks.Should().Be(expected.Count);
        result.Rows.Should().Be(expected.Sum(t => t.Attempts.Count));
        var read = await ReadAsync(format, destination);
        read.ShouldMatch(expected, exactRawJson: format == "parquet");
        read.Select(t => t.TaskId).Should().BeInAscendingOrder(StringComparer.Ordinal).And.NotContain("results");
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Convert_IntoAFolderThatDoesNotExist_ThrowsAndLeavesNoFile(string format)
    {
        var destination = Path.Combine(_temp.Path, "missing", "out." + format);

        var convert = () => ConvertAsync(format, SubmissionSamples.RealSampleFolder, destination);

        await convert.Should().ThrowAsync<DirectoryNotFoundException>();
        Directory.Exists(Path.Combine(_temp.Path, "missing")).Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Convert_Cancelled_LeavesTheExistingDestinationAndNoTemporaryFile(string format)
    {
        var folder = _temp.Folder("model");
        SubmissionSamples.WriteEdgeCaseFolder(folder);
        var destination = _temp.File("out." + format);
        File.WriteAllText(destination, "the previous conversion");
        using var cancellation = new CancellationTokenSource();
        await cancellation.CancelAsync();

        var convert = () => ConvertAsync(format, folder, destination, cancellationToken: cancellation.Token);

        await convert.Should().ThrowAsync<OperationCanceledException>();
        File.ReadAllText(destination).Should().Be("the previous conversion");
        Directory.GetFiles(_temp.Path).Should().Equal(destination);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Convert_FailingAtTheLastStep_LeavesNoTemporaryFile(string format)
    {
        // The destination is a folder: everything is written, then the rename fails.
        var destination = _temp.Folder("out." + format);

        var convert = () => ConvertAsync(format, SubmissionSamples.RealSampleFolder, destination);

        await convert.Should().ThrowAsync<IOException>();
        Directory.GetFiles(_temp.Path).Should().BeEmpty();
        Directory.GetFileSystemEntries(destination).Should().BeEmpty();
    }

    [Fact]
    public async Task Convert_AFolderThatDoesNotExist_ThrowsDirectoryNotFoundException()
    {
        var convert = () => SubmissionConverter.ConvertFolderToParquetAsync(Path.Combine(_temp.Path, "nope"), _temp.File("out.parquet"));

        await convert.Should().ThrowAsync<DirectoryNotFoundException>();
        Directory.GetFiles(_temp.Path).Should().BeEmpty();
    }

    private static Task<SubmissionConversionResult> ConvertAsync(string format, string folder, string destination, int rowGroupSize = 10_000, CancellationToken cancellationToken = default)
        => format == "parquet"
            ? SubmissionConverter.ConvertFolderToParquetAsync(folder, destination, new SubmissionParquetWriteOptions { RowGroupSize = rowGroupSize }, cancellationToken)
            : SubmissionConverter.ConvertFolderToJsonLinesAsync(folder, destination, cancellationToken);

    private static async Task<List<TaskSubmission>> ReadAsync(string format, string file)
    {
        await using var stream = File.OpenRead(file);
        return format == "parquet"
            ? await SubmissionParquet.ReadAsync(stream).ToListAsync()
            : await SubmissionJsonLines.ReadAsync(stream).ToListAsync();
    }
}
