using System.Buffers;
using Confluent.Kafka;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;
using Pipelines.Infrastructure;
using Pipelines.Processing;

namespace Pipelines.Http;

/// <summary>Maps the endpoints that write a contract's topic over HTTP.</summary>
public static class StreamWriterEndpoints
{
    private static readonly string[] Delimited = ["application/x-ndjson", "application/jsonl", "application/json-seq"];

    /// <summary>
    /// Maps <c>POST {pattern}/rows</c>: a body of one JSON object, an array of them, or newline-delimited objects
    /// (<c>Content-Type: application/x-ndjson</c>), each a row of <typeparamref name="T"/> as its JSON form reads it, written
    /// to its topic packed by <see cref="StreamWriterOptions.Buffer"/>. Answers <c>200 {"written": n}</c> once the broker
    /// acknowledged them (or <c>202 {"accepted": n}</c> at once, <see cref="StreamWriterOptions.WaitForAcknowledgement"/>);
    /// <c>400</c> with a problem naming each bad field of each row, and nothing written; <c>403</c> for a stream
    /// <see cref="StreamWriterOptions.AllowStream"/> refuses; <c>413</c> over the size limits; <c>415</c> for a body that is
    /// not JSON; <c>503</c> with <c>Retry-After</c> when too many rows wait for the broker.
    /// </summary>
    /// <returns>The group of the endpoints, for <c>RequireAuthorization</c>, CORS and OpenAPI metadata.</returns>
    /// <exception cref="InvalidOperationException"><c>AddStreamWriters</c> was not called.</exception>
    public static RouteGroupBuilder MapStreamWriter<T>(this IEndpointRouteBuilder endpoints, string pattern, StreamWriterOptions? options = null)
        where T : IMessageContract<T>
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        options ??= new StreamWriterOptions();
        options.Validate();
        var writers = endpoints.ServiceProvider.GetService<StreamWriters>()
            ?? throw new InvalidOperationException($"MapStreamWriter<{typeof(T).Name}> needs the HTTP writers: call services.AddStreamWriters(configuration) first.");
        var group = endpoints.MapGroup(pattern);

        // Looked up once per mapping, by its first request that finds it (making it creates the topic), not per request;
        // a cluster away when it is made is a 503, and the next request tries again.
        HttpTopicWriter<T>? made = null;
        Task<IResult> With(HttpContext context, Func<HttpTopicWriter<T>, Task<IResult>> answer)
        {
            try
            {
                made ??= writers.For<T>(options);
            }
            catch (KafkaException unreachable)
            {
                RetryAfter(context, options);
                return Task.FromResult(Problem(StatusCodes.Status503ServiceUnavailable, $"{T.Serializer.Schema.Topic} could not be reached ({unreachable.Message}); nothing was written. Try again later."));
            }

            return answer(made);
        }

        var rows = group.MapPost("/rows", Task<IResult> (HttpContext context) => With(context, writer => WriteRowsAsync(context, writer, options)));
        Describe<T>(endpoints, rows, StreamEndpointKind.Rows, "Write{0}Rows", $"Writes rows of {T.Serializer.Schema.Name} to {T.Serializer.Schema.Topic}", Delimited)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        var events = group.MapPost("/streams/{streamKey}/events", Task<IResult> (HttpContext context, string streamKey) => With(context, writer => WriteEventsAsync(context, streamKey, writer, options)));
        Describe<T>(endpoints, events, StreamEndpointKind.Events, "Write{0}Events", $"Writes events into a stream of {T.Serializer.Schema.Topic}", []);
        var properties = group.MapPut("/streams/{streamKey}/properties", Task<IResult> (HttpContext context, string streamKey) => With(context, writer => WritePropertiesAsync(context, streamKey, writer, options)));
        Describe<T>(endpoints, properties, StreamEndpointKind.Properties, "Set{0}StreamProperties", $"Sets the properties of a stream of {T.Serializer.Schema.Topic}", []);
        var end = group.MapDelete("/streams/{streamKey}", Task<IResult> (HttpContext context, string streamKey) => With(context, writer => EndStreamAsync(context, streamKey, writer, options)));
        Describe<T>(endpoints, end, StreamEndpointKind.End, "End{0}Stream", $"Ends a stream of {T.Serializer.Schema.Topic}: readers see it close", null);
        return group;
    }

    private static async Task<IResult> WriteEventsAsync<T>(HttpContext context, string streamKey, HttpTopicWriter<T> writer, StreamWriterOptions options)
        where T : IMessageContract<T>
    {
        if (Refuse(context, streamKey, options) is { } refused)
        {
            return refused;
        }

        using var body = await ReadJsonBodyAsync(context, options);
        if (body is null)
        {
            return TooLarge(options);
        }

        var (events, errors) = StreamBodies.ReadEvents(body.WrittenSpan, UnixNanoseconds.FromDateTimeOffset(DateTimeOffset.UtcNow));
        if (errors.Count > 0)
        {
            return Results.ValidationProblem(errors, title: "The body is not events; nothing was written.");
        }

        if (events.Count > options.MaxRowsPerRequest)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, $"A request may carry at most {options.MaxRowsPerRequest} events. Send the rest in another request.");
        }

        return await WriteAsync(context, writer, options, events.Count, "events", then => writer.Write(streamKey, MessageType.Event, events.Select(StreamCodec.Write).ToList(), then));
    }

    private static async Task<IResult> WritePropertiesAsync<T>(HttpContext context, string streamKey, HttpTopicWriter<T> writer, StreamWriterOptions options)
        where T : IMessageContract<T>
    {
        if (Refuse(context, streamKey, options) is { } refused)
        {
            return refused;
        }

        using var body = await ReadJsonBodyAsync(context, options);
        if (body is null)
        {
            return TooLarge(options);
        }

        var (properties, errors) = StreamBodies.ReadProperties(body.WrittenSpan);
        if (properties is null)
        {
            return Results.ValidationProblem(errors, title: "The body is not stream properties; nothing was written.");
        }

        return await WriteAsync(context, writer, options, 1, "properties", then => writer.Write(streamKey, MessageType.StreamProperties, [StreamCodec.Write(properties)], then));
    }

    private static Task<IResult> EndStreamAsync<T>(HttpContext context, string streamKey, HttpTopicWriter<T> writer, StreamWriterOptions options)
        where T : IMessageContract<T> =>
        Refuse(context, streamKey, options) is { } refused
            ? Task.FromResult(refused)
            : WriteAsync(context, writer, options, 1, "ends", then => writer.Write(streamKey, MessageType.StreamEnd, [StreamCodec.Write(StreamEnd.Closed)], then));

    private static IResult? Refuse(HttpContext context, string streamKey, StreamWriterOptions options) =>
        options.AllowStream is { } allow && !allow(context, streamKey)
            ? Problem(StatusCodes.Status403Forbidden, $"This client may not write the stream '{streamKey}'; nothing was written.")
            : null;

    /// <summary>The request's body, or <see langword="null"/> when it is over <see cref="StreamWriterOptions.MaxRequestBytes"/>; dispose it once read.</summary>
    private static async Task<PooledBody?> ReadJsonBodyAsync(HttpContext context, StreamWriterOptions options)
    {
        if (context.Request.ContentLength > options.MaxRequestBytes)
        {
            return null;
        }

        var body = new PooledBody((int)Math.Min(context.Request.ContentLength ?? 1024, options.MaxRequestBytes));
        if (await ReadBodyAsync(context.Request, body, options.MaxRequestBytes, context.RequestAborted))
        {
            return body;
        }

        body.Dispose();
        return null;
    }

    /// <summary>Writes <paramref name="count"/> reserved messages or rows, and answers once acknowledged (or at once), or 503.</summary>
    private static async Task<IResult> WriteAsync<T>(HttpContext context, HttpTopicWriter<T> writer, StreamWriterOptions options, int count, string what, Action<Action<Exception?>> write)
        where T : IMessageContract<T>
    {
        if (!writer.TryReserve(count))
        {
            RetryAfter(context, options);
            return Problem(StatusCodes.Status503ServiceUnavailable, $"{writer.Pending:N0} rows are waiting for the broker; try again later. Nothing was written.");
        }

        if (!options.WaitForAcknowledgement)
        {
            write(static _ => { });
            return Results.Accepted(value: new Dictionary<string, int> { ["accepted"] = count });
        }

        var acknowledged = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        write(failure => acknowledged.TrySetResult(failure));
        if (await acknowledged.Task.WaitAsync(context.RequestAborted) is { } failed)
        {
            RetryAfter(context, options);
            return Problem(StatusCodes.Status503ServiceUnavailable, $"The broker did not acknowledge the {what} ({failed.Message}); some may have been written. Try again later.");
        }

        return Results.Ok(new Dictionary<string, int> { ["written"] = count });
    }

    private static void RetryAfter(HttpContext context, StreamWriterOptions options) =>
        context.Response.Headers[HeaderNames.RetryAfter] = ((int)Math.Ceiling(options.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// What the OpenAPI document says of a writer endpoint: its contract, a name unique in the application
    /// (<paramref name="name"/> with the contract's name in it), and its answers; <paramref name="bodies"/> are the media
    /// types besides JSON it takes, <see langword="null"/> for an endpoint without a body.
    /// </summary>
    private static RouteHandlerBuilder Describe<T>(IEndpointRouteBuilder endpoints, RouteHandlerBuilder endpoint, StreamEndpointKind kind, string name, string summary, string[]? bodies)
        where T : IMessageContract<T>
    {
        endpoint.WithMetadata(new StreamEndpointMetadata(T.Serializer.Schema, kind))
            .WithName(EndpointNames.Unique(endpoints, string.Format(System.Globalization.CultureInfo.InvariantCulture, name, T.Serializer.Schema.Name.Split('.')[^1])))
            .WithSummary(summary)
            .Produces(StatusCodes.Status200OK)
            .Produces(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return bodies is null
            ? endpoint
            : endpoint.Accepts<object>("application/json", bodies).ProducesValidationProblem().ProducesProblem(StatusCodes.Status413PayloadTooLarge);
    }

    private static async Task<IResult> WriteRowsAsync<T>(HttpContext context, HttpTopicWriter<T> writer, StreamWriterOptions options)
        where T : IMessageContract<T>
    {
        var request = context.Request;
        var delimited = request.ContentType is { } type && Delimited.Any(d => type.StartsWith(d, StringComparison.OrdinalIgnoreCase));
        if (!delimited && request.ContentType is { } other && !other.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, $"A body of rows is JSON (application/json) or newline-delimited JSON (application/x-ndjson), not {other}.");
        }

        using var body = await ReadJsonBodyAsync(context, options);
        if (body is null)
        {
            return TooLarge(options);
        }

        List<T> rows;
        try
        {
            var (read, errors) = RequestRows<T>.Read(body.WrittenSpan, delimited, options.MaxRowsPerRequest, UnixNanoseconds.FromDateTimeOffset(DateTimeOffset.UtcNow));
            if (errors.Count > 0)
            {
                return Results.ValidationProblem(errors, title: $"The body is not rows of {T.Serializer.Schema.Name}; nothing was written.");
            }

            rows = read;
        }
        catch (TooManyRowsException tooMany)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, $"{tooMany.Message} Send the rest in another request.");
        }

        if (options.AllowStream is { } allow && rows.Select(RequestRows<T>.StreamKeyOf).Distinct(StringComparer.Ordinal).FirstOrDefault(key => !allow(context, key)) is { } refused)
        {
            return Problem(StatusCodes.Status403Forbidden, $"This client may not write the stream '{refused}'; nothing was written.");
        }

        return await WriteAsync(context, writer, options, rows.Count, "rows", then => writer.Write(rows, then));
    }

    /// <summary>Reads the body into <paramref name="body"/>; <see langword="false"/> as soon as it is longer than <paramref name="limit"/>.</summary>
    private static async Task<bool> ReadBodyAsync(HttpRequest request, PooledBody body, long limit, CancellationToken cancellationToken)
    {
        // A body of a declared length is read into the room made for it, with no growing copies of a large body.
        if (request.ContentLength is { } length)
        {
            var read = await request.Body.ReadAtLeastAsync(body.GetMemory((int)length)[..(int)length], (int)length, throwOnEndOfStream: false, cancellationToken);
            body.Advance(read);
            return true;
        }

        while (true)
        {
            var read = await request.Body.ReadAsync(body.GetMemory(8192), cancellationToken);
            if (read == 0)
            {
                return true;
            }

            body.Advance(read);
            if (body.WrittenCount > limit)
            {
                return false;
            }
        }
    }

    private static IResult TooLarge(StreamWriterOptions options) =>
        Problem(StatusCodes.Status413PayloadTooLarge, $"A request body may be at most {options.MaxRequestBytes:N0} bytes.");

    private static IResult Problem(int status, string detail) => Results.Problem(detail: detail, statusCode: status);
}
