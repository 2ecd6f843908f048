namespace Ingestion.HuggingFace.Tests;
