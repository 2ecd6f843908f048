namespace Ingestion.HuggingFace;

/// <summary>How <see cref="SubmissionParquet"/> writes a Parquet file.</summary>
public sealed class SubmissionParquetWriteOptions
{
    private int _rowGroupSize = 10_000;

    /// <summary>
    /// Gets or sets the number of rows (attempts) per row group; default 10,000. A reader holds one row group in memory
    /// at a time, so this bounds the memory of a read (about 1 KB per row for grids of 10 × 10 and short prompts, more
    /// with long prompts); smaller groups cost a little more space and time.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public int RowGroupSize
    {
        get => _rowGroupSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            _rowGroupSize = value;
        }
    }
}
