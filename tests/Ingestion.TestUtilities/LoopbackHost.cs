using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ingestion.TestUtilities;

/// <summary>A real Kestrel server on 127.0.0.1 and a free port, for tests that talk HTTP and WebSockets to it.</summary>
public sealed class LoopbackHost : IAsyncDisposable
{
    private LoopbackHost(WebApplication app, Uri baseAddress)
    {
        App = app;
        BaseAddress = baseAddress;
        Client = new HttpClient { BaseAddress = baseAddress, Timeout = Wait.Timeout };
    }

    public WebApplication App { get; }

    public IServiceProvider Services => App.Services;

    /// <summary>The server's address, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>A client for the server, disposed with the host.</summary>
    public HttpClient Client { get; }

    /// <summary>Starts a host: <paramref name="services"/> registers, <paramref name="pipeline"/> maps.</summary>
    public static async Task<LoopbackHost> StartAsync(Action<WebApplicationBuilder> services, Action<WebApplication> pipeline)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        services(builder);
        var app = builder.Build();
        pipeline(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new LoopbackHost(app, new Uri(address.EndsWith('/') ? address : address + "/"));
    }

    /// <summary>The ws:// address of a path on this server.</summary>
    public Uri WebSocketUri(string pathAndQuery) => new(new Uri(BaseAddress.ToString().Replace("http://", "ws://", StringComparison.Ordinal)), pathAndQuery.TrimStart('/'));

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
