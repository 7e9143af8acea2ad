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
    private readonly HostRegistry<ProcessorStatus> processors = new();

    internal PipelinesStatus()
    {
    }

    /// <summary>The processors' statuses.</summary>
    public IReadOnlyList<ProcessorStatus> Processors => processors.Entries;

    /// <summary>The one instance of <paramref name="services"/>, registered now if it was not.</summary>
    internal static PipelinesStatus In(IServiceCollection services) => HostRegistry<ProcessorStatus>.In(services, () => new PipelinesStatus());

    internal ProcessorStatus Add(string name, TimeProvider? timeProvider = null) => processors.Add(new ProcessorStatus(name, timeProvider));
}
