using System.Globalization;
using Ingestion.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Ingestion.Sinks.Console.Implementation;

/// <summary>
/// The console sink: keeps each job's latest state in memory and draws it, either as a live table redrawn by a loop of
/// its own (so a job never waits for the terminal) or as plain lines at a bounded rate.
/// </summary>
/// <remarks>
/// <see cref="EmitAsync"/> runs on the dispatcher's reader for this sink, one event at a time; the live loop and the
/// host's calls (<see cref="WriteLine"/>, <see cref="StopAsync"/>) run elsewhere. <c>_gate</c> guards the job views and
/// what waits to be printed; <c>_write</c> serializes writes to the terminal, and nothing is written under <c>_gate</c>.
/// </remarks>
internal sealed partial class ConsoleDisplay : IProgressSink, IIngestionConsole, IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Lock _write = new();
    private readonly Dictionary<string, JobView> _jobs = new(StringComparer.Ordinal);
    private readonly List<IRenderable> _pending = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly ConsoleSinkOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly Func<string, CancellationToken, ValueTask<JobSnapshot?>>? _lookup;
    private readonly ILogger _logger;
    private readonly IAnsiConsole? _live;
    private readonly TextWriter? _plain;
    private volatile string? _selectedJobId;
    private volatile string? _footer;
    private int _numbers;
    private bool _stopped;
    private Task? _loop;
    private Task? _stopping;

    /// <summary>Creates the display.</summary>
    /// <param name="options">The options; validated here.</param>
    /// <param name="timeProvider">The clock of the refresh loop and of the host's own lines.</param>
    /// <param name="lookup">Finds a job's snapshot, for its name; <see langword="null"/> shows ids only.</param>
    /// <param name="logger">Where a failure of the terminal itself is reported.</param>
    public ConsoleDisplay(
        ConsoleSinkOptions options,
        TimeProvider? timeProvider = null,
        Func<string, CancellationToken, ValueTask<JobSnapshot?>>? lookup = null,
        ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid console sink options: " + string.Join(" ", errors), nameof(options));
        }

        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _lookup = lookup;
        _logger = logger ?? NullLogger.Instance;
        if (ChooseLive(options))
        {
            _live = options.Console ?? AnsiConsole.Console;
        }
        else
        {
            _plain = options.Output ?? options.Console?.Profile.Out.Writer ?? System.Console.Out;
        }
    }

    /// <summary>Gets whether this display draws the live table (otherwise plain lines).</summary>
    internal bool IsLive => _live is not null;

    /// <inheritdoc />
    public string? SelectedJobId
    {
        get => _selectedJobId;
        set => _selectedJobId = value;
    }

    /// <inheritdoc />
    public string? Footer
    {
        get => _footer;
        set => _footer = value;
    }

    /// <inheritdoc />
    public async ValueTask EmitAsync(JobEvent jobEvent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(jobEvent);
        JobView? view;
        lock (_gate)
        {
            _jobs.TryGetValue(jobEvent.JobId, out view);
        }

        if (view is null)
        {
            view = new JobView(jobEvent.JobId, Interlocked.Increment(ref _numbers)) { Name = await FindNameAsync(jobEvent, cancellationToken).ConfigureAwait(false) };
            lock (_gate)
            {
                _jobs[view.Id] = view;
            }
        }

        var output = new List<IRenderable>(1);
        var lines = new List<string>(1);
        lock (_gate)
        {
            Apply(view, jobEvent, output, lines);
        }

        Print(output, lines);
    }

    /// <inheritdoc />
    public void WriteLine(string message)
    {
        ArgumentNullException.ThrowIfNull(message);
        Print([new Text(message + "\n")], [$"{Time(_timeProvider.GetUtcNow())} {message}"]);
    }

    /// <inheritdoc />
    public Task StopAsync()
    {
        lock (_gate)
        {
            _stopped = true;
            return _stopping ??= StopCoreAsync(_loop);
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => new(StopAsync());

    private async Task StopCoreAsync(Task? loop)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }

        // Whatever the loop did not print (it never ran, or it failed) goes out now.
        List<IRenderable> rest;
        lock (_gate)
        {
            rest = [.. _pending];
            _pending.Clear();
        }

        lock (_write)
        {
            foreach (var renderable in rest)
            {
                _live?.Write(renderable);
            }

            _plain?.Flush();
        }

        _stop.Dispose();
    }

    private static bool ChooseLive(ConsoleSinkOptions options) => options.Mode switch
    {
        ConsoleSinkMode.Live => true,
        ConsoleSinkMode.Plain => false,
        _ when options.Console is { } console => console.Profile.Capabilities is { Interactive: true, Ansi: true },
        _ when options.Output is not null => false,
        _ => !System.Console.IsOutputRedirected
            && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI"))
            && AnsiConsole.Profile.Capabilities is { Interactive: true, Ansi: true },
    };

    private static string Time(DateTimeOffset timestamp) => timestamp.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);

    private async ValueTask<string?> FindNameAsync(JobEvent jobEvent, CancellationToken cancellationToken)
    {
        if (jobEvent is JobSnapshotEvent snapshot)
        {
            return snapshot.Job.Name ?? snapshot.Job.Kind;
        }

        if (_lookup is null)
        {
            return null;
        }

        try
        {
            var job = await _lookup(jobEvent.JobId, cancellationToken).ConfigureAwait(false);
            return job?.Name ?? job?.Kind;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The name is a label only: without it the row shows the id.
            LogLookupFailed(_logger, jobEvent.JobId, ex);
            return null;
        }
    }

    /// <summary>Updates the job's view and says what to print: renderables for live mode, lines for plain mode.</summary>
    private void Apply(JobView view, JobEvent jobEvent, List<IRenderable> output, List<string> lines)
    {
        var prefix = $"{Time(jobEvent.Timestamp)} [{view.Label}]";
        switch (jobEvent)
        {
            case JobSnapshotEvent snapshot:
                view.State = snapshot.Job.State;
                view.Progress = snapshot.Job.Progress;
                break;
            case JobStateChangedEvent state:
                view.State = state.State;
                var error = state.Error is { } e ? $": {e.Type}: {e.Message}" : "";
                lines.Add($"{prefix} {state.PreviousState?.ToString() ?? "-"} -> {state.State}{error}");
                break;
            case JobProgressEvent progress:
                view.Progress = progress.Progress;
                if (view.LastPlainProgress is not { } last || jobEvent.Timestamp - last >= _options.PlainProgressInterval)
                {
                    view.LastPlainProgress = jobEvent.Timestamp;
                    lines.Add($"{prefix} {ProgressLine(progress.Progress)}");
                }

                break;
            case JobLogEvent log when log.Level >= _options.MinimumLogLevel && log.Level != LogLevel.None:
                var exception = log.Exception is null ? "" : $" ({log.Exception})";
                lines.Add($"{prefix} {ConsoleFormat.Level(log.Level)} {log.Message}{exception}");
                output.Add(new Markup(
                    $"[grey]{Time(jobEvent.Timestamp)}[/] {LevelMarkup(log.Level)} [grey]{Markup.Escape(view.Label)}[/] " +
                    $"{Markup.Escape(log.Message + exception)}\n"));
                break;
            case JobGapEvent gap:
                var dropped = $"{(gap.Dropped is { } count ? ConsoleFormat.Count(count) : "some")} events dropped (seq {gap.FromSeq}-{gap.ToSeq}): the display fell behind";
                lines.Add($"{prefix} warn {dropped}");
                output.Add(new Markup($"[grey]{Time(jobEvent.Timestamp)}[/] [yellow]warn[/] [grey]{Markup.Escape(view.Label)}[/] {dropped}\n"));
                break;
            case JobCompletedEvent completed:
                view.State = completed.Summary.State;
                view.Progress = completed.Summary.Progress;
                _jobs.Remove(view.Id);
                lines.Add($"{prefix} {ConsoleFormat.SummaryLine(completed.Summary)}");
                if (ConsoleFormat.ResultsLine(completed.Summary) is { } results)
                {
                    lines.Add($"{prefix} results: {results}");
                }

                if (completed.Summary.Error is { } failure)
                {
                    lines.Add($"{prefix} error: {failure.Type}: {failure.Message}");
                }

                output.Add(LiveTable.Summary(view, completed.Summary));
                break;
        }
    }

    private static string ProgressLine(JobProgress p)
    {
        var eta = p.EstimatedRemaining is { } remaining ? $" ETA {ConsoleFormat.Duration(remaining)}" : "";
        var current = p.CurrentItem is null ? "" : $" current {p.CurrentItem}";
        return $"{ConsoleFormat.Processed(p)} {ConsoleFormat.Percent(p)} ok {ConsoleFormat.Count(p.Succeeded)} failed {ConsoleFormat.Count(p.Failed)} " +
            $"skipped {ConsoleFormat.Count(p.Skipped)} {ConsoleFormat.Rate(p.ItemsPerSecond)}{eta} elapsed {ConsoleFormat.Duration(p.Elapsed)}{current}";
    }

    private static string LevelMarkup(LogLevel level) => level switch
    {
        >= LogLevel.Error => $"[red]{ConsoleFormat.Level(level)}[/]",
        LogLevel.Warning => $"[yellow]{ConsoleFormat.Level(level)}[/]",
        _ => $"[blue]{ConsoleFormat.Level(level)}[/]",
    };

    /// <summary>Plain lines are written at once (on this sink's reader); live output waits for the loop, unless it has stopped.</summary>
    private void Print(List<IRenderable> output, List<string> lines)
    {
        if (_plain is not null)
        {
            if (lines.Count > 0)
            {
                lock (_write)
                {
                    foreach (var line in lines)
                    {
                        _plain.WriteLine(line);
                    }

                    _plain.Flush();
                }
            }

            return;
        }

        lock (_gate)
        {
            if (!_stopped)
            {
                _pending.AddRange(output);
                _loop ??= Task.Run(RunLiveAsync);
                return;
            }
        }

        lock (_write)
        {
            foreach (var renderable in output)
            {
                _live!.Write(renderable);
            }
        }
    }

    private async Task RunLiveAsync()
    {
        try
        {
            await _live!.Live(Text.Empty)
                .AutoClear(false)
                .Overflow(VerticalOverflow.Ellipsis)
                .StartAsync(async context =>
                {
                    while (true)
                    {
                        var stopping = _stop.IsCancellationRequested;
                        Render(context);
                        if (stopping)
                        {
                            return;
                        }

                        try
                        {
                            await Task.Delay(_options.RefreshInterval, _timeProvider, _stop.Token).ConfigureAwait(false);
                        }
                        catch (OperationCanceledException)
                        {
                            // Stopping: one last render.
                        }
                    }
                }).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // A terminal that fails (closed, resized away) must not take the host down; what is left prints on stop.
            LogLiveFailed(_logger, ex);
            lock (_gate)
            {
                _stopped = true;
            }
        }
    }

    private void Render(LiveDisplayContext context)
    {
        List<IRenderable> output;
        IRenderable table;
        lock (_gate)
        {
            output = [.. _pending];
            _pending.Clear();
            table = LiveTable.Build([.. _jobs.Values.OrderBy(j => j.Number)], _selectedJobId, _footer);
        }

        lock (_write)
        {
            foreach (var renderable in output)
            {
                _live!.Write(new AboveTheTable(renderable));
            }

            context.UpdateTarget(table);
            context.Refresh();
        }
    }

    /// <summary>
    /// A line written while the live table is on screen. Spectre moves the cursor up to the table's first line and
    /// writes there without erasing, then draws the table below; a line narrower than the table would keep the rest of
    /// the table's old line beside it. This one first erases from the cursor to the end of the screen.
    /// </summary>
    private sealed class AboveTheTable(IRenderable inner) : IRenderable
    {
        private static readonly Segment EraseBelow = Segment.Control("\u001b[0J");

        public Measurement Measure(RenderOptions options, int maxWidth) => inner.Measure(options, maxWidth);

        public IEnumerable<Segment> Render(RenderOptions options, int maxWidth) => [EraseBelow, .. inner.Render(options, maxWidth)];
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Debug, Message = "The console sink could not find job {JobId} for its name.")]
    private static partial void LogLookupFailed(ILogger logger, string jobId, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Error, Message = "The console sink's live display failed; it writes its output without the table from now on.")]
    private static partial void LogLiveFailed(ILogger logger, Exception exception);
}
