using Microsoft.Extensions.DependencyInjection;

namespace Pipelines.Hosting;

/// <summary>
/// What the host knows of its processors from their registration on (<see cref="PipelinesStatus"/>,
/// <see cref="PipelinesTopology"/>): one instance per service collection, registered by the first that asks, filled as
/// processors are registered and read from any thread.
/// </summary>
internal sealed class HostRegistry<TEntry>
{
    private readonly List<TEntry> entries = [];

    /// <summary>The entries, in registration order.</summary>
    public IReadOnlyList<TEntry> Entries
    {
        get
        {
            lock (entries)
            {
                return entries.ToArray();
            }
        }
    }

    /// <summary>The one <typeparamref name="TService"/> of <paramref name="services"/>, registered now if it was not.</summary>
    public static TService In<TService>(IServiceCollection services, Func<TService> create)
        where TService : class
    {
        if (services.LastOrDefault(d => d.ServiceType == typeof(TService))?.ImplementationInstance is TService existing)
        {
            return existing;
        }

        var created = create();
        services.AddSingleton(created);
        return created;
    }

    public TEntry Add(TEntry entry)
    {
        lock (entries)
        {
            entries.Add(entry);
        }

        return entry;
    }
}
