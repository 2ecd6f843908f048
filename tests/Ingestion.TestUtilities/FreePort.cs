using System.Net;
using System.Net.Sockets;

namespace Ingestion.TestUtilities;

/// <summary>Picks a loopback port for a server a test starts (free when asked; another process could take it before the server does).</summary>
public static class FreePort
{
    public static int OnLoopback()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
