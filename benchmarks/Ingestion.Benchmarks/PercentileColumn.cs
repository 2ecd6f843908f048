using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Perfolizer.Horology;

namespace Ingestion.Benchmarks;

/// <summary>
/// A percentile of the measurements that BenchmarkDotNet has no built-in column for (it has P0..P95 and P100), e.g.
/// P99, read from <c>summary[benchmarkCase].ResultStatistics.Percentiles.Percentile(p)</c>.
/// </summary>
public sealed class PercentileColumn : IColumn
{
    private readonly int _percentile;

    public PercentileColumn(int percentile)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(percentile);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100);
        _percentile = percentile;
        ColumnName = "P" + percentile.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public string Id => nameof(PercentileColumn) + "." + ColumnName;

    public string ColumnName { get; }

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Statistics;

    // After the built-in percentile columns (P95 is in the same category with this priority).
    public int PriorityInCategory => 2;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Time;

    public string Legend => $"Percentile {_percentile}";

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var statistics = summary[benchmarkCase]?.ResultStatistics;
        if (statistics is null)
        {
            return "NA";
        }

        var nanoseconds = statistics.Percentiles.Percentile(_percentile);
        var unit = style.TimeUnit ?? TimeUnit.GetBestTimeUnit(
            summary.Reports.Where(r => r.ResultStatistics is not null).Select(r => r.ResultStatistics!.Mean).ToArray());
        var value = TimeUnit.Convert(nanoseconds, TimeUnit.Nanosecond, unit).ToString("N2", style.CultureInfo);
        return style.PrintUnitsInContent ? value + " " + unit.Abbreviation : value;
    }

    public override string ToString() => ColumnName;
}
