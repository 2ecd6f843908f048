using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Ingestion.HuggingFace;

/// <summary>
/// What a host asks of the HuggingFace ingestion besides running it: the pre-flight check of a job's parameters, and
/// the model folders of a dataset with what is already ingested of each. The job uses it to open its source.
/// </summary>
public sealed partial class HuggingFaceIngestionService
{
    /// <summary>The name of the <see cref="HttpClient"/> the Hub client is built on (<c>IHttpClientFactory</c>).</summary>
    public const string HttpClientName = "Ingestion.HuggingFace";

    private readonly HuggingFaceIngestionOptions _options;
    private readonly IHttpClientFactory _httpClients;
    private readonly IExplanationRepository _repository;
    private readonly ILoggerFactory _loggers;
    private readonly TimeProvider _time;

    /// <summary>Initializes a new instance of the <see cref="HuggingFaceIngestionService"/> class.</summary>
    /// <param name="options">The ingestion settings.</param>
    /// <param name="httpClients">Makes the Hub client's <see cref="HttpClient"/> (named <see cref="HttpClientName"/>).</param>
    /// <param name="repository">Where records go.</param>
    /// <param name="loggers">The logging.</param>
    /// <param name="time">The clock.</param>
    public HuggingFaceIngestionService(
        IOptions<HuggingFaceIngestionOptions> options,
        IHttpClientFactory httpClients,
        IExplanationRepository repository,
        ILoggerFactory? loggers = null,
        TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(httpClients);
        ArgumentNullException.ThrowIfNull(repository);
        _options = options.Value;
        _httpClients = httpClients;
        _repository = repository;
        _loggers = loggers ?? NullLoggerFactory.Instance;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Gets the settings (internal: they hold the token).</summary>
    internal HuggingFaceIngestionOptions Options => _options;

    /// <summary>
    /// Checks a job's parameters without starting it: the parameters themselves, the Hub (or directory) and dataset,
    /// the token, the task set and its puzzle count, the model folder, one sample file, and the repository. Never throws
    /// for what it finds; every problem is in <see cref="IngestionPreflightResult.Errors"/>.
    /// </summary>
    /// <param name="parameters">The parameters a job would be started with.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>What was found.</returns>
    public async Task<IngestionPreflightResult> ValidateAsync(HuggingFaceIngestionParameters parameters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var errors = new List<string>();
        var warnings = new List<string>();
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(parameters, new ValidationContext(parameters), results, validateAllProperties: true);
        errors.AddRange(results.Select(static r => r.ErrorMessage ?? "Invalid value."));

        ArcTaskSet? tasks = null;
        var detected = false;
        try
        {
            tasks = ResolveTaskSet(parameters, out detected);
        }
        catch (InvalidOperationException ex)
        {
            errors.Add(ex.Message);
        }

        bool databaseReachable;
        try
        {
            await _repository.CountByModelNameAsync(cancellationToken).ConfigureAwait(false);
            databaseReachable = true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            databaseReachable = false;
            errors.Add("The repository did not answer: " + ex.Message);
        }

        if (results.Count > 0)
        {
            return new IngestionPreflightResult
            {
                Errors = errors,
                Warnings = warnings,
                Source = tasks?.Name,
                SourceDetected = detected,
                DatabaseReachable = databaseReachable,
                PuzzleCount = PuzzleCount(parameters, tasks),
            };
        }

        string? location = null, commit = null, format = null, sample = null;
        bool hubReachable = false, datasetReachable = false, tokenPresent = false;
        int fileCount = 0;
        int? sampleAttempts = null;
        try
        {
            var source = CreateSource(parameters, out var client);
            await using (source.ConfigureAwait(false))
            {
                location = source.Location;
                tokenPresent = client?.HasToken ?? false;
                if (client is not null)
                {
                    var info = await client.GetDatasetInfoAsync(parameters.Dataset, parameters.Revision, cancellationToken).ConfigureAwait(false);
                    commit = info.Sha;
                    if (!tokenPresent)
                    {
                        warnings.Add("No Hub token is configured (HF_TOKEN): public datasets work, but anonymous requests are rate-limited harder.");
                    }
                }

                hubReachable = true;
                var listing = await source.ListFolderAsync(parameters.ModelFolder, cancellationToken).ConfigureAwait(false);
                datasetReachable = true;
                if (listing is null)
                {
                    var folders = await source.ListModelFoldersAsync(cancellationToken).ConfigureAwait(false);
                    errors.Add($"The dataset has no model folder '{parameters.ModelFolder}'" + (folders.Count == 0 ? "." : $"; it has: {string.Join(", ", folders.Take(10))}{(folders.Count > 10 ? ", …" : "")}."));
                }
                else
                {
                    fileCount = listing.Count;
                    var kind = IngestionPipeline.DetectFormat(listing);
                    format = JsonFormatName(kind);
                    (sample, sampleAttempts) = await ReadSampleAsync(source, parameters.ModelFolder, listing, kind, tasks, errors, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (HubAuthenticationException ex)
        {
            hubReachable = true;
            errors.Add(ex.Message);
        }
        catch (HubNotFoundException ex)
        {
            hubReachable = true;
            errors.Add(ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            errors.Add(ex.Message);
        }

        return new IngestionPreflightResult
        {
            Location = location,
            HubReachable = hubReachable,
            TokenPresent = tokenPresent,
            DatasetReachable = datasetReachable,
            Commit = commit,
            DatabaseReachable = databaseReachable,
            Source = tasks?.Name,
            SourceDetected = detected,
            PuzzleCount = PuzzleCount(parameters, tasks),
            FileCount = fileCount,
            Format = format,
            SampleFile = sample,
            SampleAttempts = sampleAttempts,
            Errors = errors,
            Warnings = warnings,
        };
    }

    /// <summary>
    /// Lists the model folders of a dataset (from <see cref="HuggingFaceIngestionParameters.HubUrl"/> or
    /// <see cref="HuggingFaceIngestionParameters.LocalPath"/>, <see cref="HuggingFaceIngestionParameters.Dataset"/> and
    /// <see cref="HuggingFaceIngestionParameters.Revision"/>; the model folder is not needed), each with the number of
    /// its attempts already in the repository.
    /// </summary>
    /// <param name="parameters">Where the dataset is.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The folders, sorted by name.</returns>
    /// <exception cref="InvalidOperationException">The hub URL or local path is not allowed.</exception>
    /// <exception cref="HuggingFaceHubException">The Hub refused or failed.</exception>
    public async Task<IReadOnlyList<ModelFolderInfo>> ListModelFoldersAsync(HuggingFaceIngestionParameters parameters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        IReadOnlyList<string> folders;
        var source = CreateSource(parameters, out _);
        await using (source.ConfigureAwait(false))
        {
            folders = await source.ListModelFoldersAsync(cancellationToken).ConfigureAwait(false);
        }

        var counts = await _repository.CountByModelNameAsync(cancellationToken).ConfigureAwait(false);
        var byFolder = new Dictionary<string, SortedDictionary<int, long>>(StringComparer.Ordinal);
        foreach (var (name, count) in counts)
        {
            var match = ModelNamePattern().Match(name);
            if (!match.Success || !int.TryParse(match.Groups["n"].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                continue;
            }

            var folder = match.Groups["folder"].Value;
            if (!byFolder.TryGetValue(folder, out var attempts))
            {
                byFolder[folder] = attempts = [];
            }

            attempts[number] = attempts.GetValueOrDefault(number) + count;
        }

        return folders
            .Select(f => byFolder.TryGetValue(f, out var attempts)
                ? new ModelFolderInfo(f, attempts.Values.Sum(), attempts)
                : new ModelFolderInfo(f, 0, new SortedDictionary<int, long>()))
            .ToArray();
    }

    /// <summary>Finds the task set of a job: the one it names, or the one its dataset's name says.</summary>
    internal ArcTaskSet ResolveTaskSet(HuggingFaceIngestionParameters parameters, out bool detected)
    {
        detected = false;
        if (_options.Tasks.Sets.Count == 0)
        {
            throw new InvalidOperationException("No ARC task sets are configured: add them with options.Tasks.AddArcAgi1(…), AddArcAgi2(…) or Add(name, directory).");
        }

        var name = parameters.Source;
        if (string.IsNullOrWhiteSpace(name))
        {
            name = ArcTaskLibrary.DetectSource(parameters.Dataset ?? "");
            detected = name is not null;
            if (name is null)
            {
                throw new InvalidOperationException(
                    $"The task set cannot be told from the dataset name '{parameters.Dataset}'; set source to one of: {string.Join(", ", _options.Tasks.Sets.Select(static s => s.Name))}.");
            }
        }

        return _options.Tasks.TryGetSet(name, out var set)
            ? set
            : throw new InvalidOperationException(
                $"The task set '{name}'{(detected ? " (detected from the dataset name)" : "")} is not configured; the library has: {string.Join(", ", _options.Tasks.Sets.Select(static s => s.Name))}.");
    }

    /// <summary>Opens the source a job reads from, after checking that its hub URL or local path is allowed.</summary>
    internal ISubmissionSource CreateSource(HuggingFaceIngestionParameters parameters, out HuggingFaceHubClient? client)
    {
        if (parameters.LocalPath is { } localPath)
        {
            client = null;
            return new LocalSubmissionSource(ResolveLocalPath(localPath));
        }

        var endpoint = ResolveHubUrl(parameters.HubUrl);
        var hubOptions = _options.Hub.Clone();
        hubOptions.Endpoint = endpoint;
        client = new HuggingFaceHubClient(
            _httpClients.CreateClient(HttpClientName),
            hubOptions,
            _loggers.CreateLogger<HuggingFaceHubClient>(),
            _time);
        return new HubSubmissionSource(client, endpoint, parameters.Dataset, parameters.Revision);
    }

    internal IngestionPipeline CreatePipeline(HuggingFaceIngestionParameters parameters, ISubmissionSource source, ArcTaskSet tasks, ILogger logger)
        => new(parameters, source, tasks, _repository, _time, logger, _options.CheckpointInterval);

    private static int PuzzleCount(HuggingFaceIngestionParameters parameters, ArcTaskSet? tasks)
        => tasks is null ? 0 : parameters.Limit is { } limit ? Math.Min(limit, tasks.Count) : tasks.Count;

    private static string JsonFormatName(SubmissionFormat format) => format switch
    {
        SubmissionFormat.Parquet => "parquet",
        SubmissionFormat.JsonLines => "jsonLines",
        _ => "taskFiles",
    };

    private static async Task<(string? File, int? Attempts)> ReadSampleAsync(
        ISubmissionSource source,
        string folder,
        IReadOnlyList<SourceEntry> listing,
        SubmissionFormat format,
        ArcTaskSet? tasks,
        List<string> errors,
        CancellationToken cancellationToken)
    {
        SourceEntry? entry = format switch
        {
            SubmissionFormat.Parquet or SubmissionFormat.JsonLines => listing.FirstOrDefault(f => IngestionPipeline.IsRowFile(f, format)),
            _ => listing.FirstOrDefault(f => f.Name.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
                && (tasks?.Contains(Path.GetFileNameWithoutExtension(f.Name)) ?? !string.Equals(f.Name, "results.json", StringComparison.OrdinalIgnoreCase))),
        };
        if (entry is null)
        {
            errors.Add($"The model folder '{folder}' has no submission files{(tasks is null ? "" : $" of puzzles of {tasks.Name}")}.");
            return (null, null);
        }

        try
        {
            var stream = await source.OpenAsync(folder, entry.Name, entry.ETag, cancellationToken).ConfigureAwait(false)
                ?? throw new FileNotFoundException($"{entry.Name} was listed but is gone.");
            await using (stream.ConfigureAwait(false))
            {
                TaskSubmission? submission = null;
                if (format == SubmissionFormat.TaskFiles)
                {
                    submission = await SubmissionJson.ReadTaskFileAsync(stream, Path.GetFileNameWithoutExtension(entry.Name), cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    // Only the first task is read (for Parquet: the footer and the first row group, from a spooled copy
                    // of a download, never one held in memory).
                    await foreach (var first in IngestionPipeline.ReadRowsAsync(format, stream, cancellationToken).ConfigureAwait(false))
                    {
                        submission = first;
                        break;
                    }
                }

                return (entry.Name, submission?.Attempts.Count ?? 0);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            errors.Add($"The sample file {entry.Name} does not read: {ex.Message}");
            return (entry.Name, null);
        }
    }

    private string ResolveLocalPath(string localPath)
    {
        if (_options.LocalDatasetRoots.Count == 0)
        {
            throw new InvalidOperationException("Local datasets are not enabled on this host: add a directory to HuggingFaceIngestionOptions.LocalDatasetRoots.");
        }

        var roots = _options.LocalDatasetRoots.Select(static r => Path.TrimEndingDirectorySeparator(Path.GetFullPath(r))).ToArray();
        var full = Path.TrimEndingDirectorySeparator(Path.IsPathRooted(localPath) ? Path.GetFullPath(localPath) : Path.GetFullPath(Path.Combine(roots[0], localPath)));
        foreach (var root in roots)
        {
            if (string.Equals(full, root, StringComparison.Ordinal) || full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            {
                if (!Directory.Exists(full))
                {
                    throw new InvalidOperationException($"The local dataset directory '{full}' does not exist.");
                }

                return full;
            }
        }

        throw new InvalidOperationException($"The local path '{localPath}' is not under a directory this host allows (HuggingFaceIngestionOptions.LocalDatasetRoots).");
    }

    private Uri ResolveHubUrl(string? hubUrl)
    {
        var configured = _options.Hub.Endpoint;
        if (hubUrl is null)
        {
            return configured;
        }

        var requested = new Uri(hubUrl, UriKind.Absolute);
        if (SameHub(requested, configured) || _options.AllowedHubUrls.Any(a => Uri.TryCreate(a, UriKind.Absolute, out var allowed) && SameHub(requested, allowed)))
        {
            return requested;
        }

        throw new InvalidOperationException($"The hub URL '{requested.GetLeftPart(UriPartial.Authority)}' is not allowed on this host (the Hub token would be sent to it); add it to HuggingFaceIngestionOptions.AllowedHubUrls.");
    }

    private static bool SameHub(Uri a, Uri b)
        => Uri.Compare(a, b, UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0
           || (Uri.Compare(a, b, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0 && a.AbsolutePath.TrimEnd('/') == b.AbsolutePath.TrimEnd('/'));

    [GeneratedRegex(@"^(?<folder>.+)-attempt(?<n>[0-9]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex ModelNamePattern();
}
