using System.Net;
using Confluent.SchemaRegistry;
using Microsoft.Extensions.Logging;
using Pipelines.Logging;

namespace Pipelines.Infrastructure;

/// <summary>
/// Calls to a Schema Registry that are worth waiting for: a registry that does not answer (down, restarting, a timeout,
/// a 5xx) is tried again after a <see cref="Processing.GrowingPause"/>, since no row can be written or read correctly
/// without it; an answer that refuses (a 4xx) is returned to the caller at once.
/// </summary>
internal static class RegistryCalls
{
    /// <summary>Calls <paramref name="call"/> until the registry answers it, logging each miss (docs/logging.md, 900).</summary>
    public static async Task<TResult> UntilAnsweredAsync<TResult>(Func<Task<TResult>> call, string what, string caller, ILogger logger, CancellationToken cancellationToken)
    {
        var pause = Processing.GrowingPause.First;
        while (true)
        {
            try
            {
                return await call().WaitAsync(cancellationToken);
            }
            catch (Exception exception) when (IsOutage(exception) && !cancellationToken.IsCancellationRequested)
            {
                Log.RegistryUnavailable(logger, caller, what, exception.Message, pause);
                await Task.Delay(pause, cancellationToken);
                pause = Processing.GrowingPause.After(pause);
            }
        }
    }

    /// <summary>Whether <paramref name="exception"/> says the registry did not answer, rather than that it refused.</summary>
    public static bool IsOutage(Exception exception) => exception switch
    {
        SchemaRegistryException refused => (int)refused.Status >= 500 || refused.Status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests,
        HttpRequestException or TimeoutException or TaskCanceledException or IOException => true,
        AggregateException { InnerExceptions.Count: > 0 } aggregate => aggregate.InnerExceptions.All(IsOutage),
        _ => false,
    };
}

/// <summary>A message cannot be read yet: its writer schema is needed and the Schema Registry did not answer.</summary>
internal sealed class SchemaRegistryUnavailableException(string message, Exception inner) : Exception(message, inner);
