namespace Ingestion.HuggingFace.Tests.Hub;

public sealed class HuggingFaceHubOptionsTests
{
    [Fact]
    public void TheDefaults_AreValid_AndAsDocumented()
    {
        var options = new HuggingFaceHubOptions();

        options.Validate().Should().BeEmpty();
        options.Endpoint.Should().Be(new Uri("https://huggingface.co"));
        options.MaxRetries.Should().Be(5);
        options.InitialRetryDelay.Should().Be(TimeSpan.FromSeconds(1));
        options.MaxRetryDelay.Should().Be(TimeSpan.FromSeconds(8));
        options.RequestTimeout.Should().Be(TimeSpan.FromSeconds(30));
        options.ReadTimeout.Should().Be(TimeSpan.FromSeconds(30));
        options.CacheDirectory.Should().BeNull();
    }

    [Fact]
    public void Validate_ListsEveryProblem_WithoutTheToken()
    {
        var options = new HuggingFaceHubOptions
        {
            Endpoint = new Uri("ftp://example.org"),
            Token = "hf_secret with space",
            MaxRetries = -1,
            InitialRetryDelay = TimeSpan.FromSeconds(10),
            MaxRetryDelay = TimeSpan.FromSeconds(1),
            RequestTimeout = TimeSpan.Zero,
            ReadTimeout = TimeSpan.FromSeconds(-2),
            CacheDirectory = " ",
        };

        var problems = options.Validate();

        problems.Should().HaveCount(7);
        problems.Should().NotContain(p => p.Contains("hf_secret", StringComparison.Ordinal));
        var act = () => new HuggingFaceHubClient(new HttpClient(), options);
        act.Should().Throw<ArgumentException>().Which.Message.Should().Contain(nameof(HuggingFaceHubOptions.MaxRetries)).And.Contain(nameof(HuggingFaceHubOptions.CacheDirectory));
    }

    [Fact]
    public void AnEmptyToken_MeansNoToken_WhateverTheEnvironmentSays()
    {
        using var client = new HuggingFaceHubClient(new HuggingFaceHubOptions { Token = string.Empty });

        client.HasToken.Should().BeFalse();
    }

    [Fact]
    public void InfiniteTimeouts_AreValid()
    {
        var options = new HuggingFaceHubOptions { RequestTimeout = Timeout.InfiniteTimeSpan, ReadTimeout = Timeout.InfiniteTimeSpan };

        options.Validate().Should().BeEmpty();
    }
}
