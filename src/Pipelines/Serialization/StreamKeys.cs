using System.ComponentModel;
using System.Globalization;

namespace Pipelines.Infrastructure;

/// <summary>
/// The Kafka key of a row: its tag values in declaration order, in invariant text, joined by <c>/</c>
/// (<c>car-07</c>, or <c>car-07/lap-12</c> for two tags; a null tag is empty). Rows with the same tags share a key,
/// so they form one stream, land on one partition and keep their order. The arrays returned are shared
/// between rows with the same key and must not be written to.
/// For use by generated code; not intended to be called directly.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class StreamKeys
{
    /// <summary>The separator between tag values.</summary>
    public const char Separator = '/';

    /// <summary>The key of a row with one tag.</summary>
    public static byte[] Format<T1>(T1 first) => Utf8StringPool.Shared.GetBytes(Text(first));

    /// <summary>The key of a row with two tags.</summary>
    public static byte[] Format<T1, T2>(T1 first, T2 second) => Utf8StringPool.Shared.GetBytes(Text(first) + Separator + Text(second));

    /// <summary>The key of a row with three or more tags.</summary>
    public static byte[] Format(params object?[] tags) => Utf8StringPool.Shared.GetBytes(string.Join(Separator, tags.Select(Text)));

    private static string Text<T>(T value) => value switch
    {
        null => string.Empty,
        string text => text,
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
