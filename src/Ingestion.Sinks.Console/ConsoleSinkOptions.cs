using Microsoft.Extensions.Logging;
using Spectre.Console;

namespace Ingestion.Sinks.Console;

/// <summary>Options of the console sink (<c>AddConsoleSink(o => …)</c>).</summary>
public sealed class ConsoleSinkOptions
{
    /// <summary>Gets or sets how jobs are drawn. Default: <see cref="ConsoleSinkMode.Auto"/>.</summary>
    public ConsoleSinkMode Mode { get; set; } = ConsoleSinkMode.Auto;

    /// <summary>Gets or sets how often the live table is redrawn. Default: 200 ms. Between 10 ms and 10 s.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Gets or sets the least time between two plain progress lines of one job. Default: 2 s. Zero prints every progress
    /// event the sink receives (at most one per <c>IngestionOptions.ProgressInterval</c>).
    /// </summary>
    public TimeSpan PlainProgressInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets the least level of the job log lines that are printed. Default: <see cref="LogLevel.Information"/>.</summary>
    public LogLevel MinimumLogLevel { get; set; } = LogLevel.Information;

    /// <summary>
    /// Gets or sets the console to draw on. Default: <see langword="null"/>, <c>AnsiConsole.Console</c> (standard output).
    /// In <see cref="ConsoleSinkMode.Auto"/> mode its capabilities decide between live and plain.
    /// </summary>
    public IAnsiConsole? Console { get; set; }

    /// <summary>
    /// Gets or sets where plain lines go. Default: <see langword="null"/>: the writer of <see cref="Console"/> if it is set,
    /// else standard output. Setting only this makes <see cref="ConsoleSinkMode.Auto"/> choose plain lines.
    /// </summary>
    public TextWriter? Output { get; set; }

    /// <summary>Every problem with these options, one sentence each; empty when they are valid.</summary>
    internal List<string> Validate()
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(Mode))
        {
            errors.Add($"Mode must be Auto, Live or Plain (was {(int)Mode}).");
        }

        if (RefreshInterval < TimeSpan.FromMilliseconds(10) || RefreshInterval > TimeSpan.FromSeconds(10))
        {
            errors.Add($"RefreshInterval must be between 10 ms and 10 s (was {RefreshInterval}).");
        }

        if (PlainProgressInterval < TimeSpan.Zero)
        {
            errors.Add($"PlainProgressInterval must not be negative (was {PlainProgressInterval}).");
        }

        if (!Enum.IsDefined(MinimumLogLevel))
        {
            errors.Add($"MinimumLogLevel must be a LogLevel (was {(int)MinimumLogLevel}).");
        }

        return errors;
    }
}
