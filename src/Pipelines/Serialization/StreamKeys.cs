using System.Globalization;
using System.Text;

namespace Pipelines.Serialization;

/// <summary>
/// The Kafka key of a row: its tag values in declaration order, in invariant text, joined by <c>/</c>
/// (<c>car-07</c>, or <c>car-07/lap-12</c> for two tags; a null tag is empty). Rows with the same tags share a key,
/// so they form one stream, land on one partition and keep their order.
/// </summary>
public static class StreamKeys
{
    /// <summary>The separator between tag values.</summary>
    public const char Separator = '/';

    /// <summary>The key of a row with one tag.</summary>
    public static byte[] Format<T1>(T1 first) => Encoding.UTF8.GetBytes(Text(first));

    /// <summary>The key of a row with two tags.</summary>
    public static byte[] Format<T1, T2>(T1 first, T2 second) => Encoding.UTF8.GetBytes(Text(first) + Separator + Text(second));

    /// <summary>The key of a row with three or more tags.</summary>
    public static byte[] Format(params object?[] tags) => Encoding.UTF8.GetBytes(string.Join(Separator, tags.Select(Text)));

    private static string Text<T>(T value) => value switch
    {
        null => string.Empty,
        string text => text,
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
