using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Ingestion.HuggingFace.Tests.Samples;

/// <summary>The console host (the sample with no command): runs on generated data, keys, Ctrl+C and resume, bad options.</summary>
public sealed partial class ConsoleHostTests : IDisposable
{
    private const int Puzzles = 40;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private async Task<GeneratedModelExpectation> GenerateAsync() =>
        (await ArcDatasetGenerator.WriteAsync(new ArcDatasetGeneratorOptions { PuzzleCount = Puzzles }, _temp.Combine("puzzles"), _temp.Combine("dataset")))
        .GetModel("synthetic-medium");

    private string[] Arguments(params string[] more) =>
        ["--path", _temp.Combine("dataset"), "--tasks", _temp.Combine("puzzles"), "--database", _temp.Combine("ingestion.db"), "--plain", .. more];

    private static string Counts(GeneratedModelExpectation model) =>
        $"{Puzzles}/{Puzzles} processed ({model.Succeeded} succeeded, {model.Failed} failed, 0 skipped";

    private static string JobId(string output) => StartedJob().Match(output).Groups[1].Value;

    [GeneratedRegex("Started job ([0-9a-f]{32})")]
    private static partial Regex StartedJob();

    [Fact]
    public async Task AFullRun_OnGeneratedData_ExitsZero_WithTheExactSummary()
    {
        var model = await GenerateAsync();

        var result = await SampleProcess.RunAsync(Arguments("--delay", "0"));

        result.ExitCode.Should().Be(0, result.Output + result.Error);
        result.Output.Should().Contain("Completed: " + Counts(model))
            .And.Contain($"{model.AttemptsSaved} AttemptsSaved")
            .And.Contain($"{model.Predictions} Predictions, {model.CorrectPredictions} PredictionsCorrect")
            .And.Contain("passAt2 " + model.PassRate.ToString("0.0%", System.Globalization.CultureInfo.InvariantCulture));
        (model.NotFound == 0 || result.Output.Contains($"{model.NotFound} NotFound", StringComparison.Ordinal)).Should().BeTrue("puzzles without a file are counted");
        result.Output.Should().MatchRegex(@"job [0-9a-f]{32} synthetic-medium: Completed");
    }

    [Fact]
    public async Task PauseResumeAndCancelLines_OnStdin_SteerTheJob()
    {
        await GenerateAsync();
        using var sample = SampleProcess.Start(Arguments("--delay", "100", "--concurrency", "1"));
        await sample.WaitForOutputAsync("Queued -> Running");

        await sample.SendLineAsync("p");
        await sample.WaitForOutputAsync("-> Paused");
        await sample.SendLineAsync("r");
        await sample.WaitForOutputAsync("Paused -> Running");
        await sample.SendLineAsync("c");
        var exitCode = await sample.WaitForExitAsync();

        exitCode.Should().Be(1, "a cancelled job is not a completed one");
        sample.Output.Should().Contain(": Applied (Pausing)").And.Contain("-> Cancelled").And.MatchRegex("Cancelled: [0-9]+/40 processed");
    }

    [Fact]
    public async Task Sigint_LeavesAnInterruptedResumableJob_AndResumeCompletesIt()
    {
        var model = await GenerateAsync();
        using (var sample = SampleProcess.Start(Arguments("--delay", "100", "--concurrency", "1")))
        {
            await sample.WaitForOutputAsync(" ok ");
            await sample.WaitForOutputAsync("saved");
            using (var kill = Process.Start("kill", ["-INT", sample.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                await kill.WaitForExitAsync();
            }

            var exitCode = await sample.WaitForExitAsync();

            exitCode.Should().Be(130, sample.Output + sample.Error);
            sample.Output.Should().Contain("-> Interrupted").And.Contain("(resume with --resume ");
            var id = JobId(sample.Output);

            var resumed = await SampleProcess.RunAsync([.. Arguments("--delay", "0"), "--resume", id]);

            resumed.ExitCode.Should().Be(0, resumed.Output + resumed.Error);
            resumed.Output.Should().Contain($"Resumed job {id}").And.Contain("Completed: " + Counts(model)).And.Contain($"job {id} synthetic-medium: Completed");
        }
    }

    [Fact]
    public async Task InATerminal_TheLiveTableShowsTheBarTheCountersAndPaused()
    {
        await GenerateAsync();
        var session = "ingestion-" + Guid.NewGuid().ToString("N")[..8];
        var command = string.Join(' ', ((string[])["dotnet", SampleProcess.Dll, .. Arguments("--delay", "150", "--concurrency", "1").Where(a => a != "--plain")]).Select(a => $"'{a}'"));

        // A server of the test's own (-L), not a user's; UTF-8 and a colour terminal; CI unset, as a CI runner's
        // environment would otherwise make the host choose plain lines.
        await RunTmuxAsync(session, "new-session", "-d", "-s", session, "-x", "120", "-y", "40", $"env -u CI LANG=C.UTF-8 TERM=xterm-256color {command}; sleep 30");
        try
        {
            var screen = "";
            await Wait.UntilAsync(async () => (screen = await RunTmuxAsync(session, "capture-pane", "-p", "-t", session)).Contains("Running", StringComparison.Ordinal), "the table is drawn");
            await RunTmuxAsync(session, "send-keys", "-t", session, "p");
            await Wait.UntilAsync(async () => (screen = await RunTmuxAsync(session, "capture-pane", "-p", "-t", session)).Contains("Paused", StringComparison.Ordinal), "the job shows paused");

            screen.Should().Contain("━").And.Contain("synthetic-medium").And.Contain("paused").And.Contain("p pause · r resume · c cancel");
            screen.Should().MatchRegex(@"\d+%\s+\d+\s+\d+\s+\d+", "percent, succeeded, failed and skipped are in the row");
            await RunTmuxAsync(session, "send-keys", "-t", session, "c");
            await Wait.UntilAsync(async () => (await RunTmuxAsync(session, "capture-pane", "-p", "-t", session)).Contains("Cancelled", StringComparison.Ordinal), "the job is cancelled");
        }
        finally
        {
            await RunTmuxAsync(session, "kill-server");
        }
    }

    private static async Task<string> RunTmuxAsync(string socket, params string[] arguments)
    {
        var start = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])["-u", "-L", socket, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        using var tmux = Process.Start(start)!;
        var output = await tmux.StandardOutput.ReadToEndAsync();
        await tmux.WaitForExitAsync();
        return output;
    }

    [Theory]
    [InlineData("--concurrency 0", "--concurrency must be a positive number")]
    [InlineData("--limit x", "--limit")]
    [InlineData("--nonsense", "--nonsense")]
    [InlineData("--path /nowhere/at/all", "no such folder")]
    public async Task BadOptions_ExitNonZero_WithAMessage_AndNoStackTrace(string arguments, string message)
    {
        var result = await SampleProcess.RunAsync(arguments.Split(' '));

        result.ExitCode.Should().Be(2);
        result.Error.Should().StartWith("error: ").And.Contain(message).And.NotContain("   at ");
    }

    [Fact]
    public async Task ResumingAJobThatIsNotThere_SaysSo_AndExitsNonZero()
    {
        await GenerateAsync();

        var result = await SampleProcess.RunAsync([.. Arguments(), "--resume", "0123456789abcdef0123456789abcdef"]);

        result.ExitCode.Should().Be(1);
        result.Error.Should().StartWith("error: cannot resume").And.NotContain("   at ");
    }
}
