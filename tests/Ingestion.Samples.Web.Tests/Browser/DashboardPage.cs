using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Ingestion.Samples.Web.Tests.Browser;

/// <summary>The dashboard in a browser page, as a user works it: by its labels, buttons and the test ids on them.</summary>
public sealed partial class DashboardPage(IPage page, WebSampleProcess host)
{
    /// <summary>UntilTheJobEnds enough for a job of the generated dataset on a busy two-core machine.</summary>
    public static readonly LocatorAssertionsToHaveAttributeOptions UntilTheJobEnds = new() { Timeout = 90_000 };

    public IPage Page { get; } = page;

    public ILocator Dialog => Page.GetByTestId("progress-dialog");

    public ILocator State => Dialog.GetByTestId("job-state");

    public static async Task<DashboardPage> OpenAsync(IBrowser browser, WebSampleProcess host, string transport = "signalr")
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        context.SetDefaultTimeout(30_000);
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(host.BaseAddress, "?transport=" + transport).ToString());
        return new DashboardPage(page, host);
    }

    public async Task SignInAsync(string apiKey = WebSampleProcess.ApiKey)
    {
        await Page.GetByTestId("api-key").FillAsync(apiKey);
        await Page.GetByTestId("sign-in").ClickAsync();
        await Expect(Page.GetByTestId("connection-status")).ToHaveAttributeAsync("data-status", "connected");
    }

    /// <summary>Selects the folders, sets the options, validates, checks the pre-flight and starts; the first job's dialog opens.</summary>
    public async Task<IReadOnlyList<string>> StartAsync(string[] folders, int delayMs, int concurrency = 1)
    {
        foreach (var folder in folders)
        {
            await Page.Locator($"[data-testid=folder][data-folder='{folder}'] button[role=checkbox]").ClickAsync();
        }

        await Page.GetByLabel("Delay per puzzle (ms)").FillAsync(delayMs.ToString(CultureInfo.InvariantCulture));
        await Page.GetByLabel("Downloads at once").FillAsync(concurrency.ToString(CultureInfo.InvariantCulture));
        await Page.GetByTestId("validate").ClickAsync();
        var validation = Page.GetByTestId("validation-dialog");
        await Expect(validation).ToHaveAttributeAsync("data-valid", "true");
        await Expect(validation.GetByTestId("validation-result")).ToHaveCountAsync(folders.Length);
        foreach (var puzzles in await validation.GetByTestId("validation-puzzles").AllTextContentsAsync())
        {
            puzzles.Should().Be(WebSampleProcess.Puzzles.ToString(CultureInfo.InvariantCulture));
        }

        await validation.GetByTestId("start").ClickAsync();
        await Expect(validation).ToHaveCountAsync(0);
        await Expect(Dialog).ToBeVisibleAsync();
        var ids = new List<string>();
        foreach (var item in await Page.GetByTestId("job-item").AllAsync())
        {
            ids.Add((await item.GetAttributeAsync("data-job-id"))!);
        }

        return ids;
    }

    public Task ExpectStateAsync(string state, LocatorAssertionsToHaveAttributeOptions? options = null) =>
        Expect(State).ToHaveAttributeAsync("data-state", state, options);

    /// <summary>Reads a number from the dialog's stats grid (<c>succeeded</c>, <c>failed</c>, <c>skipped</c>).</summary>
    public async Task<int> StatAsync(string name) => ParseNumber(await Dialog.GetByTestId("stat-" + name).TextContentAsync());

    public async Task<int> ProcessedAsync() => ParseNumber(Processed().Match((await Dialog.GetByTestId("progress-processed").TextContentAsync())!).Groups[1].Value);

    public async Task WaitUntilProcessedAsync(int atLeast)
    {
        await Wait.UntilAsync(async () => await ProcessedAsync() >= atLeast, $"the dialog shows {atLeast} puzzles processed", TimeSpan.FromSeconds(60));
    }

    public async Task<double> SummaryValueAsync(string name) =>
        double.Parse((await Dialog.GetByTestId("summary-" + name).GetAttributeAsync("data-value"))!, CultureInfo.InvariantCulture);

    /// <summary>A screenshot as a test artifact, and into docs/images when <c>INGESTION_UPDATE_SCREENSHOTS=1</c>.</summary>
    public async Task ScreenshotAsync(string name)
    {
        var bytes = await Page.ScreenshotAsync();
        await File.WriteAllBytesAsync(Path.Combine(BrowserFixture.ArtifactsDirectory, name), bytes);
        if (Environment.GetEnvironmentVariable("INGESTION_UPDATE_SCREENSHOTS") == "1")
        {
            await File.WriteAllBytesAsync(Path.Combine(Repository.Root, "docs", "images", name), bytes);
        }
    }

    public Task CloseAsync() => Page.Context.CloseAsync();

    public WebSampleProcess Host => host;

    private static int ParseNumber(string? text) => int.Parse(text!.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^([0-9,]+) /")]
    private static partial Regex Processed();
}
