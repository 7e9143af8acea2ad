using System.Globalization;

namespace Pipelines.Http;

/// <summary>
/// A client's place in a topic: for every partition, the next offset it has not been sent. It is each frame's SSE id
/// (<c>120.97.133</c>), so <c>Last-Event-ID</c> says exactly where a reconnecting client reads on from, whichever
/// partition its last frame came from.
/// </summary>
internal static class FeedPositions
{
    public static string Encode(long[] positions) => string.Join('.', positions.Select(p => p.ToString(CultureInfo.InvariantCulture)));

    /// <summary>The positions <paramref name="id"/> holds, or <see langword="null"/> when it is not one of this topic's (another partition count, or not an id at all).</summary>
    public static long[]? Decode(string? id, int partitions)
    {
        var parts = id?.Split('.') ?? [];
        if (parts.Length != partitions)
        {
            return null;
        }

        var positions = new long[partitions];
        for (var i = 0; i < partitions; i++)
        {
            if (!long.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out positions[i]))
            {
                return null;
            }
        }

        return positions;
    }
}
