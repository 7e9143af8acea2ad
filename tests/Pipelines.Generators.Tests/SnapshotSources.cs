namespace Pipelines.Generators.Tests;

/// <summary>Inputs that together reach every branch of the emitter.</summary>
internal static class SnapshotSources
{
    public static readonly IReadOnlyDictionary<string, string> All = new Dictionary<string, string>
    {
        // A class built with new T() and members assigned as read; a renamed wire name; nullable and binary values.
        ["MutableClass"] = """
            using System;
            using Pipelines;

            namespace Telemetry;

            [Topic("car-telemetry")]
            public partial class CarTelemetry
            {
                [Timestamp] public long TimestampNs { get; set; }
                [Tag] public string CarId { get; set; } = "";
                [Parameter] public double Speed { get; set; }
                [Parameter("rpm")] public int EngineRpm { get; set; }
                [Parameter] public double? BrakeTemp { get; set; }
                [Parameter] public ReadOnlyMemory<byte> Frame { get; set; }
            }
            """,

        // A JSON topic: the schema says so; the serializer is the same as for any contract.
        ["JsonTopic"] = """
            using System;
            using Pipelines;

            namespace Orders;

            public enum Channel { Web, Store }

            [Topic("orders", Format = TopicFormat.Json)]
            public partial class Order
            {
                [Timestamp] public DateTimeOffset At { get; set; }
                [Tag] public string Customer { get; set; } = "";
                [Parameter] public decimal Total { get; set; }
                [Parameter] public Channel Channel { get; set; }
                [Parameter] public string[]? Items { get; set; }
            }
            """,

        // A positional record inside a partial containing type: built through its constructor and an initializer.
        ["ConstructedRecord"] = """
            using System;
            using Pipelines;

            namespace Telemetry.Laps
            {
                public static partial class Session
                {
                    [MessageContract]
                    public partial record LapCompleted([property: Timestamp] DateTimeOffset At, [property: Tag] string Driver, [property: Parameter] TimeSpan LapTime)
                    {
                        [Parameter] public int Lap { get; init; }
                    }
                }
            }
            """,

        // A struct with fields in the global namespace, holding collections, an enum and a nested contract.
        ["StructWithNestedContract"] = """
            using System.Collections.Generic;
            using Pipelines;

            public enum Compound { Soft, Medium, Hard }

            [MessageContract]
            public partial struct Wheel
            {
                [Parameter] public float Pressure;
                [Parameter] public Compound Compound;
            }

            [Topic("tyres")]
            public partial struct TyreSet
            {
                [Tag] public System.Guid CarId;
                [Parameter] public Wheel[] Wheels;
                [Parameter] public List<double?> Temperatures;
                [Parameter] public IReadOnlyList<string> Notes;
            }
            """,

        // Every handler shape, attribute settings, and the assembly's AddPipelines.
        ["Processors"] = """
            using System.Collections.Generic;
            using System.Linq;
            using System.Threading;
            using System.Threading.Tasks;
            using Pipelines;
            using Pipelines.Processing;

            namespace Telemetry;

            [Topic("car-telemetry")] public partial class CarTelemetry { [Tag] public string CarId { get; set; } = ""; [Parameter] public double BrakeTemp { get; set; } }
            [Topic("brake-alerts", Compression = Compression.Zstd)] public partial class BrakeAlert { [Tag] public string CarId { get; set; } = ""; [Parameter] public double Temp { get; set; } }

            [Processor]
            public partial class BrakeMonitor
            {
                public BrakeAlert? Handle(CarTelemetry row, StreamContext context) =>
                    row.BrakeTemp > 950 ? new BrakeAlert { CarId = row.CarId, Temp = row.BrakeTemp } : null;
            }

            [Processor]
            public partial class AlertPrinter
            {
                public Task Handle(BrakeAlert alert) => Task.CompletedTask;
            }

            [Processor(GroupId = "alert-echo-v2", OutputTopic = "car-telemetry-replayed")]
            public partial class HTTPAlertEcho
            {
                public Task<CarTelemetry> Handle(BrakeAlert alert, CancellationToken cancellationToken) =>
                    Task.FromResult(new CarTelemetry { CarId = alert.CarId, BrakeTemp = alert.Temp });
            }

            [Processor]
            public partial class BrakeAverager
            {
                public List<BrakeAlert> Handle(IReadOnlyList<CarTelemetry> rows, StreamContext context) =>
                    [new BrakeAlert { CarId = rows[0].CarId, Temp = rows.Average(r => r.BrakeTemp) }];
            }

            [Processor(OutputTopic = "brake-alerts-split")]
            public partial class AlertSplitter
            {
                public async ValueTask<BrakeAlert[]> Handle(BrakeAlert alert)
                {
                    await Task.Yield();
                    return [alert, alert];
                }
            }

            [Processor(MaxBatchSize = 250, CommitInterval = "00:00:02", OnFailure = FailurePolicy.Skip, LowLatency = true)]
            public partial class BatchPrinter
            {
                public ValueTask Handle(IReadOnlyList<BrakeAlert> alerts, CancellationToken cancellationToken) => default;
            }
            """,

        // Buffers: a topic's [Buffer] packs what every writer produces; a processor's buffers its input, with hooks.
        ["Buffers"] = """
            using System.Collections.Generic;
            using System.Linq;
            using Pipelines;

            namespace Telemetry;

            [Topic("car-telemetry")]
            public partial class CarTelemetry
            {
                [Timestamp] public long Time { get; set; }
                [Tag] public string CarId { get; set; } = "";
                [Parameter] public double Speed { get; set; }
                [Parameter] public int Lap { get; set; }
            }

            [Topic("lap-speeds")]
            [Buffer(MaxRows = 100, MaxBytes = 65536, Timeout = "00:00:00.250")]
            public partial class LapSpeed
            {
                [Timestamp] public long Time { get; set; }
                [Tag] public string CarId { get; set; } = "";
                [Parameter] public double Average { get; set; }
            }

            [Processor]
            [Buffer(MaxRows = 1000, DataSpan = "00:00:01", Timeout = "00:00:02", Reorder = "00:00:00.050", Filter = nameof(IsMoving), FlushWhen = nameof(LapChanged))]
            public partial class LapSpeeds
            {
                private bool IsMoving(CarTelemetry row) => row.Speed > 0;

                private static bool LapChanged(IReadOnlyList<CarTelemetry> rows) => rows.Count > 1 && rows[^1].Lap != rows[^2].Lap;

                public LapSpeed Handle(IReadOnlyList<CarTelemetry> rows) =>
                    new() { Time = rows[0].Time, CarId = rows[0].CarId, Average = rows.Average(r => r.Speed) };
            }
            """,

        // Events and stream hooks beside the row handler, and a processor of events alone.
        ["Streams"] = """
            using System.Threading;
            using System.Threading.Tasks;
            using Pipelines;
            using Pipelines.Processing;

            namespace Telemetry;

            [Topic("car-telemetry")] public partial class CarTelemetry { [Tag] public string CarId { get; set; } = ""; [Parameter] public double Speed { get; set; } }
            [Topic("laps")] public partial class Lap { [Tag] public string CarId { get; set; } = ""; [Parameter] public int Number { get; set; } }

            [Processor]
            public partial class LapTracker
            {
                private int laps;

                public void Handle(CarTelemetry row) { }

                public Lap? Handle(StreamEvent streamEvent, StreamContext context) =>
                    streamEvent.Id == "lap-completed" ? new Lap { CarId = context.Stream.Key, Number = ++laps } : null;

                public void OnStreamOpened(StreamInfo stream) => laps = 0;

                public ValueTask<Lap?> OnStreamClosed(StreamInfo stream, StreamEnd end, CancellationToken cancellationToken) =>
                    new(end == StreamEnd.Closed ? new Lap { CarId = stream.Key, Number = laps } : null);
            }

            [Processor(InputTopic = "car-telemetry")]
            public partial class PitStops
            {
                public Task Handle(StreamEvent streamEvent, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """,

        // Keyed state: a State<T> parameter beside the row, context and cancellation.
        ["State"] = """
            using System.Threading;
            using Pipelines;

            namespace Telemetry;

            [Topic("car-telemetry")] public partial class CarTelemetry { [Tag] public string CarId { get; set; } = ""; [Parameter] public double Distance { get; set; } }
            [Topic("laps")] public partial class LapDone { [Tag] public string CarId { get; set; } = ""; [Parameter] public int Lap { get; set; } }
            [MessageContract] public partial record struct LapProgress { [Parameter] public int Lap { get; init; } [Parameter] public double Distance { get; init; } }

            [Processor]
            public partial class LapTracker
            {
                public LapDone? Handle(CarTelemetry row, State<LapProgress> progress, StreamContext context, CancellationToken cancellationToken)
                {
                    var now = progress.GetValueOrDefault(new LapProgress { Lap = 1 });
                    if (row.Distance < now.Distance)
                    {
                        progress.Value = now with { Lap = now.Lap + 1, Distance = row.Distance };
                        return new LapDone { CarId = row.CarId, Lap = now.Lap };
                    }

                    progress.Value = now with { Distance = row.Distance };
                    return null;
                }
            }
            """,

        // Tables: two global tables beside the row and its keyed state in a row handler; a table partitioned with the input in a batch handler.
        // Sinks: a table the runtime writes (settings as given), Parquet files, and a class that is its own sink; all in AddPipelines.
        ["Sinks"] = """
            using System.Collections.Generic;
            using System.Threading;
            using System.Threading.Tasks;
            using Confluent.Kafka;
            using Pipelines;
            using Pipelines.Sinks;

            namespace Telemetry;

            [Topic("car-insights")] public partial class CarInsight { [Tag] public string CarId { get; set; } = ""; [Parameter] public double AverageSpeed { get; set; } }

            [Sink<CarInsight>(SinkTarget.Postgres, Table = "car_insights", Write = TableWrite.Upsert, CreateTable = false)]
            public partial class InsightArchive;

            [Sink<CarInsight>(SinkTarget.Parquet, Directory = "archive/insights", GroupId = "insight-files")]
            public partial class InsightFiles;

            [Sink<CarInsight>]
            public sealed partial class InsightCounter : ISink<CarInsight>
            {
                public Task<IReadOnlyDictionary<TopicPartition, long>> ReadPositionsAsync(IReadOnlyCollection<TopicPartition> partitions, string? topicIdentity, CancellationToken cancellationToken) =>
                    Task.FromResult<IReadOnlyDictionary<TopicPartition, long>>(new Dictionary<TopicPartition, long>());

                public Task WriteAsync(SinkBatch<CarInsight> batch, CancellationToken cancellationToken) => Task.CompletedTask;
            }
            """,

        ["Tables"] = """
            using System.Collections.Generic;
            using Pipelines;

            namespace Telemetry;

            [Topic("car-telemetry")] public partial class CarTelemetry { [Tag] public string CarId { get; set; } = ""; [Parameter] public double Speed { get; set; } }
            [Topic("car-setups")] public partial class CarSetup { [Tag] public string CarId { get; set; } = ""; [Parameter] public int Wing { get; set; } }
            [Topic("drivers")] public partial class Driver { [Tag] public string CarId { get; set; } = ""; [Parameter] public string Name { get; set; } = ""; }
            [Topic("enriched")] public partial class Enriched { [Tag] public string CarId { get; set; } = ""; [Parameter] public int Wing { get; set; } [Parameter] public string Driver { get; set; } = ""; }
            [MessageContract] public partial record struct Seen { [Parameter] public long Rows { get; init; } }

            [Processor]
            public partial class Enricher
            {
                public Enriched? Handle(CarTelemetry row, State<Seen> seen, GlobalTable<CarSetup> setups, GlobalTable<Driver> drivers, StreamContext context)
                {
                    seen.Value = seen.Value with { Rows = seen.Value.Rows + 1 };
                    return setups.TryGet(row.CarId, out var setup)
                        ? new Enriched { CarId = row.CarId, Wing = setup.Wing, Driver = drivers.GetValueOrDefault(row.CarId)?.Name ?? "?" }
                        : null;
                }
            }

            [Processor(GroupId = "enricher-batches", OutputTopic = "enriched-batches")]
            public partial class BatchEnricher
            {
                public IEnumerable<Enriched> Handle(IReadOnlyList<CarTelemetry> rows, Table<CarSetup> setups)
                {
                    foreach (var row in rows)
                    {
                        yield return new Enriched { CarId = row.CarId, Wing = setups.GetValueOrDefault(row.CarId)?.Wing ?? 0 };
                    }
                }
            }
            """,

        // Several inputs: two handlers sharing keyed state (one returning a row, one nothing), and a sink of three inputs.
        ["Merged"] = """
            using System.Threading;
            using System.Threading.Tasks;
            using Pipelines;

            namespace Telemetry;

            [Topic("car-telemetry")] public partial class CarTelemetry { [Timestamp] public long Time { get; set; } [Tag] public string CarId { get; set; } = ""; [Parameter] public double Speed { get; set; } }
            [Topic("pit-stops")] public partial class PitStop { [Timestamp] public long Time { get; set; } [Tag] public string CarId { get; set; } = ""; [Parameter] public double Seconds { get; set; } }
            [Topic("flags")] public partial class Flag { [Tag] public string CarId { get; set; } = ""; [Parameter] public string Color { get; set; } = ""; }
            [Topic("pit-reports")] public partial class PitReport { [Tag] public string CarId { get; set; } = ""; [Parameter] public double SpeedBefore { get; set; } [Parameter] public double Seconds { get; set; } }
            [MessageContract] public partial record struct LastSpeed { [Parameter] public double Speed { get; init; } }

            [Processor]
            public partial class PitWatch
            {
                public PitReport? Handle(CarTelemetry row, State<LastSpeed> last)
                {
                    last.Value = new LastSpeed { Speed = row.Speed };
                    return null;
                }

                public PitReport Handle(PitStop stop, State<LastSpeed> last, StreamContext context) =>
                    new() { CarId = stop.CarId, SpeedBefore = last.GetValueOrDefault(default).Speed, Seconds = stop.Seconds };
            }

            [Processor]
            public partial class RaceLog
            {
                public void Handle(CarTelemetry row) { }

                public ValueTask Handle(PitStop stop, CancellationToken cancellationToken) => default;

                public Task Handle(Flag flag) => Task.CompletedTask;
            }
            """,

        // Joins: an inner interval join, and a left as-of join with a grace.
        ["Joins"] = """
            using Pipelines;

            namespace Telemetry;

            [Topic("car-telemetry")] public partial class CarTelemetry { [Timestamp] public long Time { get; set; } [Tag] public string CarId { get; set; } = ""; [Parameter] public double Speed { get; set; } }
            [Topic("pit-stops")] public partial class PitStop { [Timestamp] public long Time { get; set; } [Tag] public string CarId { get; set; } = ""; [Parameter] public double Seconds { get; set; } }
            [Topic("pit-analyses")] public partial class PitAnalysis { [Tag] public string CarId { get; set; } = ""; [Parameter] public double Speed { get; set; } [Parameter] public double Seconds { get; set; } }

            [Processor, Join(Within = "00:00:05")]
            public partial class PitCorrelator
            {
                public PitAnalysis? Handle(CarTelemetry telemetry, PitStop stop) =>
                    telemetry.Speed > 0 ? new PitAnalysis { CarId = stop.CarId, Speed = telemetry.Speed, Seconds = stop.Seconds } : null;
            }

            [Processor(OutputTopic = "last-stops"), Join(AsOf = "00:10:00", Grace = "00:00:01")]
            public partial class LastStop
            {
                public PitAnalysis Handle(CarTelemetry telemetry, PitStop? stop) =>
                    new() { CarId = telemetry.CarId, Speed = telemetry.Speed, Seconds = stop?.Seconds ?? 0 };
            }
            """,

        // Windows: a hand-written accumulator in tumbling windows, and built-in statistics in session windows.
        ["Windows"] = """
            using Pipelines;

            namespace Telemetry;

            [Topic("car-telemetry")] public partial class CarTelemetry { [Timestamp] public long Time { get; set; } [Tag] public string CarId { get; set; } = ""; [Parameter] public double Speed { get; set; } }
            [Topic("speed-summaries")] public partial class SpeedSummary { [Timestamp] public long Start { get; set; } [Tag] public string CarId { get; set; } = ""; [Parameter] public double Mean { get; set; } [Parameter] public long Count { get; set; } }
            [MessageContract] public partial record struct SpeedSum { [Parameter] public long Count { get; init; } [Parameter] public double Sum { get; init; } }

            [Processor]
            [Window(Tumbling = "00:00:10", Grace = "00:00:02", CloseAfterIdle = "00:00:30")]
            public partial class SpeedStats
            {
                public SpeedSum Aggregate(SpeedSum sum, CarTelemetry row) => sum with { Count = sum.Count + 1, Sum = sum.Sum + row.Speed };

                public SpeedSummary Emit(WindowInfo window, SpeedSum sum) =>
                    new() { CarId = window.Key, Start = window.StartTimestamp, Mean = sum.Sum / sum.Count, Count = sum.Count };
            }

            [Processor(GroupId = "stints")]
            [Window(Session = "00:01:00", Emit = WindowEmit.OnUpdate, Of = nameof(Speed))]
            public partial class Stints
            {
                private static double Speed(CarTelemetry row) => row.Speed;

                public SpeedSummary? Emit(WindowInfo window, WindowStats stats) =>
                    stats.Count < 2 ? null : new() { CarId = window.Key, Start = window.StartTimestamp, Mean = stats.Mean, Count = stats.Count };
            }

            [Processor(GroupId = "laps-rows")]
            [Window(Session = "00:00:30")]
            public partial class LapRows
            {
                public SpeedSummary Emit(WindowInfo window, System.Collections.Generic.IReadOnlyList<CarTelemetry> rows) =>
                    new() { CarId = window.Key, Start = window.StartTimestamp, Count = rows.Count, Mean = System.Linq.Enumerable.Average(rows, r => r.Speed) };
            }

            [Processor(GroupId = "trailing")]
            [Window(Sliding = "00:00:05")]
            public partial class TrailingSpeed
            {
                public SpeedSum Aggregate(SpeedSum sum, CarTelemetry row) => sum with { Count = sum.Count + 1, Sum = sum.Sum + row.Speed };

                public SpeedSum Merge(SpeedSum left, SpeedSum right) => new() { Count = left.Count + right.Count, Sum = left.Sum + right.Sum };

                public SpeedSummary Emit(WindowInfo window, SpeedSum sum) =>
                    new() { CarId = window.Key, Start = window.StartTimestamp, Mean = sum.Sum / sum.Count, Count = sum.Count };
            }
            """,

        // A project that references Pipelines.Http: MapStreamWriters and MapStreamReaders over its topics, leaving out
        // a topic two contracts share and a contract nested in another type.
        ["StreamEndpoints"] = """
            using Pipelines;

            namespace Telemetry;

            [Topic("car-telemetry")]
            public partial class CarTelemetry
            {
                [Timestamp] public long Time { get; set; }
                [Tag] public string CarId { get; set; } = "";
                [Parameter] public double Speed { get; set; }
            }

            [Topic("pit-notes", Format = TopicFormat.Json)]
            internal partial class PitNote
            {
                [Tag("car")] public string CarId { get; set; } = "";
                [Parameter("note")] public string Note { get; set; } = "";
            }

            [Topic("laps")]
            public partial class Lap
            {
                [Tag] public string CarId { get; set; } = "";
                [Parameter] public int Number { get; set; }
            }

            [Topic("laps")]
            public partial class LapTime
            {
                [Tag] public string CarId { get; set; } = "";
                [Parameter] public double Seconds { get; set; }
            }

            public static partial class Garage
            {
                [Topic("garage")]
                public partial class Door
                {
                    [Parameter] public bool Open { get; set; }
                }
            }
            """,
    };

    /// <summary>Whether the case's project references Pipelines.Http.</summary>
    public static bool ReferencesHttp(string name) => name == "StreamEndpoints";
}
