namespace Ingestion.Sinks.Console;

/// <summary>How the console sink draws jobs.</summary>
public enum ConsoleSinkMode
{
    /// <summary>
    /// <see cref="Live"/> when the console is an interactive terminal that understands ANSI sequences, <see cref="Plain"/>
    /// otherwise (output redirected to a file or a pipe, CI).
    /// </summary>
    Auto,

    /// <summary>A table of jobs redrawn in place, with log lines and summaries printed above it.</summary>
    Live,

    /// <summary>Timestamped lines only, at a bounded rate: for logs, pipes and CI.</summary>
    Plain,
}
