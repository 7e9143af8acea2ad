using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Pipelines.IntegrationTests.Kafka;
using Pipelines.IntegrationTests.Processing;
using Pipelines.Processing;
using Pipelines.Testing;

namespace Pipelines.IntegrationTests.Formats;

/// <summary>
/// A JSON topic between clients no one here wrote: Python's <c>json</c> through <c>confluent_kafka</c> writes it, a
/// processor reads it and writes JSON, Python and kcat read that; what is not a row goes to the dead-letter topic with
/// its reason, byte for byte, and the processor reads on.
/// </summary>
public sealed class JsonTopicTests
{
    [Fact]
    public async Task Rows_Python_wrote_as_JSON_are_handled_and_written_as_JSON_that_Python_and_kcat_read()
    {
        using var harness = new KafkaHarness(partitions: 1);
        foreach (var topic in new[] { "pit-notes", "pit-notes-loud", "pit-notes.dlq" })
        {
            harness.Kafka.CreateTopic(topic, 1);
        }

        // One object a message, as json.dumps writes it (spaces, keys in its own order, a key this contract does not
        // know); then an array of two; then two that are not rows; then one without a key (it belongs to the stream of
        // the empty key; its output is keyed by its tag like any other).
        await Python.Run(
            """
            import json, sys
            from confluent_kafka import Producer
            producer = Producer({'bootstrap.servers': sys.argv[1]})
            for lap, car in enumerate(['car-1', 'car-2', 'car-1']):
                producer.produce('pit-notes', key=car, value=json.dumps({'lap': lap, 'text': 'box box', 'car': car, 'crew': {'size': 4}}))
            producer.produce('pit-notes', key='car-3', value=json.dumps([{'car': 'car-3', 'text': 'tyres', 'lap': 7}, {'car': 'car-3', 'text': 'fuel', 'lap': 8}]))
            producer.produce('pit-notes', key='car-4', value='{"car": "car-4", "lap": ')
            producer.produce('pit-notes', key='car-5', value=json.dumps({'car': 'car-5', 'lap': 'nine'}))
            producer.produce('pit-notes', value=json.dumps({'car': 'car-7', 'text': 'no key', 'lap': 9}))
            producer.produce('pit-notes', key='car-6', value=json.dumps({'car': 'car-6', 'text': 'last', 'lap': 10}))
            if producer.flush(30) != 0:
                sys.exit('not every message was delivered')
            """,
            harness.Kafka.BootstrapServers);

        var options = harness.Options() with { Name = "shouter", GroupId = "shouter", InputTopic = "pit-notes", OutputTopic = "pit-notes-loud", DeadLetterTopic = "pit-notes.dlq" };
        using var stop = new CancellationTokenSource();
        var run = new ProcessorRunner<PitNote, LoudNote>(options, TestProcessor.Rows<PitNote, LoudNote>((note, _, _) => ValueTask.FromResult<LoudNote?>(new LoudNote { Car = note.Car, Text = note.Text.ToUpperInvariant(), Lap = note.Lap }))).RunAsync(stop.Token);
        var letters = harness.Read("pit-notes.dlq", 2);
        var written = harness.Read("pit-notes-loud", 7);
        await stop.CancelAsync();
        await run.WithinPatience();

        // Python reads what the processor wrote: plain JSON objects, each under its car's key.
        var python = await Python.Run(
            """
            import json, sys
            from confluent_kafka import Consumer
            consumer = Consumer({'bootstrap.servers': sys.argv[1], 'group.id': 'python-reader', 'auto.offset.reset': 'earliest'})
            consumer.subscribe(['pit-notes-loud'])
            seen = 0
            while seen < 7:
                message = consumer.poll(30)
                if message is None:
                    sys.exit('no message within 30 s')
                if message.error():
                    continue
                row = json.loads(message.value())
                print(message.key().decode(), row['car'], row['lap'], row['text'])
                seen += 1
            consumer.close()
            """,
            harness.Kafka.BootstrapServers);

        Assert.Equal(
            ["car-1 car-1 0 BOX BOX", "car-2 car-2 1 BOX BOX", "car-1 car-1 2 BOX BOX", "car-3 car-3 7 TYRES", "car-3 car-3 8 FUEL", "car-7 car-7 9 NO KEY", "car-6 car-6 10 LAST"],
            python.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal("""{"car":"car-1","text":"BOX BOX","lap":0}""", Encoding.UTF8.GetString(written[0].Message.Value));

        // The two that are not rows are dead-lettered as they came, each with what is wrong with it.
        Assert.Equal(["car-4", "car-5"], letters.Select(l => l.Message.Key));
        Assert.Equal("""{"car": "car-4", "lap": """, Encoding.UTF8.GetString(letters[0].Message.Value));
        string Reason(ConsumeResult<string, byte[]> letter) => Encoding.UTF8.GetString(letter.Message.Headers.GetLastBytes(DeadLetterHeaders.ExceptionMessage));
        Assert.Contains("Cannot read a 'Pipelines.IntegrationTests.Formats.PitNote' message", Reason(letters[0]), StringComparison.Ordinal);
        Assert.Contains("in field 'lap' (int32)", Reason(letters[1]), StringComparison.Ordinal);

        // kcat, another client again, sees the same JSON text.
        using var kcat = ChildProcess.Start("kcat", $"-b {harness.Kafka.BootstrapServers} -C -t pit-notes-loud -o beginning -c 7 -e -q -f \"%k %s\\n\"");
        Assert.Equal(0, await kcat.WaitForExit());
        var lines = kcat.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("car-6 " + """{"car":"car-6","text":"LAST","lap":10}""", lines[^1]);
        Assert.All(lines, line => JsonDocument.Parse(line[(line.IndexOf(' ', StringComparison.Ordinal) + 1)..]).Dispose());
    }

    [Fact]
    public async Task A_row_whose_JSON_carries_no_time_takes_its_messages_Kafka_timestamp_as_Quix_Streams_means_it()
    {
        using var harness = new KafkaHarness(partitions: 1);
        harness.Kafka.CreateTopic("timed-notes", 1);

        // Quix Streams 3 and most services put the time in the Kafka timestamp only; some put it in the object too.
        await Python.Run(
            """
            import json, sys
            from confluent_kafka import Producer
            producer = Producer({'bootstrap.servers': sys.argv[1]})
            producer.produce('timed-notes', key='car-1', value=json.dumps({'car': 'car-1', 'text': 'kafka time'}), timestamp=1765063815250)
            producer.produce('timed-notes', key='car-1', value=json.dumps([{'car': 'car-1', 'text': 'own time', 'at': '2026-01-02T03:04:05.5+01:00'}, {'car': 'car-1', 'text': 'kafka time too'}]), timestamp=1765063816000)
            if producer.flush(30) != 0:
                sys.exit('not every message was delivered')
            """,
            harness.Kafka.BootstrapServers);

        var received = new Collected<TimedNote>();
        var options = harness.Options() with { Name = "timer", GroupId = "timer", InputTopic = "timed-notes", OutputTopic = null };
        using var stop = new CancellationTokenSource();
        var run = new ProcessorRunner<TimedNote, NoOutput>(options, new TestProcessor<TimedNote, NoOutput>
        {
            Row = (row, _, _) =>
            {
                received.Add(row);
                return default;
            },
        }).RunAsync(stop.Token);
        await received.Until(rows => rows.Count == 3, run);
        await stop.CancelAsync();
        await run.WithinPatience();

        Assert.Equal(
            [
                ("kafka time", DateTimeOffset.FromUnixTimeMilliseconds(1765063815250)),
                ("own time", new DateTimeOffset(2026, 1, 2, 3, 4, 5, 500, TimeSpan.FromHours(1))),
                ("kafka time too", DateTimeOffset.FromUnixTimeMilliseconds(1765063816000)),
            ],
            received.Select(r => (r.Text, r.At)));
    }
}
