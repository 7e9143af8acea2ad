using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Pipelines.FrontDoor.Tests.Infrastructure;
using Pipelines.Testing;

namespace Pipelines.FrontDoor.Tests;

/// <summary>
/// The sample's dashboard in a real browser (Debian's chromium, headless, driven by Playwright): it plots the cars'
/// speeds from the telemetry's feed, lists laps from the insights' feed, and a note posted through its form (the writer
/// API) comes back through the reader. Its screenshot is README's (written there with PIPELINES_UPDATE_SNAPSHOTS=1).
/// </summary>
public sealed partial class DashboardTests : IDisposable
{
    private static readonly float Patience = (float)TimeSpan.FromMinutes(1).TotalMilliseconds;
    private readonly string directory = Directory.CreateTempSubdirectory("pipelines-dashboard-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task The_dashboard_plots_each_cars_speed_lists_laps_and_shows_a_posted_note_coming_back_through_the_reader()
    {
        await using var sample = await RunningSample.StartAsync(directory);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = Chromium(), Headless = true });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1280, Height = 720 } });
        page.SetDefaultTimeout(Patience);
        var errors = new List<string>();
        page.PageError += (_, error) => errors.Add(error);

        await page.GotoAsync(sample.Url);

        // The plot gains points, again and again: live, not a single load.
        await page.WaitForFunctionAsync("() => Number(document.getElementById('speed').dataset.points) >= 80");
        var points = await Points(page);
        await page.WaitForFunctionAsync($"() => Number(document.getElementById('speed').dataset.points) >= {points + 80}");
        await Assertions.Expect(page.Locator("#speed")).ToHaveAttributeAsync("data-cars", "8");

        var lap = page.Locator("#laps li").First;
        await lap.WaitForAsync();
        Assert.Matches(LapLine(), await lap.TextContentAsync());

        var note = $"box this lap: wing to 8 ({Guid.NewGuid():N})";
        await page.SelectOptionAsync("select[name=car]", "car-03");
        await page.FillAsync("input[name=note]", note);
        await page.FillAsync("input[name=lap]", "4");
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.Locator("#note-status")).ToHaveTextAsync("written (1)");
        await Assertions.Expect(page.Locator("#notes li", new() { HasText = note })).ToHaveTextAsync(new Regex($@"car-03 lap 4: {Regex.Escape(note)}$"));
        await Assertions.Expect(page.Locator("#feeds li.live")).ToHaveCountAsync(3);

        if (Environment.GetEnvironmentVariable("PIPELINES_UPDATE_SNAPSHOTS") == "1")
        {
            // For README: half a minute of plot and a brake alert make a picture worth showing.
            await page.Locator("#alerts li").First.WaitForAsync();
            await page.WaitForFunctionAsync("() => Number(document.getElementById('speed').dataset.points) >= 2400");
            await page.ScreenshotAsync(new() { Path = Path.Combine(Repository.Root, "docs", "images", "dashboard.png") });
        }
        else
        {
            await page.ScreenshotAsync(new() { Path = Path.Combine(directory, "dashboard.png") });
        }

        // Stopped with the page still connected: every feed ends, the sample stops at once and says what it did.
        Assert.Equal(0, await sample.StopAsync());
        Assert.Matches(@"Stopped: .*, [1-9][\d,]* pit-wall notes\.", sample.Output);
        Assert.Empty(errors);
    }

    private static async Task<int> Points(IPage page) =>
        int.Parse(await page.GetAttributeAsync("#speed", "data-points") ?? "0", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Debian's chromium (the test suite installs it), or another Chromium on the PATH.</summary>
    private static string Chromium() =>
        new[] { "chromium", "chromium-browser", "google-chrome" }
            .SelectMany(name => (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(dir => Path.Combine(dir, name)))
            .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("No Chromium found: install Debian's chromium package (./test.sh does).");

    [GeneratedRegex(@"^\d\d:\d\d:\d\dcar-0\d \w+ · lap \d+$")]
    private static partial Regex LapLine();
}
