using Microsoft.Extensions.DependencyInjection;
using Pipelines.Processing;

namespace Pipelines.Hosting;

/// <summary>
/// The status of every processor the host runs, in registration order: one singleton service, filled as
/// <c>AddPipelines</c>/<c>AddProcessor</c> register them. The health checks read it; so can an application's own
/// status page.
/// </summary>
public sealed class PipelinesStatus
{
    private readonly List<ProcessorStatus> processors = [];

    internal PipelinesStatus()
    {
    }

    /// <summary>The processors' statuses.</summary>
    public IReadOnlyList<ProcessorStatus> Processors
    {
        get
        {
            lock (processors)
            {
                return processors.ToArray();
            }
        }
    }

    /// <summary>The one instance of <paramref name="services"/>, registered now if it was not: a processor's status exists from its registration, before the host starts.</summary>
    internal static PipelinesStatus In(IServiceCollection services)
    {
        if (services.LastOrDefault(d => d.ServiceType == typeof(PipelinesStatus))?.ImplementationInstance is PipelinesStatus existing)
        {
            return existing;
        }

        var created = new PipelinesStatus();
        services.AddSingleton(created);
        return created;
    }

    internal ProcessorStatus Add(string name, TimeProvider? timeProvider = null)
    {
        var status = new ProcessorStatus(name, timeProvider);
        lock (processors)
        {
            processors.Add(status);
        }

        return status;
    }
}
