using System.Globalization;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Ingestion.Samples.Web.Tests.Browser;

/// <summary>
/// The dashboard in headless Chromium against the web sample run as a process (its own host, data and SQLite store per
/// test): what a user sees and does, checked against the generator's exact expectations.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class DashboardTests(BrowserFixture browser)
{
    private const string Medium = "synthetic-medium";
    private const string Small = "synthetic-small-baseline";
    private const string Large = "synthetic-large-thinking-high";

    [Fact]
    public Task ValidateStartPauseResume_ShowsLiveCounters_TheSummary_AndTheHistoryGainsTheRun() => WithHostAsync(async host =>
    {
        var expected = await GeneratedExpectations.ForAsync(Medium);
        var dashboard = await DashboardPage.OpenAsync(browser.Browser, host);
        await dashboard.SignInAsync();
        await dashboard.Page.GetByTestId("tab-history").ClickAsync();
        await Expect(dashboard.Page.GetByTestId("history-row")).ToHaveCountAsync(0);
        await dashboard.Page.GetByTestId("tab-ingest").ClickAsync();

        var history = dashboard.Page.GetByTestId("history");
        var loadsBefore = int.Parse((await history.GetAttributeAsync("data-loads"))!, CultureInfo.InvariantCulture);
        var jobId = (await dashboard.StartAsync([Medium], delayMs: 150)).Single();

        // The bar and the counters advance.
        await dashboard.ExpectStateAsync("running");
        await dashboard.WaitUntilProcessedAsync(10);
        var percent = double.Parse((await dashboard.Dialog.GetByTestId("progress-bar").GetAttributeAsync("data-percent"))!, CultureInfo.InvariantCulture);
        percent.Should().BeGreaterThan(0).And.BeLessThan(100);
        (await dashboard.StatAsync("succeeded") + await dashboard.StatAsync("failed")).Should().BeGreaterThan(0);
        await Expect(dashboard.Dialog.GetByTestId("stat-current")).Not.ToHaveTextAsync("—");
        await Expect(dashboard.Dialog.GetByTestId("log-terminal").Locator("[data-seq]").First).ToBeVisibleAsync();
        await Expect(dashboard.Dialog.GetByTestId("resume")).ToBeDisabledAsync();
        await dashboard.ScreenshotAsync("dashboard-progress.png");

        // Pause: the counters stop while Paused, and only Resume and Cancel apply.
        await dashboard.Dialog.GetByTestId("pause").ClickAsync();
        await dashboard.ExpectStateAsync("paused");
        await Expect(dashboard.Dialog.GetByTestId("pause")).ToBeDisabledAsync();
        await Expect(dashboard.Dialog.GetByTestId("resume")).ToBeEnabledAsync();
        await Expect(dashboard.Dialog.GetByTestId("eta")).ToHaveTextAsync("paused");
        // The last progress sample before the pause may come just after the state change (samples go out at most every
        // 100 ms); from then on nothing may move.
        await Task.Delay(TimeSpan.FromMilliseconds(500));
        var whilePaused = await dashboard.ProcessedAsync();
        var elapsedWhilePaused = await dashboard.Dialog.GetByTestId("elapsed").TextContentAsync();
        await Task.Delay(TimeSpan.FromSeconds(2));
        (await dashboard.ProcessedAsync()).Should().Be(whilePaused, "a paused job processes nothing");
        (await dashboard.Dialog.GetByTestId("elapsed").TextContentAsync()).Should().Be(elapsedWhilePaused, "paused time is not elapsed time");

        // Resume: they advance again, to the end.
        await dashboard.Dialog.GetByTestId("resume").ClickAsync();
        await dashboard.ExpectStateAsync("running");
        await dashboard.WaitUntilProcessedAsync(whilePaused + 1);
        await dashboard.ExpectStateAsync("completed", DashboardPage.UntilTheJobEnds);

        var summary = dashboard.Dialog.GetByTestId("completion-summary");
        await Expect(summary).ToBeVisibleAsync();
        await Expect(summary.GetByTestId("summary-processed")).ToHaveTextAsync($"{expected.Puzzles} of {expected.Puzzles}");
        (await dashboard.SummaryValueAsync("succeeded")).Should().Be(expected.Succeeded);
        (await dashboard.SummaryValueAsync("failed")).Should().Be(expected.Failed);
        (await dashboard.SummaryValueAsync("skipped")).Should().Be(0);
        (await dashboard.SummaryValueAsync("not-found")).Should().Be(expected.NotFound);
        (await dashboard.SummaryValueAsync("attempts-saved")).Should().Be(expected.AttemptsSaved);
        (await dashboard.SummaryValueAsync("pass-at-2")).Should().BeApproximately(expected.PassRate, 1e-9);
        (await dashboard.SummaryValueAsync("tokens")).Should().Be(expected.PromptTokens + expected.CompletionTokens);
        (await dashboard.SummaryValueAsync("cost")).Should().BeApproximately(expected.TotalCost, 1e-9);
        for (var n = 1; n <= expected.Attempts.Count; n++)
        {
            (await dashboard.SummaryValueAsync($"attempt{n}-accuracy")).Should().BeApproximately(expected.Attempts[n - 1].Accuracy, 1e-9);
        }

        await Expect(dashboard.Dialog.GetByTestId("pause")).ToBeDisabledAsync();
        await Expect(dashboard.Dialog.GetByTestId("resume")).ToBeDisabledAsync();
        await Expect(dashboard.Dialog.GetByTestId("cancel")).ToBeDisabledAsync();
        await dashboard.ScreenshotAsync("dashboard-summary.png");

        // The history read the runs again when the job ended, while its dialog was still open (pushed, nothing polls
        // and nobody clicked), and shows the run.
        var row = dashboard.Page.Locator($"[data-testid=history-row][data-job-id='{jobId}']");
        await Expect(row).ToHaveCountAsync(1);
        int.Parse((await history.GetAttributeAsync("data-loads"))!, CultureInfo.InvariantCulture).Should().BeGreaterThan(loadsBefore);
        await Expect(dashboard.Dialog).ToBeVisibleAsync();
        await dashboard.Page.Keyboard.PressAsync("Escape");
        await dashboard.Page.GetByTestId("tab-history").ClickAsync();
        await Expect(row.GetByTestId("job-state")).ToHaveAttributeAsync("data-state", "completed");
        await Expect(row.GetByTestId("history-succeeded")).ToHaveTextAsync(expected.Succeeded.ToString(CultureInfo.InvariantCulture));
        await dashboard.ScreenshotAsync("dashboard-history.png");
        await dashboard.CloseAsync();
    });

    [Fact]
    public Task Cancel_MidRun_StopsTheJob_AndTheSummarySaysCancelled() => WithHostAsync(async host =>
    {
        var dashboard = await DashboardPage.OpenAsync(browser.Browser, host);
        await dashboard.SignInAsync();
        await dashboard.StartAsync([Small], delayMs: 300);
        await dashboard.WaitUntilProcessedAsync(2);

        await dashboard.Dialog.GetByTestId("cancel").ClickAsync();

        await dashboard.ExpectStateAsync("cancelled");
        await Expect(dashboard.Dialog.GetByTestId("completion-summary")).ToBeVisibleAsync();
        (await dashboard.SummaryValueAsync("processed")).Should().BeLessThan(WebSampleProcess.Puzzles);
        foreach (var button in (string[])["pause", "resume", "cancel"])
        {
            await Expect(dashboard.Dialog.GetByTestId(button)).ToBeDisabledAsync();
        }

        await dashboard.CloseAsync();
    });

    [Fact]
    public Task TwoFolders_RunAsTwoConcurrentJobs_BothListed_BothComplete() => WithHostAsync(async host =>
    {
        var small = await GeneratedExpectations.ForAsync(Small);
        var large = await GeneratedExpectations.ForAsync(Large);
        var dashboard = await DashboardPage.OpenAsync(browser.Browser, host);
        await dashboard.SignInAsync();

        var ids = await dashboard.StartAsync([Small, Large], delayMs: 100);

        ids.Should().HaveCount(2);
        var items = dashboard.Page.GetByTestId("job-item");
        // Both run at once: each is seen running while the other has not finished.
        await Expect(items.GetByTestId("job-state").And(dashboard.Page.Locator("[data-state=running]"))).ToHaveCountAsync(2);
        await dashboard.Page.Keyboard.PressAsync("Escape");
        foreach (var id in ids)
        {
            await Expect(dashboard.Page.Locator($"[data-testid=job-item][data-job-id='{id}'] [data-testid=job-state]"))
                .ToHaveAttributeAsync("data-state", "completed", DashboardPage.UntilTheJobEnds);
        }

        // Each dialog reopens from the list with its own totals.
        foreach (var (folder, expected) in (IEnumerable<(string, Ingestion.HuggingFace.GeneratedModelExpectation)>)[(Small, small), (Large, large)])
        {
            await dashboard.Page.Locator("[data-testid=job-item]", new() { HasText = folder }).ClickAsync();
            await Expect(dashboard.Dialog.GetByTestId("progress-title")).ToHaveTextAsync(folder);
            (await dashboard.SummaryValueAsync("succeeded")).Should().Be(expected.Succeeded);
            (await dashboard.SummaryValueAsync("failed")).Should().Be(expected.Failed);
            await dashboard.Page.Keyboard.PressAsync("Escape");
            await Expect(dashboard.Dialog).ToHaveCountAsync(0);
        }

        // The folders now say what was ingested.
        await dashboard.Page.GetByTestId("refresh-folders").ClickAsync();
        await Expect(dashboard.Page.Locator($"[data-testid=folder][data-folder='{Small}'] [data-testid=folder-ingested]"))
            .ToHaveTextAsync($"ingested {small.AttemptsSaved} attempts");
        await dashboard.CloseAsync();
    });

    [Fact]
    public Task ReloadingThePage_MidJob_ReattachesToTheJob_WithItsStateAndLog() => WithHostAsync(async host =>
    {
        var dashboard = await DashboardPage.OpenAsync(browser.Browser, host);
        await dashboard.SignInAsync();
        var jobId = (await dashboard.StartAsync([Medium], delayMs: 300)).Single();
        await dashboard.WaitUntilProcessedAsync(4);
        var before = await dashboard.ProcessedAsync();

        await dashboard.Page.ReloadAsync();

        // Still signed in (the session cookie), the dialog open again on the same job, its counters where they were or
        // further, its log replayed from the host's journal.
        await Expect(dashboard.Dialog).ToHaveAttributeAsync("data-job-id", jobId);
        await dashboard.ExpectStateAsync("running");
        (await dashboard.ProcessedAsync()).Should().BeGreaterThanOrEqualTo(before);
        var firstLine = dashboard.Dialog.GetByTestId("log-terminal").Locator("[data-seq]").First;
        await Expect(firstLine).ToBeVisibleAsync();
        int.Parse((await firstLine.GetAttributeAsync("data-seq"))!, CultureInfo.InvariantCulture).Should().BeLessThan(10, "the log starts at the job's first lines");
        await Expect(dashboard.Page.Locator($"[data-testid=job-item][data-job-id='{jobId}']")).ToHaveCountAsync(1);

        // The log follows the newest line until the user scrolls up; then it stays where they are, and Latest follows again.
        var terminal = dashboard.Dialog.GetByTestId("log-terminal");
        await Expect(terminal).ToHaveAttributeAsync("data-following", "true");
        await Wait.UntilAsync(
            async () => await terminal.EvaluateAsync<bool>("e => e.scrollHeight > e.clientHeight + 40"), "the log is longer than its view", TimeSpan.FromSeconds(60));
        (await terminal.EvaluateAsync<bool>("e => e.scrollHeight - e.scrollTop - e.clientHeight < 4")).Should().BeTrue("it follows the newest line");
        await terminal.EvaluateAsync("e => e.scrollTo(0, 0)");
        await Expect(terminal).ToHaveAttributeAsync("data-following", "false");
        var lines = await terminal.Locator("[data-seq]").CountAsync();
        await Expect(terminal.Locator("[data-seq]")).Not.ToHaveCountAsync(lines);
        (await terminal.EvaluateAsync<double>("e => e.scrollTop")).Should().Be(0, "new lines do not pull a reader who scrolled up");
        await dashboard.Dialog.GetByTestId("log-follow").ClickAsync();
        await Expect(terminal).ToHaveAttributeAsync("data-following", "true");
        (await terminal.EvaluateAsync<bool>("e => e.scrollHeight - e.scrollTop - e.clientHeight < 4")).Should().BeTrue();

        await dashboard.ExpectStateAsync("completed", DashboardPage.UntilTheJobEnds);
        await dashboard.CloseAsync();
    });

    [Fact]
    public Task TheHost_StoppedAndStartedMidJob_ThePageReconnects_ShowsItInterrupted_AndResumeFinishesIt() => WithHostAsync(async host =>
    {
        var expected = await GeneratedExpectations.ForAsync(Medium);
        var dashboard = await DashboardPage.OpenAsync(browser.Browser, host);
        await dashboard.SignInAsync();
        var jobId = (await dashboard.StartAsync([Medium], delayMs: 250)).Single();
        await dashboard.WaitUntilProcessedAsync(3);

        await host.StopAsync();
        await Expect(dashboard.Page.GetByTestId("connection-status")).Not.ToHaveAttributeAsync("data-status", "connected");
        await host.StartAsync();

        await Expect(dashboard.Page.GetByTestId("connection-status")).ToHaveAttributeAsync("data-status", "connected");
        await dashboard.ExpectStateAsync("interrupted");
        await Expect(dashboard.Dialog.GetByTestId("resume")).ToBeEnabledAsync();
        var atRestart = await dashboard.ProcessedAsync();
        atRestart.Should().BeLessThan(expected.Puzzles);

        await dashboard.Dialog.GetByTestId("resume").ClickAsync();

        await dashboard.ExpectStateAsync("running");
        await dashboard.ExpectStateAsync("completed", DashboardPage.UntilTheJobEnds);
        await Expect(dashboard.Dialog.GetByTestId("summary-processed")).ToHaveTextAsync($"{expected.Puzzles} of {expected.Puzzles}");
        (await dashboard.SummaryValueAsync("succeeded")).Should().Be(expected.Succeeded);
        (await dashboard.SummaryValueAsync("failed")).Should().Be(expected.Failed);
        (await dashboard.SummaryValueAsync("attempts-saved")).Should().Be(expected.AttemptsSaved);
        await Expect(dashboard.Dialog).ToContainTextAsync("run 2");
        await Expect(dashboard.Page.Locator($"[data-testid=job-item][data-job-id='{jobId}'] [data-testid=job-state]")).ToHaveAttributeAsync("data-state", "completed");
        await dashboard.CloseAsync();
    });

    [Fact]
    public Task TheRawWebSocketTransport_CarriesTheEvents_AndTheCommands() => WithHostAsync(async host =>
    {
        var expected = await GeneratedExpectations.ForAsync(Small);
        var dashboard = await DashboardPage.OpenAsync(browser.Browser, host, transport: "websocket");
        var sockets = new List<string>();
        dashboard.Page.WebSocket += (_, socket) =>
        {
            lock (sockets)
            {
                sockets.Add(socket.Url);
            }
        };
        await dashboard.SignInAsync();
        await Expect(dashboard.Page.GetByTestId("transport-websocket")).ToHaveAttributeAsync("aria-pressed", "true");

        await dashboard.StartAsync([Small], delayMs: 150);
        await dashboard.WaitUntilProcessedAsync(3);
        await dashboard.Dialog.GetByTestId("pause").ClickAsync();
        await dashboard.ExpectStateAsync("paused");
        await dashboard.Dialog.GetByTestId("resume").ClickAsync();
        await dashboard.ExpectStateAsync("running");
        await dashboard.ExpectStateAsync("completed", DashboardPage.UntilTheJobEnds);

        (await dashboard.SummaryValueAsync("succeeded")).Should().Be(expected.Succeeded);
        await Expect(dashboard.Dialog.GetByTestId("log-terminal")).ToContainTextAsync("saved");
        lock (sockets)
        {
            sockets.Should().Contain(url => url.Contains("/api/admin/ingestion-progress", StringComparison.Ordinal) && !url.Contains("jobId", StringComparison.Ordinal));
            sockets.Should().Contain(url => url.Contains("/api/admin/ingestion-progress?jobId=", StringComparison.Ordinal));
            sockets.Should().NotContain(url => url.Contains("/hubs/", StringComparison.Ordinal), "this page uses the raw WebSocket, not SignalR");
        }

        await dashboard.CloseAsync();
    });

    [Fact]
    public Task AnUnauthenticatedBrowser_IsRefused_ByThePage_TheEndpoints_TheWebSocket_AndTheHub() => WithHostAsync(async host =>
    {
        var dashboard = await DashboardPage.OpenAsync(browser.Browser, host);
        var page = dashboard.Page;

        await Expect(page.GetByTestId("login")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("ingestion-form")).ToHaveCountAsync(0);
        (await page.EvaluateAsync<int>("fetch('/api/admin/ingestion-jobs').then(r => r.status)")).Should().Be(401);
        (await page.EvaluateAsync<int>("fetch('/hubs/ingestion/negotiate?negotiateVersion=1', { method: 'POST' }).then(r => r.status)")).Should().Be(401);
        (await page.EvaluateAsync<bool>("""
            new Promise(resolve => {
              const socket = new WebSocket(location.origin.replace('http', 'ws') + '/api/admin/ingestion-progress');
              socket.onopen = () => resolve(true);
              socket.onclose = () => resolve(false);
            })
            """)).Should().BeFalse("the progress WebSocket refuses a browser without the session");

        await page.GetByTestId("api-key").FillAsync("not-the-key");
        await page.GetByTestId("sign-in").ClickAsync();
        await Expect(page.GetByTestId("login-error")).ToHaveTextAsync("The API key is not the admin key.");
        await Expect(page.GetByTestId("ingestion-form")).ToHaveCountAsync(0);

        // With the key it works; signing out closes it again.
        await dashboard.SignInAsync();
        await Expect(page.GetByTestId("ingestion-form")).ToBeVisibleAsync();
        await page.GetByTestId("sign-out").ClickAsync();
        await Expect(page.GetByTestId("login")).ToBeVisibleAsync();
        (await page.EvaluateAsync<int>("fetch('/api/admin/ingestion-jobs').then(r => r.status)")).Should().Be(401);
        await dashboard.CloseAsync();
    });

    private static async Task WithHostAsync(Func<WebSampleProcess, Task> test)
    {
        var host = new WebSampleProcess();
        await host.StartAsync();
        try
        {
            await test(host);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            throw new InvalidOperationException($"{ex.Message}\n--- host output ---\n{host.Output}", ex);
        }
        finally
        {
            await host.DisposeAsync();
        }
    }
}
