namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Returned by <c>services.AddIngestion()</c>; sinks, job kinds and stores chain on it.</summary>
public interface IIngestionBuilder
{
    /// <summary>Gets the service collection the ingestion services are registered in.</summary>
    IServiceCollection Services { get; }
}
