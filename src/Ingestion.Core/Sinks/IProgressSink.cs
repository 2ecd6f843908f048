namespace Ingestion.Core;

/// <summary>
/// A destination for job events: a console, a WebSocket, a SignalR hub, a file. Implement the one method; the
/// dispatcher owns the rest.
/// </summary>
/// <remarks>
/// <para>
/// Each sink gets its own bounded queue and its own reader, so a sink is called with one event at a time, in order
/// per job, never concurrently with itself, and never on the job body's thread. A slow sink sees coalesced progress
/// and, if it falls far behind, a <see cref="JobGapEvent"/> where log lines were dropped; state and completion events
/// are never dropped. Exceptions from the sink are logged and counted (<see cref="JobManager.GetSinkStatistics"/>)
/// and the next event is delivered as usual: a sink cannot slow or fail a job.
/// </para>
/// <para>Register a sink with <c>services.AddIngestion().AddSink&lt;TSink&gt;()</c> or pass it to the <see cref="JobManager"/> constructor.</para>
/// </remarks>
public interface IProgressSink
{
    /// <summary>Delivers one event.</summary>
    /// <param name="jobEvent">The event.</param>
    /// <param name="cancellationToken">Cancelled when the manager stops and the sink's drain time is over.</param>
    /// <returns>A task that completes when the sink is done with the event.</returns>
    ValueTask EmitAsync(JobEvent jobEvent, CancellationToken cancellationToken);
}
