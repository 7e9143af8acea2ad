using System.Buffers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

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
        var name = T.Serializer.Schema.Name;
        var group = endpoints.MapGroup(pattern);
        group.MapPost("/rows", (Delegate)((HttpContext context) => WriteRowsAsync(context, writers.For<T>(options), options)))
            .WithName($"Write{name.Split('.')[^1]}Rows")
            .WithSummary($"Writes rows of {name} to {T.Serializer.Schema.Topic}")
            .Accepts<object>("application/json", Delimited)
            .Produces(StatusCodes.Status200OK)
            .Produces(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
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

        if (request.ContentLength > options.MaxRequestBytes)
        {
            return TooLarge(options);
        }

        var body = new ArrayBufferWriter<byte>((int)Math.Min(request.ContentLength ?? 4096, options.MaxRequestBytes));
        if (!await ReadBodyAsync(request, body, options.MaxRequestBytes, context.RequestAborted))
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

        if (!writer.TryReserve(rows.Count))
        {
            context.Response.Headers[HeaderNames.RetryAfter] = ((int)Math.Ceiling(options.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Problem(StatusCodes.Status503ServiceUnavailable, $"{writer.Pending:N0} rows are waiting for the broker; try again later. Nothing was written.");
        }

        if (!options.WaitForAcknowledgement)
        {
            writer.Write(rows, static _ => { });
            return Results.Accepted(value: new { accepted = rows.Count });
        }

        var acknowledged = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        writer.Write(rows, failure => acknowledged.TrySetResult(failure));
        if (await acknowledged.Task.WaitAsync(context.RequestAborted) is { } failed)
        {
            context.Response.Headers[HeaderNames.RetryAfter] = ((int)Math.Ceiling(options.RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Problem(StatusCodes.Status503ServiceUnavailable, $"The broker did not acknowledge the rows ({failed.Message}); some may have been written. Try again later.");
        }

        return Results.Ok(new { written = rows.Count });
    }

    /// <summary>Reads the body into <paramref name="body"/>; <see langword="false"/> as soon as it is longer than <paramref name="limit"/>.</summary>
    private static async Task<bool> ReadBodyAsync(HttpRequest request, ArrayBufferWriter<byte> body, long limit, CancellationToken cancellationToken)
    {
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
