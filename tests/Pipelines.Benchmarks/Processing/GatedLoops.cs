using System.Diagnostics.Metrics;
using Confluent.Kafka;
using Pipelines.Kafka.Embedded;

namespace Pipelines.Benchmarks.Processing;

/// <summary>
/// The loops of a passthrough benchmark against the embedded broker (3 brokers): each loop reads <c>&lt;loop&gt;-in</c>
/// and writes <c>&lt;loop&gt;-out</c>, in its own group, started once and kept running. An iteration's input is written
/// while the loops wait at a gate (not measured); then the gate opens and the iteration ends when as many outputs as
/// inputs were acknowledged: a processor's count through Pipelines' sent-messages counter, a raw loop's by
/// <see cref="Delivered"/>. That measures a running pipeline's throughput, not joining a group and leaving it.
/// </summary>
internal sealed class GatedLoops : IDisposable
{
    public static readonly IReadOnlyDictionary<string, string> ConsumerSettings = new Dictionary<string, string>
    {
        ["session.timeout.ms"] = "6000",
        ["heartbeat.interval.ms"] = "500",
    };

    private readonly CancellationTokenSource stop = new();
    private readonly ManualResetEventSlim gate = new();
    private readonly List<Task> loops = [];
    private readonly IProducer<byte[], byte[]> source;
    private readonly MeterListener listener;
    private readonly int messages;
    private TaskCompletionSource done = new();
    private long acknowledged;

    public GatedLoops(int messages, int partitions, params string[] names)
    {
        this.messages = messages;
        Kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Brokers = 3 });
        source = new ProducerBuilder<byte[], byte[]>(new ProducerConfig { BootstrapServers = Kafka.BootstrapServers, LingerMs = 5 }).Build();
        listener = new MeterListener { InstrumentPublished = (instrument, l) => { if (instrument.Name == "messaging.client.sent.messages") l.EnableMeasurementEvents(instrument); } };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Delivered(value));
        listener.Start();
        foreach (var name in names)
        {
            Kafka.CreateTopic(name + "-in", partitions);
            Kafka.CreateTopic(name + "-out", partitions);
        }
    }

    public EmbeddedKafka Kafka { get; }

    /// <summary>Cancelled when the benchmark ends: a raw loop returns.</summary>
    public CancellationToken Stopping => stop.Token;

    /// <summary>Keeps <paramref name="loop"/> to wait for at the end.</summary>
    public void Add(Task loop) => loops.Add(loop);

    /// <summary>Holds a loop's handler until the iteration starts.</summary>
    public void WaitAtGate() => gate.Wait();

    /// <summary>Counts acknowledged outputs; the iteration ends at the input's count.</summary>
    public void Delivered(long count)
    {
        if (Interlocked.Add(ref acknowledged, count) == messages)
        {
            done.TrySetResult();
        }
    }

    /// <summary>Closes the gate and writes an iteration's input to <paramref name="loop"/>'s topic, message i under key i mod the keys.</summary>
    public void Write(string loop, byte[][] keys, byte[][] values)
    {
        gate.Reset();
        done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Interlocked.Exchange(ref acknowledged, 0);
        for (var i = 0; i < messages; i++)
        {
            source.Produce(loop + "-in", new Message<byte[], byte[]> { Key = keys[i % keys.Length], Value = values[i] });
        }

        source.Flush();
    }

    /// <summary>Opens the gate and returns when the iteration's every output was acknowledged.</summary>
    public void Run()
    {
        gate.Set();
        done.Task.GetAwaiter().GetResult();
    }

    public void Dispose()
    {
        stop.Cancel();
        gate.Set();
        Task.WaitAll(loops);
        listener.Dispose();
        source.Dispose();
        Kafka.Dispose();
    }
}
