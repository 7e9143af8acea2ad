using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Pipelines.Hosting;

namespace Pipelines.Http;

/// <summary>The host's feeds, one per contract's topic, started by their first client and stopped with the host.</summary>
internal sealed class StreamFeeds(KafkaConnection kafka, ILoggerFactory loggers) : IDisposable
{
    private readonly ConcurrentDictionary<Type, Lazy<IDisposable>> feeds = new();

    public TopicFeed<T> For<T>()
        where T : IMessageContract<T> =>
        (TopicFeed<T>)feeds.GetOrAdd(typeof(T), _ => new Lazy<IDisposable>(() => new TopicFeed<T>(kafka, loggers.CreateLogger("Pipelines.Http.Feed")))).Value;

    public void Dispose()
    {
        foreach (var feed in feeds.Values.Where(f => f.IsValueCreated))
        {
            feed.Value.Dispose();
        }
    }
}
