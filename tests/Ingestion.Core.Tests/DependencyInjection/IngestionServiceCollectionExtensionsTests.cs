using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Ingestion.Core.Tests.DependencyInjection;

public class IngestionServiceCollectionExtensionsTests
{
    [Fact]
    public void AddIngestion_TwiceRegistersOneManager_AndOneHostedService()
    {
        var services = new ServiceCollection();

        services.AddIngestion();
        services.AddIngestion(o => o.MaxConcurrentJobs = 7);

        services.Count(d => d.ServiceType == typeof(JobManager)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(IJobManager)).Should().Be(1);
        services.Count(d => d.ServiceType == typeof(IHostedService)).Should().Be(1);
        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IOptions<IngestionOptions>>().Value.MaxConcurrentJobs.Should().Be(7);
        provider.GetRequiredService<IJobManager>().Should().BeSameAs(provider.GetRequiredService<JobManager>());
    }

    [Fact]
    public async Task Host_WithInvalidOptions_FailsAtStart_ListingEveryProblem()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddIngestion(o =>
        {
            o.MaxConcurrentJobs = 0;
            o.QueueCapacity = 0;
        });
        using var host = builder.Build();

        var start = () => host.StartAsync();

        var error = (await start.Should().ThrowAsync<OptionsValidationException>()).Which;
        error.Failures.Should().HaveCount(2);
    }

    [Fact]
    public async Task Host_RunsRegisteredJobsAndSinks_FromDI_AndInterruptsLiveJobsWhenItStops()
    {
        var sink = new CollectingSink();
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSingleton<Counter>();
        builder.Services.AddIngestion(o => o.ShutdownGracePeriod = TimeSpan.FromSeconds(5))
            .AddJob<CountingJob, CountingJob.Parameters>("counting")
            .AddSink(sink);
        using var host = builder.Build();
        await host.StartAsync();
        var manager = host.Services.GetRequiredService<IJobManager>();

        var quick = await manager.StartAsync("counting", new CountingJob.Parameters { Items = 3 });
        (await manager.WaitForCompletionAsync(quick.Id).OrTimeout()).Progress.Succeeded.Should().Be(3);
        var endless = await manager.StartAsync("counting", new CountingJob.Parameters { Items = int.MaxValue });
        await sink.WaitForStateAsync(endless.Id, JobState.Running);

        await host.StopAsync();

        (await manager.GetAsync(endless.Id))!.State.Should().Be(JobState.Interrupted);
        host.Services.GetRequiredService<Counter>().Scopes.Should().Be(2, "each run gets its own scope");
    }

    [Fact]
    public void UseStore_ReplacesTheInMemoryStore()
    {
        var services = new ServiceCollection();
        var store = new InMemoryJobStore();

        services.AddIngestion().UseStore(_ => store);

        using var provider = services.BuildServiceProvider();
        provider.GetRequiredService<IJobStore>().Should().BeSameAs(store);
    }

    [Fact]
    public void AddSink_OfTheSameTypeTwice_AddsItOnce()
    {
        var services = new ServiceCollection();

        services.AddIngestion().AddSink<CollectingSink>().AddSink<CollectingSink>();

        services.Count(d => d.ServiceType == typeof(IProgressSink)).Should().Be(1);
    }

    internal sealed class Counter
    {
        private int _scopes;

        public int Scopes => Volatile.Read(ref _scopes);

        public void Scope() => Interlocked.Increment(ref _scopes);
    }

    internal sealed class CountingJob : IJob, IDisposable
    {
        public CountingJob(Counter counter) => counter.Scope();

        public async Task ExecuteAsync(JobContext context, CancellationToken cancellationToken)
        {
            var parameters = context.GetParameters<Parameters>();
            for (var i = 0; i < parameters.Items; i++)
            {
                await context.WaitIfPausedAsync();
                context.Progress.IncrementSucceeded();
                await Task.Delay(1, cancellationToken);
            }
        }

        public void Dispose()
        {
        }

        internal sealed class Parameters
        {
            public int Items { get; set; }
        }
    }
}
