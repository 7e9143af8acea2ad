using System.Globalization;

namespace Pipelines.Sources;

/// <summary>
/// A replay's progress on the command line: a bar redrawn in place on a terminal
/// (<c>[###############...............]  50%  120,000 rows  61,250 rows/s  data 2026-12-07 05:12:33Z</c>), or a line per
/// tenth of the way when the output is a file or a pipe, so logs stay readable. The last report ends the line.
/// </summary>
public sealed class ReplayProgressBar : IProgress<ReplayProgress>
{
    private const int Width = 30;
    private readonly TextWriter output;
    private readonly bool interactive;
    private int lastTenth = -1;
    private int lastLength;

    /// <summary>Draws on <paramref name="output"/>; in place when <paramref name="interactive"/> (a terminal), else a line per tenth.</summary>
    public ReplayProgressBar(TextWriter output, bool interactive)
    {
        ArgumentNullException.ThrowIfNull(output);
        this.output = output;
        this.interactive = interactive;
    }

    /// <summary>A bar on standard error, drawn in place unless standard error is redirected.</summary>
    public static ReplayProgressBar OnConsole() => new(Console.Error, interactive: !Console.IsErrorRedirected);

    /// <inheritdoc/>
    public void Report(ReplayProgress value)
    {
        var line = Line(value);
        if (interactive)
        {
            // Spaces over what a longer last line left behind.
            output.Write("\r" + line.PadRight(lastLength) + (value.Completed ? Environment.NewLine : string.Empty));
            lastLength = line.Length;
            output.Flush();
            return;
        }

        var tenth = (int)Math.Floor(Math.Clamp(value.Fraction, 0, 1) * 10);
        if (value.Completed || tenth > lastTenth)
        {
            lastTenth = tenth;
            output.WriteLine(line);
        }
    }

    /// <summary>One report as text.</summary>
    public static string Line(ReplayProgress value)
    {
        var fraction = Math.Clamp(value.Fraction, 0, 1);
        var filled = (int)Math.Round(fraction * Width);
        var text = string.Create(CultureInfo.InvariantCulture, $"[{new string('#', filled)}{new string('.', Width - filled)}] {(int)(fraction * 100),3}%  {value.Rows:N0} rows  {value.RowsPerSecond:N0} rows/s");
        if (value.DataTime is { } at)
        {
            text += string.Create(CultureInfo.InvariantCulture, $"  data {at.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z");
        }

        if (value.Skipped > 0)
        {
            text += string.Create(CultureInfo.InvariantCulture, $"  {value.Skipped:N0} skipped");
        }

        return value.Completed ? text + string.Create(CultureInfo.InvariantCulture, $"  done in {value.Elapsed.TotalSeconds:N1} s") : text;
    }
}
