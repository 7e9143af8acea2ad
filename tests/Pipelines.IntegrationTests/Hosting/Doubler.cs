using Microsoft.Extensions.Logging;
using Pipelines.IntegrationTests.Kafka;
using Pipelines.Processing;

namespace Pipelines.IntegrationTests.Hosting;

/// <summary>The one processor of this assembly, so the generated AddPipelines registers exactly it.</summary>
[Processor]
public partial class Doubler(ILogger<Doubler> log)
{
    public Doubled Handle(Reading row, StreamContext context)
    {
        log.LogDebug("Doubling {Sensor} from {Source}", row.Sensor, context.Source);
        return new Doubled { Time = row.Time, Sensor = row.Sensor, Value = row.Value * 2 };
    }
}
