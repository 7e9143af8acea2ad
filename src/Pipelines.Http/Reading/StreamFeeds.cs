using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Pipelines.Hosting;

namespace Pipelines.Http;

/// <summary>The host's feeds, one per contract's topic, started by their first client and stopped with the host.</summary>
internal sealed class StreamFeeds : IDisposable
{
    private readonly ConcurrentDictionary<Type, Lazy<IDisposable>> feeds = new();
    private readonly KafkaConnection kafka;
    private readonly ILoggerFactory loggers;
    private readonly CancellationTokenRegistration stopping;

    public StreamFeeds(KafkaConnection kafka, ILoggerFactory loggers, IHostApplicationLifetime? lifetime)
    {
        this.kafka = kafka;
        this.loggers = loggers;

        // A feed's response never ends by itself: unless the feeds end as the host begins to stop, the server waits out
        // its whole shutdown timeout for every connected client and then cuts them off. Ended, each client's response
        // completes and its EventSource reconnects to whatever serves next.
        stopping = lifetime?.ApplicationStopping.Register(Stop) ?? default;
    }

    /// <summary>The tick busy clients of every feed send on (10 ms: frames wait at most that long to be sent).</summary>
    public FeedClock Clock { get; } = new(TimeSpan.FromMilliseconds(10));

    public TopicFeed<T> For<T>()
        where T : IMessageContract<T> =>
        (TopicFeed<T>)feeds.GetOrAdd(typeof(T), _ => new Lazy<IDisposable>(() => new TopicFeed<T>(kafka, loggers.CreateLogger("Pipelines.Http.Feed")))).Value;

    public void Dispose()
    {
        stopping.Dispose();
        Stop();
    }

    private void Stop()
    {
        Clock.Dispose();
        foreach (var feed in feeds.Values.Where(f => f.IsValueCreated))
        {
            feed.Value.Dispose();
        }
    }
}
