using System.ComponentModel.DataAnnotations;
using Ingestion.Core;
using Microsoft.Extensions.Logging;

namespace Ingestion.TestUtilities;

/// <summary>A job kind for transport tests: counts <see cref="CountingParameters.Items"/> items, one every <see cref="CountingParameters.DelayMs"/>.</summary>
public sealed class CountingJob : IJob
{
    public const string Kind = "counting";

    public async Task ExecuteAsync(JobContext context, CancellationToken cancellationToken)
    {
        var parameters = context.GetParameters<CountingParameters>();
        context.Progress.SetTotal(parameters.Items);
        for (var i = 1; i <= parameters.Items; i++)
        {
            await context.WaitIfPausedAsync();
            context.Progress.SetCurrentItem($"item-{i}");
            if (parameters.DelayMs > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(parameters.DelayMs), context.TimeProvider, cancellationToken);
            }

            context.Progress.IncrementSucceeded();
            if (parameters.LogEvery > 0 && i % parameters.LogEvery == 0)
            {
                context.Logger.LogInformation("item {Item} done", i);
            }
        }
    }
}

/// <summary>The parameters of <see cref="CountingJob"/>.</summary>
public sealed class CountingParameters
{
    [Range(1, 10_000_000)]
    public int Items { get; set; } = 10;

    [Range(0, 60_000)]
    public int DelayMs { get; set; }

    [Range(0, int.MaxValue)]
    public int LogEvery { get; set; }

    [Required(AllowEmptyStrings = false)]
    public string Dataset { get; set; } = "test";
}
