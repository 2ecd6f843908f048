namespace Ingestion.Core;

/// <summary>One pause: a one-shot gate that paused bodies wait on until it is opened by a resume.</summary>
internal sealed class PauseGate
{
    // Continuations run asynchronously so that Resume() never runs a job body inline on the caller's thread
    // (a control endpoint, a hub method, or a lock holder).
    private readonly TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Open() => _opened.TrySetResult();

    public Task WaitAsync(CancellationToken cancellationToken) => _opened.Task.WaitAsync(cancellationToken);
}
