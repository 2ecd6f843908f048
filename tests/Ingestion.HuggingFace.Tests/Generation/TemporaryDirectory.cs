namespace Ingestion.HuggingFace.Tests.Generation;

/// <summary>A fresh folder under the system temp folder, deleted with everything in it on dispose.</summary>
internal sealed class TemporaryDirectory : IDisposable
{
    public TemporaryDirectory() => FullName = Directory.CreateTempSubdirectory("ingestion-gen-").FullName;

    public string FullName { get; }

    public string Combine(params string[] parts) => Path.Combine([FullName, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(FullName, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a failed test must not hide the failure itself.
        }
    }
}
