using Microsoft.Extensions.Logging;

namespace Ingestion.TestUtilities;

/// <summary>A logger provider that keeps every line, so a test can wait for the one that says something happened.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ILoggerFactory
{
    private readonly Lock _lock = new();
    private readonly List<(string Category, LogLevel Level, EventId EventId, string Message)> _entries = [];

    public IReadOnlyList<(string Category, LogLevel Level, EventId EventId, string Message)> Entries
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public Task WaitForAsync(Func<(string Category, LogLevel Level, EventId EventId, string Message), bool> match, string because)
        => Wait.UntilAsync(() => Entries.Any(match), because);

    public void Dispose()
    {
    }

    private void Add(string category, LogLevel level, EventId eventId, string message)
    {
        lock (_lock)
        {
            _entries.Add((category, level, eventId, message));
        }
    }

    private sealed class CapturingLogger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => provider.Add(category, logLevel, eventId, formatter(state, exception));
    }
}
