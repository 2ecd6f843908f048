// TEMPORARY: stands in for the Parquet/JSONL readers another branch brings; deleted at the merge.
#pragma warning disable
namespace Ingestion.HuggingFace;
internal static class SubmissionParquet { public static IAsyncEnumerable<TaskSubmission> ReadAsync(Stream s, CancellationToken ct = default) => throw new NotImplementedException(); }
internal static class SubmissionJsonLines { public static IAsyncEnumerable<TaskSubmission> ReadAsync(Stream s, CancellationToken ct = default) => throw new NotImplementedException(); }
