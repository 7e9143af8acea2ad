using System.Buffers;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Confluent.Kafka;
using Microsoft.Net.Http.Headers;

namespace Pipelines.Http;

/// <summary>Maps the endpoint that streams a contract's topic to browsers and services as Server-Sent Events.</summary>
public static class StreamReaderEndpoints
{
    private static readonly byte[] Subscribed = ": subscribed\n\n"u8.ToArray();
    private static readonly byte[] KeepAlive = ": keep-alive\n\n"u8.ToArray();
    private const int CatchUpFlush = 64 * 1024;

    /// <summary>
    /// Maps <c>GET {pattern}</c>: the live feed of <typeparamref name="T"/>'s topic as Server-Sent Events, one frame per
    /// message: <c>event: rows</c> (<c>{"stream": key, "rows": [...]}</c>, the rows in the contract's JSON form),
    /// <c>event</c>, <c>properties</c> and <c>end</c>. Every frame's <c>id</c> is the client's position in every partition,
    /// so a client that reconnects with <c>Last-Event-ID</c> (browsers do) reads on with nothing missed and nothing twice.
    /// <c>?stream=car-7</c> (repeatable) keeps only those streams; <c>?from=earliest</c>, <c>?from=2026-12-07T05:00:00Z</c>
    /// or <c>?after=&lt;id&gt;</c> start in the past. One consumer per process serves every client of the topic; a client
    /// that falls <see cref="StreamReaderOptions.MaxQueuedMessages"/> behind is sent <c>event: dropped</c> and disconnected.
    /// A feed that cannot start (the broker away) answers <c>503</c> with <c>Retry-After</c>; the next client starts it again.
    /// </summary>
    /// <returns>The endpoint, for <c>RequireAuthorization</c>, CORS and OpenAPI metadata.</returns>
    /// <exception cref="InvalidOperationException"><c>AddStreamReaders</c> was not called.</exception>
    public static RouteHandlerBuilder MapStreamReader<T>(this IEndpointRouteBuilder endpoints, string pattern, StreamReaderOptions? options = null)
        where T : IMessageContract<T>
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        options ??= new StreamReaderOptions();
        options.Validate();
        var feeds = endpoints.ServiceProvider.GetService<StreamFeeds>()
            ?? throw new InvalidOperationException($"MapStreamReader<{typeof(T).Name}> needs the HTTP feeds: call services.AddStreamReaders(configuration) first.");
        var name = T.Serializer.Schema.Name;
        return endpoints.MapGet(pattern, Task<IResult> (HttpContext context) => ServeAsync(context, feeds.For<T>(), feeds.Clock, options))
            .WithMetadata(new StreamEndpointMetadata(T.Serializer.Schema, StreamEndpointKind.Feed))
            .WithName(EndpointNames.Unique(endpoints, $"Read{name.Split('.')[^1]}Feed"))
            .WithSummary($"The live feed of {T.Serializer.Schema.Topic} as Server-Sent Events")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task<IResult> ServeAsync<T>(HttpContext context, TopicFeed<T> feed, FeedClock clock, StreamReaderOptions options)
        where T : IMessageContract<T>
    {
        var cancellation = context.RequestAborted;
        var streams = context.Request.Query["stream"].Where(s => s is not null).Select(s => s!).ToHashSet(StringComparer.Ordinal);
        Func<FeedFrame, bool> wants = streams.Count == 0 ? static _ => true : frame => streams.Contains(frame.StreamKey);
        long[] until = [];
        FeedSubscription subscription;
        try
        {
            subscription = await feed.SubscribeAsync(wants, options.MaxQueuedMessages, position => until = position);
        }
        catch (KafkaException unreachable)
        {
            // The next client starts the feed again.
            context.Response.Headers[HeaderNames.RetryAfter] = "1";
            return Results.Problem(detail: $"The feed of {feed.Topic} could not start: {unreachable.Message}. Try again later.", statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        try
        {
            var after = context.Request.Headers["Last-Event-ID"].FirstOrDefault() ?? context.Request.Query["after"].FirstOrDefault();
            var from = context.Request.Query["from"].FirstOrDefault();
            long[]? start = null;
            var since = long.MinValue;
            if (after is not null && (start = FeedPositions.Decode(after, feed.Partitions)) is null)
            {
                return Results.Problem(detail: $"'{after}' is not a position in {feed.Topic}: an event id of this feed ({feed.Partitions} partitions).", statusCode: StatusCodes.Status400BadRequest);
            }

            if (start is null && from is not null && CatchUp.Start(feed, from, until) is { } past)
            {
                (start, since) = past;
            }
            else if (start is null && from is not null)
            {
                return Results.Problem(detail: $"from is '{from}'; it must be 'earliest' or a time in ISO-8601 (2026-12-07T05:00:00Z).", statusCode: StatusCodes.Status400BadRequest);
            }

            var response = context.Response;
            response.ContentType = "text/event-stream";
            response.Headers.CacheControl = "no-cache";
            response.Headers["X-Accel-Buffering"] = "no"; // proxies that buffer would hold the feed back
            // Frames go into the response's pipe and out with one flush: a write to the response stream flushes, a
            // send per frame, which at many frames and clients is where a server's time would go.
            var body = response.BodyWriter;
            body.Write(Subscribed);
            await body.FlushAsync(cancellation);
            if (start is not null)
            {
                var unflushed = 0;
                await foreach (var frame in CatchUp.ReadAsync(feed, start, until, frame => frame.TimestampMs >= since && wants(frame), cancellation))
                {
                    body.Write(frame.Bytes);
                    if ((unflushed += frame.Bytes.Length) >= CatchUpFlush)
                    {
                        await body.FlushAsync(cancellation); // where the client's pace holds the catch-up back
                        unflushed = 0;
                    }
                }

                await body.FlushAsync(cancellation);
            }

            await SendLiveAsync(response, subscription, clock, options.KeepAlive, cancellation);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            // The client left.
        }
        finally
        {
            feed.Unsubscribe(subscription);
        }

        return Results.Empty; // the response was the feed
    }

    private static async Task SendLiveAsync(HttpResponse response, FeedSubscription subscription, FeedClock clock, TimeSpan keepAlive, CancellationToken cancellation)
    {
        var frames = subscription.Frames;
        while (true)
        {
            // A quiet client waits for its next frame, with a comment every keepAlive so that proxies keep it open.
            using var quiet = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            quiet.CancelAfter(keepAlive);
            bool more;
            try
            {
                more = await frames.WaitToReadAsync(quiet.Token);
            }
            catch (OperationCanceledException) when (!cancellation.IsCancellationRequested)
            {
                response.BodyWriter.Write(KeepAlive);
                await response.BodyWriter.FlushAsync(cancellation);
                continue;
            }

            if (!more)
            {
                break;
            }

            // A busy one rides the host's clock: what came since the last tick goes out in one write, for as long as
            // frames keep coming. At a thousand frames a second, a write per frame per client (or a timer per client)
            // is what a server of many clients would spend its time on.
            int sent;
            do
            {
                await clock.Next.WaitAsync(cancellation);
                sent = 0;
                while (frames.TryRead(out var frame))
                {
                    response.BodyWriter.Write(frame.Bytes);
                    sent++;
                }

                if (sent > 0)
                {
                    await response.BodyWriter.FlushAsync(cancellation);
                }
            }
            while (sent > 0);
        }

        if (subscription.Dropped is { } reason)
        {
            response.BodyWriter.Write(Encoding.UTF8.GetBytes($"event: dropped\ndata: {System.Text.Json.JsonSerializer.Serialize(new { reason })}\n\n"));
            await response.BodyWriter.FlushAsync(cancellation);
        }
    }
}
