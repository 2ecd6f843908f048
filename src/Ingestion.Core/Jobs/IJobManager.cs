using System.Text.Json;

namespace Ingestion.Core;

/// <summary>
/// Starts, steers and watches jobs. Control commands never throw for an unknown id or an illegal transition: they
/// return a <see cref="JobCommandResult"/> that says what happened.
/// </summary>
public interface IJobManager
{
    /// <summary>
    /// Starts a job of a registered kind. Returns at once, with the job <see cref="JobState.Queued"/> (or already
    /// <see cref="JobState.Running"/>); the body runs in the background.
    /// </summary>
    /// <param name="kind">The registered kind.</param>
    /// <param name="parameters">The parameters, a JSON object bound to the kind's parameters type and validated.</param>
    /// <param name="options">A display name and other per-start settings; optional.</param>
    /// <param name="cancellationToken">Cancels the start (not the job).</param>
    /// <returns>The new job.</returns>
    /// <exception cref="JobStartException">The kind is not registered or the parameters are invalid; every problem is listed.</exception>
    /// <exception cref="ObjectDisposedException">The manager is shutting down.</exception>
    ValueTask<JobSnapshot> StartAsync(string kind, JsonElement parameters, JobStartOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts a job whose body is a delegate (kind <see cref="JobRegistration.DelegateKind"/>). Returns at once; the body
    /// runs in the background. Such a job cannot be resumed after a restart, since its body does not outlive the process.
    /// </summary>
    /// <param name="body">The body.</param>
    /// <param name="options">A display name and other per-start settings; optional.</param>
    /// <param name="cancellationToken">Cancels the start (not the job).</param>
    /// <returns>The new job.</returns>
    /// <exception cref="ObjectDisposedException">The manager is shutting down.</exception>
    ValueTask<JobSnapshot> StartAsync(JobBody body, JobStartOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Asks a running job to pause. The job is <see cref="JobState.Pausing"/> until its body reaches its next pause
    /// check, then <see cref="JobState.Paused"/>. Pausing a pausing or paused job is <see cref="JobCommandStatus.Unchanged"/>;
    /// pausing a queued, finished or interrupted job is a <see cref="JobCommandStatus.InvalidTransition"/>.
    /// </summary>
    /// <param name="jobId">The job's id.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>What became of the command.</returns>
    ValueTask<JobCommandResult> PauseAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Resumes a pausing or paused job at once, or an <see cref="JobState.Interrupted"/> one from its checkpoint (same id,
    /// counters kept; it is queued again). Resuming a running job is <see cref="JobCommandStatus.Unchanged"/>; resuming a
    /// queued or finished job, or an interrupted one whose kind is not registered here, is a <see cref="JobCommandStatus.InvalidTransition"/>.
    /// </summary>
    /// <param name="jobId">The job's id.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>What became of the command.</returns>
    ValueTask<JobCommandResult> ResumeAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Cancels a job. A queued or interrupted job is <see cref="JobState.Cancelled"/> at once; a running, pausing or paused
    /// one is asked to stop (a paused body wakes at once) and becomes Cancelled when its body returns. Cancelling again
    /// before then is <see cref="JobCommandStatus.Unchanged"/>; cancelling a finished job is a <see cref="JobCommandStatus.InvalidTransition"/>.
    /// </summary>
    /// <param name="jobId">The job's id.</param>
    /// <param name="cancellationToken">Cancels the command.</param>
    /// <returns>What became of the command.</returns>
    ValueTask<JobCommandResult> CancelAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>Gets a job: live or recently finished from memory, otherwise from the store.</summary>
    /// <param name="jobId">The job's id.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The job, or <see langword="null"/> when no job has that id.</returns>
    ValueTask<JobSnapshot?> GetAsync(string jobId, CancellationToken cancellationToken = default);

    /// <summary>Lists the live jobs (queued, running, pausing, paused), oldest first.</summary>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The live jobs.</returns>
    ValueTask<IReadOnlyList<JobSnapshot>> ListLiveAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads a page of the job history from the store, newest first; live jobs on the page show their current progress.</summary>
    /// <param name="query">Filters and paging; every job, 50 a page, by default.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The page.</returns>
    /// <exception cref="ArgumentOutOfRangeException">The paging is out of range.</exception>
    ValueTask<JobHistoryPage> GetHistoryAsync(JobHistoryQuery? query = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Watches one job: first a <see cref="JobSnapshotEvent"/>, then the journal's entries after <paramref name="since"/>
    /// (all of them when it is <see langword="null"/>; preceded by a <see cref="JobGapEvent"/> if some were evicted), then
    /// live events, with no gap and no duplicate between them. Ends after the run's <see cref="JobCompletedEvent"/>
    /// (at once for a job that already ended). A consumer that falls behind gets coalesced progress and, if log lines
    /// had to be dropped, a gap event.
    /// </summary>
    /// <param name="jobId">The job's id.</param>
    /// <param name="since">The last sequence number the caller already has, to replay only what came after it.</param>
    /// <param name="cancellationToken">Ends the watch.</param>
    /// <returns>The events.</returns>
    /// <exception cref="JobNotFoundException">No job has that id (thrown when enumeration starts).</exception>
    IAsyncEnumerable<JobEvent> WatchAsync(string jobId, long? since = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads what <see cref="WatchAsync"/> would give before its live events — the snapshot, then the journal's entries
    /// after <paramref name="since"/> — without subscribing. For a transport that fans out live events itself (from a
    /// sink) and joins the two by sequence number: live events with a <see cref="JobEvent.Seq"/> no higher than the
    /// snapshot's are already covered.
    /// </summary>
    /// <param name="jobId">The job's id.</param>
    /// <param name="since">
    /// The last sequence number the caller already has; <see langword="null"/> for every kept entry. A number beyond the
    /// snapshot's (the caller's numbers come from a run the store did not keep up with) means nothing here and is
    /// treated as <see langword="null"/>.
    /// </param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The replay, or <see langword="null"/> when no job has that id.</returns>
    ValueTask<JobReplay?> ReplayAsync(string jobId, long? since = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Watches every job: a snapshot of each live job, then every event of every job, including jobs started later
    /// (each announced by its snapshot). Runs until cancelled or until the manager shuts down.
    /// </summary>
    /// <param name="cancellationToken">Ends the watch.</param>
    /// <returns>The events.</returns>
    IAsyncEnumerable<JobEvent> WatchAllAsync(CancellationToken cancellationToken = default);
}
