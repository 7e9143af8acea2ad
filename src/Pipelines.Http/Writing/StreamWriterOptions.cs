using Microsoft.AspNetCore.Http;
using Pipelines.Processing;

namespace Pipelines.Http;

/// <summary>How the endpoints of <see cref="StreamWriterEndpoints.MapStreamWriter{T}"/> take and write rows.</summary>
public sealed record StreamWriterOptions
{
    /// <summary>The largest request body taken, in bytes (4 MiB by default); a larger one is answered <c>413</c>.</summary>
    public long MaxRequestBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>The most rows one request may carry (10,000 by default); more is answered <c>413</c>.</summary>
    public int MaxRowsPerRequest { get; init; } = 10_000;

    /// <summary>
    /// Answer once the broker has acknowledged the request's rows (<c>200</c>, the default), or as soon as they are
    /// queued (<c>202</c>: fire and forget; a row the broker then refuses is lost to the client).
    /// </summary>
    public bool WaitForAcknowledgement { get; init; } = true;

    /// <summary>
    /// Rows written but not yet acknowledged, over all requests, beyond which a request is answered <c>503</c> with
    /// <c>Retry-After</c> instead of queued (100,000 by default): a slow broker pushes back on clients, never grows a queue.
    /// </summary>
    public int MaxPendingRows { get; init; } = 100_000;

    /// <summary>What <c>Retry-After</c> says with a <c>503</c> (1 s by default).</summary>
    public TimeSpan RetryAfter { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How rows are packed into messages (by default up to 100 rows of a stream, or 50 ms, per message).</summary>
    public BufferOptions Buffer { get; init; } = new() { MaxRows = 100, Timeout = TimeSpan.FromMilliseconds(50) };

    /// <summary>
    /// Whether the caller may write the stream <c>streamKey</c> (its rows' tags, or the key in the path of an event or
    /// properties): <see langword="false"/> answers <c>403</c> and writes nothing of the request. Every stream when not set.
    /// </summary>
    public Func<HttpContext, string, bool>? AllowStream { get; init; }

    /// <summary>Throws with the name of the first invalid setting.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRequestBytes, 1, nameof(MaxRequestBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRowsPerRequest, 1, nameof(MaxRowsPerRequest));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPendingRows, MaxRowsPerRequest, nameof(MaxPendingRows));
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryAfter, TimeSpan.Zero, nameof(RetryAfter));
        ArgumentNullException.ThrowIfNull(Buffer);
    }
}
