using Ingestion.Core;
using Ingestion.Sinks.Console;

namespace Ingestion.Samples.Console;

/// <summary>
/// The keys of a run: p pause, r resume, c cancel, applied to the selected job or to all of them; 1-9 select a job by
/// its row number, 0 selects all. From the keyboard in a terminal; as lines ("p", "2", "c") when stdin is redirected.
/// </summary>
internal sealed class JobControls(IJobManager manager, IIngestionConsole display, IReadOnlyList<string> jobs) : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private string? _selected;

    public void Start(CancellationToken stopping)
    {
        var token = CancellationTokenSource.CreateLinkedTokenSource(stopping, _stop.Token).Token;
        _ = System.Console.IsInputRedirected ? Task.Run(() => ReadLinesAsync(token), token) : Task.Run(() => ReadKeysAsync(token), token);
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    private async Task ReadLinesAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await System.Console.In.ReadLineAsync(cancellationToken) is { } line)
            {
                await CommandAsync(line.Trim());
            }
        }
        catch (OperationCanceledException)
        {
            // The run ended.
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // stdin closed or went away, or a key came as the run was ending: no more commands, the run goes on.
            display.WriteLine($"(commands are no longer read: {ex.Message})");
        }
    }

    private async Task ReadKeysAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                if (System.Console.KeyAvailable)
                {
                    await CommandAsync(System.Console.ReadKey(intercept: true).KeyChar.ToString());
                }
                else
                {
                    await Task.Delay(50, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The run ended.
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // stdin closed or went away, or a key came as the run was ending: no more commands, the run goes on.
            display.WriteLine($"(commands are no longer read: {ex.Message})");
        }
        catch (InvalidOperationException)
        {
            // No console to read keys from: the run goes on without keys.
        }
    }

    private async Task CommandAsync(string command)
    {
        switch (command.ToLowerInvariant())
        {
            case "p" or "pause":
                await ApplyAsync("pause", manager.PauseAsync);
                break;
            case "r" or "resume":
                await ApplyAsync("resume", manager.ResumeAsync);
                break;
            case "c" or "cancel":
                await ApplyAsync("cancel", manager.CancelAsync);
                break;
            case "0":
                _selected = null;
                display.SelectedJobId = null;
                display.WriteLine("> all jobs selected");
                break;
            case [var digit and >= '1' and <= '9'] when digit - '1' < jobs.Count:
                _selected = jobs[digit - '1'];
                display.SelectedJobId = _selected;
                display.WriteLine($"> job {digit} selected ({_selected})");
                break;
            case "":
                break;
            default:
                display.WriteLine($"> unknown command '{command}': {ConsoleHost.Keys}");
                break;
        }
    }

    private async Task ApplyAsync(string name, Func<string, CancellationToken, ValueTask<JobCommandResult>> command)
    {
        foreach (var id in _selected is null ? jobs : [_selected])
        {
            var result = await command(id, CancellationToken.None);
            display.WriteLine($"> {name} {id}: {result.Status} ({result.State})");
        }
    }
}
