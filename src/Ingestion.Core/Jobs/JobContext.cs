using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Ingestion.Core;

/// <summary>
/// What a job body gets from the manager: its parameters, the <see cref="PauseToken"/> and cancellation token to
/// check once per item, a progress reporter, a logger whose lines reach the sinks, and the checkpoint of an earlier run.
/// </summary>
public sealed class JobContext
{
    private readonly JobRun _run;

    internal JobContext(JobRun run, IServiceProvider services, TimeProvider timeProvider)
    {
        _run = run;
        Services = services;
        TimeProvider = timeProvider;
    }

    /// <summary>Gets the job's id.</summary>
    public string JobId => _run.Id;

    /// <summary>Gets the job's kind.</summary>
    public string Kind => _run.Kind;

    /// <summary>Gets the job's display name, if it was given one.</summary>
    public string? Name => _run.Name;

    /// <summary>Gets the parameters the job was started with, as JSON (an empty object when none).</summary>
    public JsonElement Parameters => _run.Parameters;

    /// <summary>Gets the pause token. Prefer <see cref="WaitIfPausedAsync"/>, which also observes cancellation.</summary>
    public PauseToken PauseToken => _run.PauseToken;

    /// <summary>Gets the token that is cancelled when the job is cancelled or the host stops.</summary>
    public CancellationToken CancellationToken => _run.CancellationToken;

    /// <summary>Gets the progress reporter. Reporting is cheap enough to do once per item.</summary>
    public ProgressReporter Progress => _run.Progress;

    /// <summary>
    /// Gets the job's logger. Lines at or above <see cref="IngestionOptions.LogEventLevel"/> become <see cref="JobLogEvent"/>s;
    /// every line also goes to the host's logging (category <c>Ingestion.Jobs.{kind}</c>, with a JobId scope).
    /// </summary>
    public ILogger Logger => _run.Logger;

    /// <summary>
    /// Gets the last checkpoint saved with <see cref="SaveCheckpointAsync"/>, in this run or an earlier one: a body that
    /// is resumed after an interruption continues after it. <see langword="null"/> when none was saved.
    /// </summary>
    public string? Checkpoint => _run.Checkpoint;

    /// <summary>Gets which run of the job this is: 1 the first time, 2 after the first resume from an interruption, and so on.</summary>
    public int RunCount => _run.RunCount;

    /// <summary>Gets the services of this run (its own DI scope when the manager was built with DI).</summary>
    public IServiceProvider Services { get; }

    /// <summary>Gets the clock; use it instead of <see cref="DateTime.UtcNow"/> or a bare <see cref="Task.Delay(TimeSpan)"/> so tests can fake time.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>
    /// The check to call once per item: completes at once (no allocation) when the job is neither paused nor
    /// cancelled; waits while it is paused (acknowledging the pause: Pausing becomes Paused); throws
    /// <see cref="OperationCanceledException"/> when it is cancelled, at once even while paused.
    /// </summary>
    /// <returns>A task that completes when the body may go on.</returns>
    public ValueTask WaitIfPausedAsync() => _run.PauseToken.WaitIfPausedAsync(_run.CancellationToken);

    /// <summary>Gets the parameters bound to <typeparamref name="T"/> (the registered parameters type is bound and validated once, before the job starts).</summary>
    /// <typeparam name="T">The parameters type.</typeparam>
    /// <returns>The parameters.</returns>
    /// <exception cref="JsonException">The parameters do not bind to <typeparamref name="T"/>.</exception>
    public T GetParameters<T>() => _run.GetParameters<T>();

    /// <summary>
    /// Saves a checkpoint (for example the id of the last item written) with the job's counters, and waits until the
    /// store has it. After an interruption the job resumes with <see cref="Checkpoint"/> set to it and its counters as
    /// they were. Save it after the data it stands for is durable, or in the same transaction.
    /// </summary>
    /// <param name="checkpoint">An opaque string; JSON if you need structure.</param>
    /// <returns>A task that completes when the checkpoint is stored.</returns>
    /// <exception cref="JobInterruptedException">
    /// The store could not save it; the inner exception says why. Let it end the body: the run becomes
    /// <see cref="JobState.Interrupted"/>, resumable from the last checkpoint that was saved.
    /// </exception>
    public ValueTask SaveCheckpointAsync(string checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return _run.SaveCheckpointAsync(checkpoint);
    }

    /// <summary>Sets a named result of the job (accuracy, tokens, cost...): part of its summary and of its record in the history.</summary>
    /// <param name="name">The result's name.</param>
    /// <param name="value">Its value.</param>
    public void SetResult(string name, double value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _run.SetResult(name, value);
    }

    /// <summary>
    /// Runs <paramref name="process"/> for each item, with the pause check and cancellation before each one, the current
    /// item set, and the outcome counted. An exception from <paramref name="process"/> counts the item as failed and is
    /// logged; the loop goes on, unless <paramref name="stopOnError"/> is set, in which case it is rethrown (and the job fails).
    /// </summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="items">The items.</param>
    /// <param name="process">Processes one item and says what became of it.</param>
    /// <param name="itemName">Names an item for <see cref="ProgressReporter.CurrentItem"/>; <see cref="object.ToString"/> by default.</param>
    /// <param name="stopOnError">Whether the first failing item stops the job.</param>
    /// <returns>A task that completes when every item is processed.</returns>
    /// <exception cref="OperationCanceledException">The job was cancelled.</exception>
    public async Task ForEachAsync<T>(
        IAsyncEnumerable<T> items,
        Func<T, CancellationToken, ValueTask<ItemOutcome>> process,
        Func<T, string>? itemName = null,
        bool stopOnError = false)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(process);
        var token = CancellationToken;
        var enumerator = items.GetAsyncEnumerator(token);
        await using (enumerator.ConfigureAwait(false))
        {
            // The check comes before fetching the next item, so a paused job does not even fetch.
            while (true)
            {
                await WaitIfPausedAsync().ConfigureAwait(false);
                if (!await enumerator.MoveNextAsync().ConfigureAwait(false))
                {
                    return;
                }

                await ProcessOneAsync(enumerator.Current, process, itemName, stopOnError, token).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="process"/> for each item, as the <see cref="IAsyncEnumerable{T}"/> overload does; when the items
    /// are a collection and no total was set, the total is set to its count.
    /// </summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="items">The items.</param>
    /// <param name="process">Processes one item and says what became of it.</param>
    /// <param name="itemName">Names an item for <see cref="ProgressReporter.CurrentItem"/>; <see cref="object.ToString"/> by default.</param>
    /// <param name="stopOnError">Whether the first failing item stops the job.</param>
    /// <returns>A task that completes when every item is processed.</returns>
    /// <exception cref="OperationCanceledException">The job was cancelled.</exception>
    public async Task ForEachAsync<T>(
        IEnumerable<T> items,
        Func<T, CancellationToken, ValueTask<ItemOutcome>> process,
        Func<T, string>? itemName = null,
        bool stopOnError = false)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(process);
        if (Progress.Total is null && items.TryGetNonEnumeratedCount(out var count))
        {
            Progress.SetTotal(count);
        }

        var token = CancellationToken;
        foreach (var item in items)
        {
            await WaitIfPausedAsync().ConfigureAwait(false);
            await ProcessOneAsync(item, process, itemName, stopOnError, token).ConfigureAwait(false);
        }
    }

    private async ValueTask ProcessOneAsync<T>(
        T item,
        Func<T, CancellationToken, ValueTask<ItemOutcome>> process,
        Func<T, string>? itemName,
        bool stopOnError,
        CancellationToken token)
    {
        var name = itemName is null ? item?.ToString() : itemName(item);
        Progress.SetCurrentItem(name);
        ItemOutcome outcome;
        try
        {
            outcome = await process(item, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (!stopOnError)
        {
            Progress.IncrementFailed();
            Log.ItemFailed(Logger, name, ex);
            return;
        }

        switch (outcome)
        {
            case ItemOutcome.Succeeded:
                Progress.IncrementSucceeded();
                break;
            case ItemOutcome.Failed:
                Progress.IncrementFailed();
                break;
            case ItemOutcome.Skipped:
                Progress.IncrementSkipped();
                break;
            case ItemOutcome.Processed:
                Progress.IncrementProcessed();
                break;
            default:
                throw new InvalidOperationException($"'{outcome}' is not an {nameof(ItemOutcome)}.");
        }
    }
}
