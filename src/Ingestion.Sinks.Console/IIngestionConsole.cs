namespace Ingestion.Sinks.Console;

/// <summary>
/// The console sink's display, resolved from the services, for a host that steers jobs from the keyboard: which job
/// is selected, a footer line (the keys), lines of its own, and stopping the display before the process exits.
/// </summary>
public interface IIngestionConsole
{
    /// <summary>Gets or sets the job the live table marks as selected, or <see langword="null"/> for none (the default).</summary>
    string? SelectedJobId { get; set; }

    /// <summary>Gets or sets a line shown under the live table (e.g. the keys), or <see langword="null"/> for none. Plain mode ignores it.</summary>
    string? Footer { get; set; }

    /// <summary>Prints a line of the host's above the live table, or as a timestamped plain line.</summary>
    /// <param name="message">The line, printed as it is (no markup).</param>
    void WriteLine(string message);

    /// <summary>
    /// Stops the live display after printing everything it holds (log lines, the summaries of jobs that ended) and
    /// leaves the table as it was last drawn. Events that arrive later are printed as plain output. Call it after the
    /// job manager has stopped, before the process exits. Safe to call more than once.
    /// </summary>
    /// <returns>A task that completes when the display has stopped.</returns>
    Task StopAsync();
}
