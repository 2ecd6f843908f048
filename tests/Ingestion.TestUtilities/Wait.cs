namespace Ingestion.TestUtilities;

/// <summary>Waiting in tests: for a condition to become true, never for a fixed time.</summary>
public static class Wait
{
    /// <summary>How long a test waits for something that should happen promptly before it fails. Generous: the machine is shared.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>Polls <paramref name="condition"/> until it is true; throws after <paramref name="timeout"/>.</summary>
    public static async Task UntilAsync(Func<bool> condition, string because, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Timeout);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting until {because}.");
            }

            await Task.Delay(5);
        }
    }

    /// <summary>Polls an async condition until it is true; throws after <paramref name="timeout"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string because, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Timeout);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting until {because}.");
            }

            await Task.Delay(5);
        }
    }

    /// <summary>Awaits a task, failing the test if it does not complete in time.</summary>
    public static async Task<T> OrTimeout<T>(this Task<T> task, TimeSpan? timeout = null) => await task.WaitAsync(timeout ?? Timeout);

    /// <summary>Awaits a task, failing the test if it does not complete in time.</summary>
    public static async Task OrTimeout(this Task task, TimeSpan? timeout = null) => await task.WaitAsync(timeout ?? Timeout);
}
