using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text;
using Confluent.Kafka;
using Pipelines.IntegrationTests.Kafka;
using Pipelines.Processing;

namespace Pipelines.IntegrationTests.Processing;

public class ObservabilityTests
{
    private const string Processor = "observed";

    [Fact]
    public async Task Metrics_count_every_outcome_and_the_trace_continues_from_input_to_output()
    {
        using var harness = new KafkaHarness(partitions: 1);
        var measurements = new ConcurrentDictionary<string, double>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == PipelinesTelemetry.Name)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == PipelinesTelemetry.ProcessorTag && Equals(tag.Value, Processor))
                {
                    measurements.AddOrUpdate(instrument.Name + (instrument is Histogram<double> ? ".count" : string.Empty), instrument is Histogram<double> ? 1 : value, (_, total) => instrument is Histogram<double> ? total + 1 : instrument.Name == "pipelines.consumer.lag" ? value : total + value);
                }
            }
        }

        meters.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        meters.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        meters.Start();

        var activities = new ConcurrentQueue<Activity>();
        using var tracing = new ActivityListener
        {
            ShouldListenTo = source => source.Name == PipelinesTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activities.Enqueue,
        };
        ActivitySource.AddActivityListener(tracing);

        var traceId = ActivityTraceId.CreateRandom();
        var parentSpan = ActivitySpanId.CreateRandom();
        using (var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = harness.Kafka.BootstrapServers }).Build())
        {
            foreach (var reading in KafkaHarness.Readings(0, 5))
            {
                var headers = new Headers { { "traceparent", Encoding.ASCII.GetBytes($"00-{traceId}-{parentSpan}-01") } };
                await producer.ProduceAsync("readings", new Message<string, byte[]> { Key = reading.Sensor, Value = MessageSerializer.Serialize(reading), Headers = headers });
            }

            await producer.ProduceAsync("readings", new Message<string, byte[]> { Key = "bad", Value = [0xc1] });
        }

        using var stop = new CancellationTokenSource();
        var options = harness.Options() with { Name = Processor, GroupId = Processor };
        var run = new ProcessorRunner<Reading, Doubled>(options, new TestProcessor<Reading, Doubled> { Row = (row, _, _) => ValueTask.FromResult<Doubled?>(new Doubled { Time = row.Time, Sensor = row.Sensor, Value = row.Value }) }).RunAsync(stop.Token);
        var outputs = harness.Read("doubled", 5);
        harness.Read("readings.dlq", 1);
        meters.RecordObservableInstruments();
        await stop.CancelAsync();
        await run.WithinPatience();

        Assert.Equal(6, measurements["messaging.client.consumed.messages"]);
        Assert.Equal(5, measurements["messaging.client.sent.messages"]);
        Assert.Equal(1, measurements["pipelines.messages.failed"]);
        Assert.Equal(1, measurements["pipelines.messages.dead_lettered"]);
        Assert.Equal(5, measurements["messaging.process.duration.count"]);
        Assert.True(measurements.ContainsKey("pipelines.consumer.lag"), "the lag gauge reports while the processor runs");

        // Spans are named after the topic; other tests' processors read "readings" too, at the same time.
        var processed = activities.Where(a => a.DisplayName == "process readings" && Equals(a.GetTagItem("pipelines.processor"), Processor)).ToList();
        Assert.Equal(6, processed.Count);
        Assert.All(processed, a => Assert.Equal(
            (Processor, "kafka", "process", "readings", Processor, "0", ActivityKind.Consumer),
            (a.GetTagItem("pipelines.processor"), a.GetTagItem("messaging.system"), a.GetTagItem("messaging.operation.type"), a.GetTagItem("messaging.destination.name"), a.GetTagItem("messaging.consumer.group.name"), a.GetTagItem("messaging.destination.partition.id"), a.Kind)));
        Assert.Equal([0L, 1, 2, 3, 4, 5], processed.Select(a => (long)a.GetTagItem("messaging.kafka.offset")!).Order());
        Assert.Equal(5, processed.Count(a => a.TraceId == traceId && a.ParentSpanId == parentSpan));
        Assert.All(outputs, o =>
        {
            var traceparent = Encoding.ASCII.GetString(o.Message.Headers.GetLastBytes("traceparent"));
            Assert.StartsWith($"00-{traceId}-", traceparent);
            Assert.DoesNotContain(parentSpan.ToString(), traceparent);
        });
    }
}
