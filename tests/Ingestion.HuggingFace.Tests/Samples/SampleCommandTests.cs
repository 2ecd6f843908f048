namespace Ingestion.HuggingFace.Tests.Samples;

/// <summary>The console sample's commands, run as a process the way a user runs them.</summary>
public sealed class SampleCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private static Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] arguments) => SampleProcess.RunAsync(arguments);

    [Fact]
    public async Task GenerateThenConvert_WritesADatasetAndAParquetFileThatReadsBack()
    {
        var generate = await RunAsync("generate", _temp.Path, "30");
        generate.ExitCode.Should().Be(0, generate.Error);
        generate.Output.Should().Contain("Wrote 30 puzzles");
        var folder = _temp.Combine("dataset", "synthetic-medium");
        Directory.EnumerateFiles(folder, "*.json").Should().NotBeEmpty();

        var parquet = _temp.Combine("synthetic-medium.parquet");
        var convert = await RunAsync("convert", folder, parquet);

        convert.ExitCode.Should().Be(0, convert.Error);
        convert.Output.Should().MatchRegex(@"Wrote \d+ rows of \d+ tasks to ");
        await using var file = File.OpenRead(parquet);
        var tasks = new List<string>();
        await foreach (var task in SubmissionParquet.ReadAsync(file))
        {
            tasks.Add(task.TaskId);
        }

        tasks.Should().NotBeEmpty().And.BeInAscendingOrder(StringComparer.Ordinal);
    }

    [Fact]
    public async Task ConvertingAFolderThatIsNotThere_SaysSo_AndExitsNonZero()
    {
        var result = await RunAsync("convert", _temp.Combine("nothing"), _temp.Combine("out.parquet"));

        result.ExitCode.Should().NotBe(0);
        result.Error.Should().StartWith("error: ").And.NotContain("   at ");
        File.Exists(_temp.Combine("out.parquet")).Should().BeFalse();
    }

    [Fact]
    public async Task UnknownArguments_SayWhichAndPrintTheUsage()
    {
        var result = await RunAsync("frobnicate");

        result.ExitCode.Should().Be(2);
        result.Error.Should().StartWith("error: ").And.Contain("frobnicate").And.Contain("usage: ").And.NotContain("   at ");
    }
}
