namespace Ingestion.TestUtilities;

/// <summary>Who may read a fake repository.</summary>
public enum FakeRepoAccess
{
    /// <summary>Anyone, with or without a token.</summary>
    Public,

    /// <summary>Only tokens granted to it: 401 without a token, 404 with another (as if it did not exist).</summary>
    Private,

    /// <summary>Listing and info are open; downloads need a granted token: 401 without a token, 403 with another.</summary>
    Gated,
}
