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
    public async Task NoArguments_TheReadmesCommand_IngestsTheEmbeddedDataset_AndExitsZero()
    {
        // What a newcomer runs (README.md), with stdin closed and output redirected, as in CI.
        var result = await SampleProcess.RunAsync();

        result.ExitCode.Should().Be(0, result.Output + result.Error);
        result.Output.Should().MatchRegex(@"job [0-9a-f]{32} synthetic-medium: Completed");
        result.Error.Should().NotContain("   at ", "no stack trace");
        File.Exists(Path.Combine(Path.GetDirectoryName(SampleProcess.Dll)!, "sample-data", "generated.ok")).Should().BeTrue("the embedded dataset was generated whole");
    }

    [Fact]
    public async Task ADatabaseThatCannotBeOpened_SaysSoInOneLine_AndExitsNonZero()
    {
        var directory = Directory.CreateTempSubdirectory("ingestion-sample-db-").FullName;
        try
        {
            var notADatabase = Path.Combine(directory, "not-a-database.db");
            await File.WriteAllTextAsync(notADatabase, "this is a text file, not SQLite");

            var result = await SampleProcess.RunAsync("--database", notADatabase, "--plain");

            result.ExitCode.Should().Be(1, result.Output + result.Error);
            result.Error.Should().StartWith("error: the database cannot be opened").And.NotContain("   at ");
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task UnknownArguments_SayWhichAndPrintTheUsage()
    {
        var result = await RunAsync("frobnicate");

        result.ExitCode.Should().Be(2);
        result.Error.Should().StartWith("error: ").And.Contain("frobnicate").And.Contain("usage: ").And.NotContain("   at ");
    }
}
