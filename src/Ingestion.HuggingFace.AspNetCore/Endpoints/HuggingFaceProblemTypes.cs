namespace Ingestion.HuggingFace.AspNetCore;

/// <summary>The <c>type</c> URIs of the problems the HuggingFace endpoints answer with, besides those of <c>IngestionProblemTypes</c>; each is an anchor in docs/protocol.md.</summary>
public static class HuggingFaceProblemTypes
{
    /// <summary>404: the dataset (or its revision) does not exist, or the token cannot see it.</summary>
    public const string DatasetNotFound = "https://github.com/ingestion-core/ingestion-core/blob/main/docs/protocol.md#dataset-not-found";

    /// <summary>502: the Hub refused the request (a missing or wrong token) or kept failing after the retries.</summary>
    public const string HubError = "https://github.com/ingestion-core/ingestion-core/blob/main/docs/protocol.md#hub-error";
}
