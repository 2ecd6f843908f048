namespace Ingestion.Orleans;

/// <summary>
/// One job, keyed by its id. Orleans keeps one activation of it in the cluster; the silo of that activation runs the
/// job's body in its local <see cref="Core.JobManager"/>, so every command for the job reaches the one silo that runs
/// it. Arguments and answers are the JSON of Core's types (<see cref="ClusterJson"/>).
/// </summary>
internal interface IJobGrain : IGrainWithStringKey
{
    /// <summary>Starts the job here. Answers a <see cref="StartAnswer"/>.</summary>
    Task<string> StartAsync(string kind, string parameters, string? name);

    /// <summary>Answers a <see cref="CommandAnswer"/>; <paramref name="command"/> is pause, resume or cancel.</summary>
    Task<string> CommandAsync(string command);

    /// <summary>Answers the job's snapshot (running here, or as the store has it), or null.</summary>
    Task<string?> GetAsync();

    /// <summary>Answers a <see cref="ReplayAnswer"/> (the snapshot and the journal after <paramref name="since"/>), or null.</summary>
    Task<string?> ReplayAsync(long? since);

    /// <summary>
    /// The supervisor's call for a job the store says is live: nothing when this activation runs it; else its silo is
    /// gone, and the job is marked Interrupted here (and resumed, if so configured). Answers what was done.
    /// </summary>
    Task<string> AdoptAsync(bool resume);
}
