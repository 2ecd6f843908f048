using Microsoft.Extensions.Logging;

namespace Ingestion.Core;

/// <summary>The logger a job body writes to: each line goes to the host's logging and, at or above the event level, to the job's events.</summary>
internal sealed class JobLogger : ILogger
{
    private readonly JobRun _run;
    private readonly ILogger _inner;
    private readonly LogLevel _eventLevel;
    private readonly KeyValuePair<string, object?>[] _scope;

    public JobLogger(JobRun run, ILogger inner, LogLevel eventLevel)
    {
        _run = run;
        _inner = inner;
        _eventLevel = eventLevel;
        _scope = [new("JobId", run.Id), new("JobKind", run.Kind)];
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull
        => _inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && (logLevel >= _eventLevel || _inner.IsEnabled(logLevel));

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        ArgumentNullException.ThrowIfNull(formatter);
        if (logLevel == LogLevel.None)
        {
            return;
        }

        if (_inner.IsEnabled(logLevel))
        {
            using (_inner.BeginScope(_scope))
            {
                _inner.Log(logLevel, eventId, state, exception, formatter);
            }
        }

        if (logLevel >= _eventLevel)
        {
            _run.PublishLog(logLevel, formatter(state, exception), exception);
        }
    }
}
