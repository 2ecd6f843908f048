using Ingestion.Sinks.Console.Implementation;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spectre.Console.Testing;

namespace Ingestion.Sinks.Console.Tests;

public sealed class ConsoleDisplayTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);

    private static TestConsole WideConsole()
    {
        var console = new TestConsole();
        console.Profile.Width = 200;
        return console;
    }

    private static ServiceProvider Services(Action<ConsoleSinkOptions> configure)
    {
        var services = new ServiceCollection().AddLogging();
        services.AddIngestion(o => o.ProgressInterval = TimeSpan.FromMilliseconds(20))
            .AddJob<CountingJob, CountingParameters>(CountingJob.Kind)
            .AddConsoleSink(configure);
        return services.BuildServiceProvider();
    }

    private static JobProgressEvent Progress(long seq, TimeSpan at, long processed) => new()
    {
        JobId = "job-1",
        Seq = seq,
        Timestamp = At + at,
        Progress = new JobProgress { Total = 100, Processed = processed, Succeeded = processed, PercentComplete = processed, Elapsed = at },
    };

    private static JobCompletedEvent Completed(long seq, TimeSpan at) => new()
    {
        JobId = "job-1",
        Seq = seq,
        Timestamp = At + at,
        Summary = new JobSnapshot
        {
            Id = "job-1",
            Kind = "huggingface",
            State = JobState.Completed,
            Progress = new JobProgress
            {
                Total = 100,
                Processed = 100,
                Succeeded = 80,
                Failed = 5,
                Skipped = 15,
                Counters = new Dictionary<string, long> { ["NotFound"] = 3 },
                Elapsed = TimeSpan.FromSeconds(20),
            },
            Results = new Dictionary<string, double> { ["passAt2"] = 0.5, ["cost"] = 0.0123, ["totalTokens"] = 12345 },
            RunCount = 1,
        },
    };

    [Fact]
    public async Task LiveMode_DrawsTheBarCountersAndPausedState_OfARealJob_AndItsSummary()
    {
        var console = WideConsole();
        await using var provider = Services(o =>
        {
            o.Mode = ConsoleSinkMode.Live;
            o.Console = console;
            o.RefreshInterval = TimeSpan.FromMilliseconds(20);
        });
        var manager = provider.GetRequiredService<IJobManager>();
        var display = provider.GetRequiredService<IIngestionConsole>();
        display.Footer = "p pause · r resume · c cancel";

        var job = await manager.StartAsync(CountingJob.Kind, new CountingParameters { Items = 400, DelayMs = 2 }, new JobStartOptions { Name = "counting-demo" });
        display.SelectedJobId = job.Id;
        await Wait.UntilAsync(async () => (await manager.GetAsync(job.Id))!.Progress.Processed >= 20, "the job is under way");
        await manager.PauseAsync(job.Id);
        await Wait.UntilAsync(() => console.Output.Contains("Paused", StringComparison.Ordinal), "the table shows the job paused");

        console.Output.Should().Contain("counting-demo").And.Contain("━").And.Contain("p pause · r resume · c cancel").And.Contain(">1");
        console.Output.Should().MatchRegex(@"item-\d+", "the current item is shown");

        await manager.ResumeAsync(job.Id);
        var final = await manager.WaitForCompletionAsync(job.Id).OrTimeout();
        await provider.GetRequiredService<JobManager>().ShutdownAsync();
        await display.StopAsync();

        final.State.Should().Be(JobState.Completed);
        console.Output.Should().Contain("counting-demo").And.Contain("Completed").And.Contain("400/400").And.Contain("pauses excluded");
    }

    [Fact]
    public async Task LiveMode_PrintsLogLinesAboveTheTable_AndASummaryWithTheResults()
    {
        var console = WideConsole();
        var display = new ConsoleDisplay(new ConsoleSinkOptions { Mode = ConsoleSinkMode.Live, Console = console, RefreshInterval = TimeSpan.FromMilliseconds(20) });

        await display.EmitAsync(new JobStateChangedEvent { JobId = "job-1", Seq = 1, Timestamp = At, State = JobState.Running, PreviousState = JobState.Queued }, default);
        await display.EmitAsync(Progress(2, TimeSpan.FromSeconds(1), 40), default);
        await display.EmitAsync(new JobLogEvent { JobId = "job-1", Seq = 3, Timestamp = At, Level = LogLevel.Warning, Message = "f3e62deb — not found" }, default);
        await display.EmitAsync(new JobLogEvent { JobId = "job-1", Seq = 4, Timestamp = At, Level = LogLevel.Debug, Message = "too chatty" }, default);
        await Wait.UntilAsync(() => console.Output.Contains("40%", StringComparison.Ordinal), "the row is drawn");
        await display.EmitAsync(Completed(5, TimeSpan.FromSeconds(20)), default);
        await display.StopAsync();

        console.Output.Should().Contain("f3e62deb — not found").And.NotContain("too chatty");
        console.Output.Should().Contain("passAt2").And.Contain("50.0%").And.Contain("$0.0123").And.Contain("12,345").And.Contain("NotFound");
    }

    [Fact]
    public async Task LiveMode_ALineWrittenAboveTheTable_ErasesWhatTheTableLeftThere()
    {
        // Spectre moves the cursor up to the table and writes the line there without erasing; a line narrower than
        // the table would keep the rest of the table's old line beside it (seen in a real terminal under tmux).
        var console = WideConsole();
        console.EmitAnsiSequences = true;
        var display = new ConsoleDisplay(new ConsoleSinkOptions { Mode = ConsoleSinkMode.Live, Console = console, RefreshInterval = TimeSpan.FromMilliseconds(20) });

        await display.EmitAsync(new JobStateChangedEvent { JobId = "job-1", Seq = 1, Timestamp = At, State = JobState.Running, PreviousState = JobState.Queued }, default);
        await display.EmitAsync(Progress(2, TimeSpan.FromSeconds(1), 40), default);
        await Wait.UntilAsync(() => console.Output.Contains("40%", StringComparison.Ordinal), "the row is drawn");
        await display.EmitAsync(new JobLogEvent { JobId = "job-1", Seq = 3, Timestamp = At, Level = LogLevel.Warning, Message = "short line" }, default);
        await display.EmitAsync(Completed(4, TimeSpan.FromSeconds(20)), default);
        await display.StopAsync();

        var output = console.Output;
        output.Should().MatchRegex(@"\u001b\[0J[^\n]*short line", "the log line erases below the cursor before it is written");
        output.Should().MatchRegex(@"\u001b\[0J[^\n]*job-1[^\n]*Completed", "so does the summary");
        output.IndexOf("short line", StringComparison.Ordinal).Should().BeGreaterThan(output.IndexOf("40%", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PlainMode_PrintsAtMostOneProgressLinePerInterval_EveryStateChange_LogLinesAtTheLevel_AndTheSummary()
    {
        var output = new StringWriter();
        var display = new ConsoleDisplay(new ConsoleSinkOptions { Output = output, MinimumLogLevel = LogLevel.Information });
        display.IsLive.Should().BeFalse("only a writer was given");

        await display.EmitAsync(new JobStateChangedEvent { JobId = "job-1", Seq = 1, Timestamp = At, State = JobState.Running, PreviousState = JobState.Queued }, default);
        for (var i = 0; i < 10; i++)
        {
            await display.EmitAsync(Progress(2 + i, TimeSpan.FromMilliseconds(500 * i), i * 10), default);
        }

        await display.EmitAsync(new JobLogEvent { JobId = "job-1", Seq = 20, Timestamp = At, Level = LogLevel.Information, Message = "saved 2/2 attempts" }, default);
        await display.EmitAsync(new JobLogEvent { JobId = "job-1", Seq = 21, Timestamp = At, Level = LogLevel.Debug, Message = "too chatty" }, default);
        await display.EmitAsync(new JobStateChangedEvent { JobId = "job-1", Seq = 22, Timestamp = At, State = JobState.Completed, PreviousState = JobState.Running }, default);
        await display.EmitAsync(Completed(23, TimeSpan.FromSeconds(20)), default);
        await display.StopAsync();

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.Where(l => l.Contains("/100 ", StringComparison.Ordinal) && l.Contains(" ok ", StringComparison.Ordinal))
            .Should().HaveCount(3, "progress at 0, 2 and 4 s of the 4.5 s, with a 2 s interval");
        lines.Should().Contain(l => l.Contains("Queued -> Running", StringComparison.Ordinal))
            .And.Contain(l => l.Contains("Running -> Completed", StringComparison.Ordinal))
            .And.Contain(l => l.Contains("info saved 2/2 attempts", StringComparison.Ordinal))
            .And.NotContain(l => l.Contains("too chatty", StringComparison.Ordinal))
            .And.Contain(l => l.Contains("Completed: 100/100 processed (80 succeeded, 5 failed, 15 skipped, 3 NotFound) in 0:20, 5.0/s", StringComparison.Ordinal))
            .And.Contain(l => l.Contains("results: passAt2 50.0%, cost $0.0123, totalTokens 12,345", StringComparison.Ordinal));
        lines.Should().OnlyContain(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\d\d:\d\d:\d\d \[job-1\] "), "every line is timestamped and names its job");
    }

    [Fact]
    public async Task ASinkThatCannotKeepUp_NeverSlowsTheJob()
    {
        using var release = new ManualResetEventSlim();
        var writer = new BlockingWriter(release);
        var display = new ConsoleDisplay(new ConsoleSinkOptions { Mode = ConsoleSinkMode.Plain, Output = writer, PlainProgressInterval = TimeSpan.Zero });
        var manager = new JobManager(new IngestionOptions { ProgressInterval = TimeSpan.FromMilliseconds(10) }, [display]);
        try
        {
            var job = await manager.StartAsync(async (context, ct) =>
            {
                // First get the sink stuck on a line of its own, then do all the work while it stays stuck.
                context.Logger.LogInformation("starting");
                await Wait.UntilAsync(() => writer.Blocked, "the sink is stuck writing");
                context.Progress.SetTotal(2000);
                for (var i = 0; i < 2000; i++)
                {
                    await context.WaitIfPausedAsync();
                    context.Logger.LogInformation("item {Item}", i);
                    context.Progress.IncrementSucceeded();
                }
            });

            var final = await manager.WaitForCompletionAsync(job.Id).OrTimeout();

            final.State.Should().Be(JobState.Completed);
            writer.Blocked.Should().BeTrue("the sink is still stuck on its first line while the job has finished");
        }
        finally
        {
            release.Set();
            await manager.ShutdownAsync();
            await display.StopAsync();
        }
    }

    [Fact]
    public void AutoMode_OnAConsoleThatIsNotInteractive_PrintsPlainLines()
    {
        var console = new TestConsole();
        console.Profile.Capabilities.Interactive = false;

        new ConsoleDisplay(new ConsoleSinkOptions { Console = console }).IsLive.Should().BeFalse();
        console.Profile.Capabilities.Interactive = true;
        console.Profile.Capabilities.Ansi = true;
        new ConsoleDisplay(new ConsoleSinkOptions { Console = console }).IsLive.Should().BeTrue();
    }

    [Fact]
    public async Task InvalidOptions_AreReportedTogether_AtStartUp()
    {
        await using var provider = Services(o =>
        {
            o.RefreshInterval = TimeSpan.Zero;
            o.PlainProgressInterval = TimeSpan.FromSeconds(-1);
        });

        var resolve = () => provider.GetRequiredService<IOptions<ConsoleSinkOptions>>().Value;

        resolve.Should().Throw<OptionsValidationException>()
            .Which.Failures.Should().HaveCount(2);
        var construct = () => new ConsoleDisplay(new ConsoleSinkOptions { RefreshInterval = TimeSpan.Zero });
        construct.Should().Throw<ArgumentException>().WithMessage("*RefreshInterval*");
    }

    /// <summary>A writer whose first write blocks until released: a terminal that stopped reading.</summary>
    private sealed class BlockingWriter(ManualResetEventSlim release) : StringWriter
    {
        private volatile bool _blocked;

        public bool Blocked => _blocked;

        public override void WriteLine(string? value)
        {
            _blocked = true;
            release.Wait();
            _blocked = false;
            base.WriteLine(value);
        }
    }
}
