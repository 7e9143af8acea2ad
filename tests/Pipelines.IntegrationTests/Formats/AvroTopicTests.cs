using System.Reflection;
using System.Text;
using Avro.Generic;
using Confluent.Kafka;
using Confluent.Kafka.SyncOverAsync;
using Confluent.SchemaRegistry;
using Confluent.SchemaRegistry.Serdes;
using Pipelines.Kafka.Embedded;
using Pipelines.Processing;
using Pipelines.Publishing;
using Pipelines.Testing;

namespace Pipelines.IntegrationTests.Formats;

/// <summary>
/// Processors, tables and writers on Avro topics through a registry: what Confluent's AvroSerializer writes a processor
/// reads (also with an older schema), what it writes Confluent's AvroDeserializer reads; a contract that does not fit
/// the subject stops the processor before its first row, naming the field; a registry that does not answer holds a
/// message back instead of dead-lettering it.
/// </summary>
public sealed class AvroTopicTests : IDisposable
{
    private readonly EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.Start();
    private readonly CachedSchemaRegistryClient client;
    private readonly EmbeddedKafka kafka = EmbeddedKafka.Start();

    public AvroTopicTests()
    {
        client = new CachedSchemaRegistryClient(new SchemaRegistryConfig { Url = registry.Url });
        foreach (var topic in new[] { "lap-times", "lap-records", "lap-times.dlq", "drivers" })
        {
            kafka.CreateTopic(topic, 1);
        }
    }

    public void Dispose()
    {
        client.Dispose();
        registry.Dispose();
        kafka.Dispose();
    }

    // The lap time's schema as a writer before the contract gained its nullable driver.
    private const string OlderLapSchema =
        """{"type":"record","name":"AvroLap","namespace":"Pipelines.IntegrationTests.Formats","fields":[{"name":"car","type":"string"},{"name":"lap","type":"int"},{"name":"seconds","type":"double"}]}""";

    [Fact]
    public async Task A_processor_reads_what_Confluents_serializer_wrote_and_writes_what_its_deserializer_reads_one_message_a_row()
    {
        await ProduceGeneric(OlderLapSchema, ("car-1", 1, 90.0, null));
        await ProduceGeneric(MessageSerializer.SchemaOf<AvroLap>().AvroSchema!, ("car-1", 2, 80.0, "Ada"), ("car-1", 3, 75.0, "Ada"));
        await ProduceRaw("car-2", "not avro"u8.ToArray());
        await ProduceGeneric(MessageSerializer.SchemaOf<AvroLap>().AvroSchema!, ("car-2", 1, 100.0, null));

        // An output buffer packs rows on other topics; on an Avro topic each row still goes as a message of its own.
        var options = Options() with { OutputBuffer = new BufferOptions { MaxRows = 3, Timeout = TimeSpan.FromMilliseconds(100) } };
        using var stop = new CancellationTokenSource();
        var run = new ProcessorRunner<AvroLap, AvroLapRecord>(options, TestProcessor.Rows<AvroLap, AvroLapRecord>((lap, _, _) =>
            ValueTask.FromResult<AvroLapRecord?>(new AvroLapRecord { Car = lap.Car, Lap = lap.Lap, Kmh = Math.Round(5000 / lap.Seconds * 3.6, 1), Driver = lap.Driver }))).RunAsync(stop.Token);
        var letters = TopicReader.Read<string>(kafka.BootstrapServers, "lap-times.dlq", 1);
        var records = Consume<GenericRecord>("lap-records", new AvroDeserializer<GenericRecord>(client).AsSyncOverAsync(), 4);
        await stop.CancelAsync();
        await run.WithinPatience();

        Assert.Equal(
            [("car-1", 1, 200.0, (string?)null), ("car-1", 2, 225.0, "Ada"), ("car-1", 3, 240.0, "Ada"), ("car-2", 1, 180.0, null)],
            records.Select(r => ((string)r.Message.Value["car"], (int)r.Message.Value["lap"], (double)r.Message.Value["kmh"], (string?)r.Message.Value["driver"])));
        Assert.All(records, r => Assert.Equal(r.Message.Value["car"], r.Message.Key));
        Assert.Equal(MessageSerializer.SchemaOf<AvroLapRecord>().AvroSchema, (await client.GetLatestSchemaAsync("lap-records-value")).SchemaString);

        Assert.Equal("not avro", Encoding.UTF8.GetString(letters[0].Message.Value));
        Assert.Contains("does not start with the Confluent wire format's magic byte 0", Encoding.UTF8.GetString(letters[0].Message.Headers.GetLastBytes(DeadLetterHeaders.ExceptionMessage)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_the_topic_record_strategy_subjects_are_named_as_Confluents_serializer_names_them()
    {
        var schema = (Avro.RecordSchema)Avro.Schema.Parse(MessageSerializer.SchemaOf<AvroLap>().AvroSchema!);
        var record = new GenericRecord(schema);
        record.Add("car", "car-1");
        record.Add("lap", 1);
        record.Add("seconds", 90.0);
        record.Add("driver", null);
        using (var producer = new ProducerBuilder<string, GenericRecord>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers })
            .SetValueSerializer(new AvroSerializer<GenericRecord>(client, new AvroSerializerConfig { SubjectNameStrategy = SubjectNameStrategy.TopicRecord })).Build())
        {
            await producer.ProduceAsync("lap-times", new Message<string, GenericRecord> { Key = "car-1", Value = record });
        }

        using var stop = new CancellationTokenSource();
        var run = new ProcessorRunner<AvroLap, AvroLapRecord>(Options() with { SubjectNameStrategy = SubjectNameStrategy.TopicRecord }, TestProcessor.Rows<AvroLap, AvroLapRecord>((lap, _, _) =>
            ValueTask.FromResult<AvroLapRecord?>(new AvroLapRecord { Car = lap.Car, Lap = lap.Lap, Kmh = 200 }))).RunAsync(stop.Token);
        var records = Consume<GenericRecord>("lap-records", new AvroDeserializer<GenericRecord>(client).AsSyncOverAsync(), 1);
        await stop.CancelAsync();
        await run.WithinPatience();

        Assert.Equal(200.0, (double)records[0].Message.Value["kmh"]);
        Assert.Equal(
            ["lap-records-Pipelines.IntegrationTests.Formats.AvroLapRecord", "lap-times-Pipelines.IntegrationTests.Formats.AvroLap"],
            (await client.GetAllSubjectsAsync()).Order());
    }

    [Fact]
    public async Task An_output_schema_the_subject_refuses_stops_the_processor_before_its_first_row_naming_each_field()
    {
        // The subject holds a schema the contract may not follow at the registry's default level, BACKWARD.
        await client.RegisterSchemaAsync("lap-records-value", new Schema(
            """{"type":"record","name":"AvroLapRecord","namespace":"Pipelines.IntegrationTests.Formats","fields":[{"name":"car","type":"string"},{"name":"lap","type":"string"}]}""", SchemaType.Avro));
        await ProduceGeneric(MessageSerializer.SchemaOf<AvroLap>().AvroSchema!, ("car-1", 1, 90.0, null));

        var handled = 0;
        var run = new ProcessorRunner<AvroLap, AvroLapRecord>(Options(), TestProcessor.Rows<AvroLap, AvroLapRecord>((lap, _, _) =>
        {
            Interlocked.Increment(ref handled);
            return ValueTask.FromResult<AvroLapRecord?>(new AvroLapRecord { Car = lap.Car });
        })).RunAsync(CancellationToken.None);

        var refused = await Assert.ThrowsAsync<SchemaIncompatibleException>(() => run.WithinPatience());
        Assert.Equal("lap-records-value", refused.Subject);
        Assert.Contains("field 'lap': the writer's string cannot be read as the reader's int", refused.Message, StringComparison.Ordinal);
        Assert.Contains("field 'kmh' is not in the writer's schema and has no default", refused.Message, StringComparison.Ordinal);
        Assert.Equal(0, handled);
    }

    [Fact]
    public async Task An_input_contract_that_cannot_read_the_subjects_latest_schema_stops_the_processor_naming_the_field()
    {
        // The writers dropped 'seconds', which the contract needs and has no default for.
        await client.RegisterSchemaAsync("lap-times-value", new Schema(
            """{"type":"record","name":"AvroLap","namespace":"Pipelines.IntegrationTests.Formats","fields":[{"name":"car","type":"string"},{"name":"lap","type":"int"}]}""", SchemaType.Avro));

        var run = new ProcessorRunner<AvroLap, AvroLapRecord>(Options(), TestProcessor.Rows<AvroLap, AvroLapRecord>((_, _, _) => ValueTask.FromResult<AvroLapRecord?>(null))).RunAsync(CancellationToken.None);

        var refused = await Assert.ThrowsAsync<SchemaIncompatibleException>(() => run.WithinPatience());
        Assert.Equal("lap-times-value", refused.Subject);
        Assert.Contains("field 'seconds' is not in the writer's schema and has no default in the reader's", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_message_whose_writer_schema_the_registry_does_not_give_waits_for_it_and_is_not_dead_lettered()
    {
        await ProduceGeneric(OlderLapSchema, ("car-1", 1, 90.0, null));
        var flaky = FlakyRegistry.Around(client);
        var handled = new Collected<AvroLap>();
        using var stop = new CancellationTokenSource();
        var run = new ProcessorRunner<AvroLap, AvroLapRecord>(Options() with { SchemaRegistry = flaky }, TestProcessor.Rows<AvroLap, AvroLapRecord>((lap, _, _) =>
        {
            handled.Add(lap);
            return ValueTask.FromResult<AvroLapRecord?>(null);
        })).RunAsync(stop.Token);

        // The processor asked twice and was not answered; the message is neither handled nor dead-lettered meanwhile.
        await ((FlakyRegistry)(object)flaky).Missed.Task.WaitAsync(KafkaHarnessPatience);
        Assert.True(handled.IsEmpty);
        ((FlakyRegistry)(object)flaky).Down = false;
        await handled.Until(rows => rows.Count == 1, run);
        await stop.CancelAsync();
        await run.WithinPatience();

        Assert.Equal([("car-1", 1, 90.0)], handled.Select(l => (l.Car, l.Lap, l.Seconds)));
        Assert.Equal(0, EndOf("lap-times.dlq"));
    }

    [Fact]
    public async Task A_writer_and_a_table_on_an_Avro_topic_use_the_registry_and_the_processor_finds_each_row()
    {
        using (var writer = new TopicWriter<AvroDriver>(new TopicWriterOptions { BootstrapServers = kafka.BootstrapServers, SchemaRegistry = client }))
        {
            writer.Write(new AvroDriver { Car = "car-1", Name = "Ada" });
            writer.Write(new AvroDriver { Car = "car-2", Name = "Grace" });
            writer.Flush(KafkaHarnessPatience);
        }

        await ProduceGeneric(MessageSerializer.SchemaOf<AvroLap>().AvroSchema!, ("car-1", 1, 90.0, null), ("car-2", 1, 95.0, null));
        var named = new Collected<string>();
        using var stop = new CancellationTokenSource();
        var processor = new TestProcessor<AvroLap, AvroLapRecord>
        {
            Row = (lap, context, _) =>
            {
                named.Add(lap.Car + " " + context.GlobalTable<AvroDriver>(0).GetValueOrDefault(lap.Car)?.Name);
                return ValueTask.FromResult<AvroLapRecord?>(null);
            },
            Tables = [Pipelines.Infrastructure.TableDefinition.Global<AvroDriver>("drivers")],
        };
        var run = new ProcessorRunner<AvroLap, AvroLapRecord>(Options() with { SchemaRegistry = client }, processor).RunAsync(stop.Token);
        await named.Until(rows => rows.Count == 2, run);
        await stop.CancelAsync();
        await run.WithinPatience();

        Assert.Equal(["car-1 Ada", "car-2 Grace"], named);
        Assert.Equal(MessageSerializer.SchemaOf<AvroDriver>().AvroSchema, (await client.GetLatestSchemaAsync("drivers-value")).SchemaString);
    }

    [Fact]
    public void A_writer_without_a_registry_says_which_setting_it_needs()
    {
        var missing = Assert.Throws<InvalidOperationException>(() => new TopicWriter<AvroDriver>(new TopicWriterOptions { BootstrapServers = kafka.BootstrapServers }));

        Assert.Contains("TopicWriterOptions.SchemaRegistry", missing.Message, StringComparison.Ordinal);
    }

    private static readonly TimeSpan KafkaHarnessPatience = TopicReader.Patience;

    private ProcessorOptions Options() => new()
    {
        Name = "lap-speeds",
        GroupId = "lap-speeds",
        InputTopic = "lap-times",
        OutputTopic = "lap-records",
        DeadLetterTopic = "lap-times.dlq",
        BootstrapServers = kafka.BootstrapServers,
        SchemaRegistry = client,
        RetryBackoff = TimeSpan.FromMilliseconds(1),
        ConsumerKafka = new Dictionary<string, string> { ["session.timeout.ms"] = "3000", ["heartbeat.interval.ms"] = "500" },
    };

    private async Task ProduceGeneric(string schemaText, params (string Car, int Lap, double Seconds, string? Driver)[] laps)
    {
        var schema = (Avro.RecordSchema)Avro.Schema.Parse(schemaText);
        using var producer = new ProducerBuilder<string, GenericRecord>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers })
            .SetValueSerializer(new AvroSerializer<GenericRecord>(client)).Build();
        foreach (var lap in laps)
        {
            var record = new GenericRecord(schema);
            record.Add("car", lap.Car);
            record.Add("lap", lap.Lap);
            record.Add("seconds", lap.Seconds);
            if (schema.Contains("driver"))
            {
                record.Add("driver", lap.Driver);
            }

            await producer.ProduceAsync("lap-times", new Message<string, GenericRecord> { Key = lap.Car, Value = record });
        }
    }

    private async Task ProduceRaw(string key, byte[] value)
    {
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build();
        await producer.ProduceAsync("lap-times", new Message<string, byte[]> { Key = key, Value = value });
    }

    private List<ConsumeResult<string, T>> Consume<T>(string topic, IDeserializer<T> deserializer, int count)
    {
        using var consumer = new ConsumerBuilder<string, T>(new ConsumerConfig { BootstrapServers = kafka.BootstrapServers, GroupId = "reader-" + Guid.NewGuid().ToString("N"), AutoOffsetReset = AutoOffsetReset.Earliest })
            .SetValueDeserializer(deserializer).Build();
        consumer.Subscribe(topic);
        var results = new List<ConsumeResult<string, T>>();
        var deadline = DateTime.UtcNow + KafkaHarnessPatience;
        while (results.Count < count && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { } result)
            {
                results.Add(result);
            }
        }

        consumer.Close();
        Assert.Equal(count, results.Count);
        return results;
    }

    private long EndOf(string topic)
    {
        using var consumer = new ConsumerBuilder<Ignore, Ignore>(new ConsumerConfig { BootstrapServers = kafka.BootstrapServers, GroupId = "count" }).Build();
        return consumer.QueryWatermarkOffsets(new TopicPartition(topic, 0), KafkaHarnessPatience).High.Value;
    }
}

/// <summary>A registry client that, while <see cref="Down"/>, does not answer requests for a schema by id, as a registry that is down does not.</summary>
public class FlakyRegistry : DispatchProxy
{
    private ISchemaRegistryClient inner = null!;
    private int misses;

    public volatile bool Down = true;

    /// <summary>Completes once two requests went unanswered.</summary>
    public TaskCompletionSource Missed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static ISchemaRegistryClient Around(ISchemaRegistryClient inner)
    {
        var proxy = Create<ISchemaRegistryClient, FlakyRegistry>();
        ((FlakyRegistry)(object)proxy).inner = inner;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        if (Down && targetMethod!.Name == nameof(ISchemaRegistryClient.GetSchemaAsync) && args![0] is int)
        {
            if (Interlocked.Increment(ref misses) == 2)
            {
                Missed.TrySetResult();
            }

            return Task.FromException<Schema>(new HttpRequestException("Connection refused (the test's registry is down)"));
        }

        try
        {
            return targetMethod!.Invoke(inner, args);
        }
        catch (TargetInvocationException exception)
        {
            throw exception.InnerException!;
        }
    }
}
