namespace Ingestion.Benchmarks;

/// <summary>
/// A pause token source in the well-known design described by Stephen Toub ("Cooperatively pausing async methods",
/// .NET parallel programming blog, 2012), written here from that description as a reference point for the benchmarks.
/// </summary>
/// <remarks>
/// The state is one volatile reference: <see langword="null"/> when running, or the completion source that paused
/// waiters wait on. Resuming swaps it out and completes it. As published, the completion source is a plain
/// <see cref="TaskCompletionSource{TResult}"/>, so waiters' continuations run inline on the thread that resumes;
/// <see cref="ToubPauseTokenSource(bool)"/> with <see langword="true"/> builds the variant that queues them instead.
/// </remarks>
public sealed class ToubPauseTokenSource
{
    internal static readonly Task CompletedTask = Task.FromResult(true);

    private readonly TaskCreationOptions _options;
    private volatile TaskCompletionSource<bool>? _paused;

    /// <summary>Creates a source as published: resuming runs the waiters' continuations inline.</summary>
    public ToubPauseTokenSource()
        : this(runContinuationsAsynchronously: false)
    {
    }

    /// <summary>Creates a source whose waiters' continuations are run inline or queued to the thread pool.</summary>
    /// <param name="runContinuationsAsynchronously">Whether resuming queues the waiters' continuations.</param>
    public ToubPauseTokenSource(bool runContinuationsAsynchronously) =>
        _options = runContinuationsAsynchronously ? TaskCreationOptions.RunContinuationsAsynchronously : TaskCreationOptions.None;

    /// <summary>Gets or sets whether the source is paused; setting it to <see langword="false"/> wakes the waiters.</summary>
    public bool IsPaused
    {
        get => _paused is not null;
        set
        {
            if (value)
            {
                Interlocked.CompareExchange(ref _paused, new TaskCompletionSource<bool>(_options), null);
                return;
            }

            while (true)
            {
                var paused = _paused;
                if (paused is null)
                {
                    return;
                }

                if (ReferenceEquals(Interlocked.CompareExchange(ref _paused, null, paused), paused))
                {
                    paused.SetResult(true);
                    return;
                }
            }
        }
    }

    /// <summary>Gets a token that observes this source.</summary>
    public ToubPauseToken Token => new(this);

    /// <summary>Completes at once when not paused; otherwise when the source is resumed.</summary>
    /// <returns>The task to await.</returns>
    internal Task WaitWhilePausedAsync() => _paused?.Task ?? CompletedTask;
}
