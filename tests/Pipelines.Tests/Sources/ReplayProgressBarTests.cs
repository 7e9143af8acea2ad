using Pipelines.Sources;

namespace Pipelines.Tests.Sources;

/// <summary>The replay's progress bar: redrawn in place on a terminal, a line per tenth in a log, and what a line says.</summary>
public sealed class ReplayProgressBarTests
{
    private static readonly DateTimeOffset At = new(2024, 12, 7, 5, 12, 33, TimeSpan.Zero);

    [Fact]
    public void A_line_shows_the_bar_the_share_the_rows_the_rate_the_data_time_and_what_was_skipped()
    {
        var line = ReplayProgressBar.Line(new ReplayProgress(120_000, 3, 0.5, TimeSpan.FromSeconds(2), At, Completed: false));
        var done = ReplayProgressBar.Line(new ReplayProgress(240_000, 0, 1, TimeSpan.FromSeconds(4), null, Completed: true));

        Assert.Equal("[###############...............]  50%  120,000 rows  60,000 rows/s  data 2024-12-07 05:12:33Z  3 skipped", line);
        Assert.Equal("[##############################] 100%  240,000 rows  60,000 rows/s  done in 4.0 s", done);
    }

    [Fact]
    public void On_a_terminal_the_bar_is_redrawn_in_place_and_the_last_report_ends_the_line()
    {
        var output = new StringWriter();
        var bar = new ReplayProgressBar(output, interactive: true);

        bar.Report(new ReplayProgress(10, 0, 0.1, TimeSpan.FromSeconds(1), At, false));
        bar.Report(new ReplayProgress(100, 0, 1, TimeSpan.FromSeconds(1), null, true));

        var frames = output.ToString().Split('\r', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, frames.Length);
        Assert.DoesNotContain('\n', frames[0]);
        Assert.EndsWith(Environment.NewLine, frames[1], StringComparison.Ordinal);
        Assert.EndsWith("done in 1.0 s", frames[1].TrimEnd(), StringComparison.Ordinal);
        Assert.True(frames[1].Length >= frames[0].Length, "a shorter frame must cover the longer one before it");
    }

    [Fact]
    public void In_a_log_a_line_is_written_per_tenth_of_the_way_and_at_the_end()
    {
        var output = new StringWriter();
        var bar = new ReplayProgressBar(output, interactive: false);

        foreach (var fraction in new[] { 0.0, 0.01, 0.05, 0.1, 0.15, 0.35, 0.36, 0.99 })
        {
            bar.Report(new ReplayProgress((long)(fraction * 1000), 0, fraction, TimeSpan.FromSeconds(1), null, false));
        }

        bar.Report(new ReplayProgress(1000, 0, 1, TimeSpan.FromSeconds(1), null, true));

        Assert.Equal(["0%", "10%", "35%", "99%", "100%"], output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(']')[1].Trim().Split(' ')[0]));
    }
}
