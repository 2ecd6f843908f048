using System.Runtime.InteropServices;
using Ingestion.Core;
using Ingestion.HuggingFace;
using Ingestion.Sinks.Console;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ingestion.Samples.Console;

/// <summary>
/// One run of the console host: the ingestion jobs (one per model folder, concurrently) on a durable store, the live
/// display, the keys, and Ctrl+C. Exit code: 0 when every job completed, 1 when one failed or was cancelled, 130
/// when Ctrl+C stopped them (they are Interrupted and resumable with --resume).
/// </summary>
internal static class ConsoleHost
{
    public const string Keys = "p pause · r resume · c cancel · 1-9 select a job, 0 all · Ctrl+C stop (resumable), twice: exit now";

    public static async Task<int> RunAsync(RunSettings settings)
    {
        if (settings.LocalPath is { } path && !Directory.Exists(path))
        {
            throw new UsageException($"--path {path}: no such folder.");
        }

        if (settings.Tasks is { } taskFolder && !Directory.Exists(taskFolder))
        {
            throw new UsageException($"--tasks {taskFolder}: no such folder.");
        }

        var generated = settings.LocalPath is null && settings.HubUrl is null;
        if (!settings.History && (generated || settings.Tasks is null))
        {
            await SampleData.EnsureDefaultAsync();
        }

        var localPath = settings.LocalPath ?? (settings.HubUrl is null ? Path.Combine(SampleData.DefaultRoot, "dataset") : null);
        var tasks = settings.Tasks ?? Path.Combine(SampleData.DefaultRoot, "puzzles");
        var source = settings.Source ?? "Generated";
        if (localPath is not null && !Directory.Exists(localPath))
        {
            throw new UsageException($"--path {localPath}: no such folder.");
        }

        if (!Directory.Exists(tasks))
        {
            throw new UsageException($"--tasks {tasks}: no such folder.");
        }

        var services = new ServiceCollection().AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        var ingestion = services.AddIngestion(o =>
            {
                o.ProgressInterval = TimeSpan.FromMilliseconds(100);
                o.MaxConcurrentJobs = Math.Max(1, settings.Models.Count);
            })
            .AddHuggingFaceIngestion(o =>
            {
                o.Tasks.Add(source, tasks);
                if (localPath is not null)
                {
                    o.LocalDatasetRoots.Add(Path.GetFullPath(localPath));
                }

                if (settings.HubUrl is not null)
                {
                    o.AllowedHubUrls.Add(settings.HubUrl);
                }
            })
            .AddConsoleSink(o =>
            {
                o.MinimumLogLevel = settings.Verbose ? LogLevel.Debug : LogLevel.Information;
                if (settings.Plain)
                {
                    o.Mode = ConsoleSinkMode.Plain;
                }
            });
        var database = settings.Database ?? Path.Combine(SampleData.DefaultRoot, "ingestion.db");
        if (settings.IsPostgreSql)
        {
            ingestion.UsePostgreSqlStore(database);
        }
        else
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(database))!);
            ingestion.UseSqliteStore(database);
        }

        await using var provider = services.BuildServiceProvider();
        List<IHostedService> hosted;
        try
        {
            // Opens the store: migrations, recovery of the jobs a crash left live.
            hosted = provider.GetServices<IHostedService>().ToList();
            foreach (var service in hosted)
            {
                await service.StartAsync(CancellationToken.None);
            }
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or UnauthorizedAccessException or TimeoutException or System.Net.Sockets.SocketException)
        {
            throw new StoreUnavailableException($"the database cannot be opened ({(settings.IsPostgreSql ? "PostgreSQL" : database)}): {ex.Message}", ex);
        }

        var manager = provider.GetRequiredService<IJobManager>();
        var display = provider.GetRequiredService<IIngestionConsole>();
        if (settings.History)
        {
            await PrintHistoryAsync(manager);
            return 0;
        }

        using var stop = new CancellationTokenSource();
        using var signals = ListenForStop(stop);
        var jobs = await StartJobsAsync(manager, display, settings, localPath, source);
        if (jobs is null)
        {
            await StopAsync(hosted, display);
            return 1;
        }

        display.Footer = Keys;
        using var controls = new JobControls(manager, display, jobs);
        controls.Start(stop.Token);

        var finished = Task.WhenAll(jobs.Select(id => manager.WaitForCompletionAsync(id)));
        await Task.WhenAny(finished, Task.Delay(Timeout.Infinite, stop.Token).ContinueWith(_ => { }, TaskScheduler.Default));
        if (stop.IsCancellationRequested && !finished.IsCompleted)
        {
            display.WriteLine("Stopping: the jobs stop at their next check and can be resumed with --resume <id> (Ctrl+C again exits at once).");
        }

        display.Footer = null;
        await StopAsync(hosted, display);

        var exitCode = 0;
        foreach (var id in jobs)
        {
            var job = await manager.GetAsync(id);
            System.Console.Out.WriteLine($"job {id} {job?.Name}: {job?.State}" + (job?.State == JobState.Interrupted ? $" (resume with --resume {id})" : ""));
            exitCode = Math.Max(exitCode, job?.State switch
            {
                JobState.Completed => 0,
                JobState.Interrupted => 130,
                _ => 1,
            });
        }

        return exitCode;
    }

    private static async Task<List<string>?> StartJobsAsync(IJobManager manager, IIngestionConsole display, RunSettings settings, string? localPath, string source)
    {
        if (settings.Resume is { } resumeId)
        {
            var result = await manager.ResumeAsync(resumeId);
            if (result.Status != JobCommandStatus.Applied)
            {
                await System.Console.Error.WriteLineAsync($"error: cannot resume {resumeId}: {result.Message}");
                return null;
            }

            display.WriteLine($"Resumed job {resumeId} ({result.Job?.Name}), run {result.Job?.RunCount}.");
            return [resumeId];
        }

        var jobs = new List<string>();
        foreach (var model in settings.Models)
        {
            var parameters = new HuggingFaceIngestionParameters
            {
                HubUrl = settings.HubUrl,
                LocalPath = localPath is null ? null : Path.GetFullPath(localPath),
                Dataset = settings.Dataset,
                ModelFolder = model,
                Source = source,
                Limit = settings.Limit,
                DelayMs = settings.DelayMs,
                Concurrency = settings.Concurrency,
                DryRun = settings.DryRun,
                ForceOverwrite = settings.Force,
                StopOnError = settings.StopOnError,
                Verbose = settings.Verbose,
            };
            try
            {
                var job = await manager.StartAsync(HuggingFaceIngestionJob.Kind, parameters, new JobStartOptions { Name = model });
                display.WriteLine($"Started job {job.Id} ({model}).");
                jobs.Add(job.Id);
            }
            catch (JobStartException ex)
            {
                await System.Console.Error.WriteLineAsync($"error: {model}: {ex.Message}");
                foreach (var id in jobs)
                {
                    await manager.CancelAsync(id);
                }

                return null;
            }
        }

        return jobs;
    }

    /// <summary>The first Ctrl+C (or SIGTERM) asks for a graceful stop; a second Ctrl+C exits at once.</summary>
    private static IDisposable ListenForStop(CancellationTokenSource stop)
    {
        var handler = (PosixSignalContext context) =>
        {
            context.Cancel = true;
            if (stop.IsCancellationRequested && context.Signal == PosixSignal.SIGINT)
            {
                System.Console.Error.WriteLine("Exiting now.");
                Environment.Exit(130);
            }

            stop.Cancel();
        };
        return new Registrations(PosixSignalRegistration.Create(PosixSignal.SIGINT, handler), PosixSignalRegistration.Create(PosixSignal.SIGTERM, handler));
    }

    private static async Task StopAsync(List<IHostedService> hosted, IIngestionConsole display)
    {
        // The manager stops first (live jobs become Interrupted, the sinks drain); then the display prints what is left.
        foreach (var service in Enumerable.Reverse(hosted))
        {
            await service.StopAsync(CancellationToken.None);
        }

        await display.StopAsync();
    }

    private static async Task PrintHistoryAsync(IJobManager manager)
    {
        var page = await manager.GetHistoryAsync(new JobHistoryQuery { Limit = 50 });
        foreach (var run in page.Items)
        {
            var p = run.Progress;
            System.Console.Out.WriteLine($"{run.CreatedAt:u} {run.Id} {run.Name ?? run.Kind} {run.State}: {p.Processed}/{p.Total} processed, " +
                $"{p.Succeeded} succeeded, {p.Failed} failed, {p.Skipped} skipped, pass@2 {run.Results.GetValueOrDefault("passAt2"):P1}");
        }

        System.Console.Out.WriteLine($"{page.Items.Count} of {page.TotalCount} runs.");
    }

    private sealed class Registrations(params IDisposable[] registrations) : IDisposable
    {
        public void Dispose()
        {
            foreach (var registration in registrations)
            {
                registration.Dispose();
            }
        }
    }
}
