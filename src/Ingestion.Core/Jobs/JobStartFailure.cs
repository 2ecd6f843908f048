using System.Text.Json.Serialization;

namespace Ingestion.Core;

/// <summary>Why a job could not be started (<see cref="JobStartException.Failure"/>).</summary>
[JsonConverter(typeof(CamelCaseEnumConverter<JobStartFailure>))]
public enum JobStartFailure
{
    /// <summary>The parameters did not bind or did not validate; <see cref="JobStartException.Errors"/> lists every problem.</summary>
    InvalidParameters = 0,

    /// <summary>No job kind of that name is registered.</summary>
    UnknownKind = 1,
}
