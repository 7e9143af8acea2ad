using Pipelines.IntegrationTests.Kafka;
using Pipelines.IntegrationTests.Processing;
using Pipelines.Infrastructure;
using Pipelines.Processing;
using Pipelines.Tables;
using Pipelines.Testing;

namespace Pipelines.IntegrationTests.Tables;

/// <summary>
/// Rows wait for their table: a table that takes its time to load (here, a reader that completes a while after it is
/// asked) is complete for the first row whatever that time is, because the runner does not hand rows on before it.
/// The delay is the table's slowness, not a wait of the test: the assertions hold for any delay.
/// </summary>
public sealed class TableWaitTests
{
    private static readonly TimeSpan Load = TimeSpan.FromMilliseconds(700);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task No_row_is_handled_before_a_slow_table_has_loaded(bool partitioned)
    {
        using var harness = new KafkaHarness(partitions: 2);
        await harness.Produce(KafkaHarness.Readings(0, 20));
        var table = new SlowTable(partitioned);
        var processor = new TestProcessor<Reading, Doubled>
        {
            Tables = [TableDefinition.Of("sensor-names", typeof(SensorName), partitioned, (_, _) => table)],
            Row = (row, context, _) =>
            {
                var held = partitioned ? context.Table<SensorName>(0).Count : context.GlobalTable<SensorName>(0).Count;
                return ValueTask.FromResult<Doubled?>(new Doubled { Time = row.Time, Sensor = row.Sensor, Value = held });
            },
        };

        using var stop = new CancellationTokenSource();
        var run = new ProcessorRunner<Reading, Doubled>(harness.Options(), processor).RunAsync(stop.Token);
        var doubled = harness.ReadDoubledRows(20).SelectMany(m => m.Rows).ToList();
        await stop.CancelAsync();
        await run.WithinPatience();

        Assert.All(doubled, d => Assert.Equal(SlowTable.Keys, d.Value)); // every row saw the whole table
    }

    /// <summary>A table whose load (of every partition, or of the partitions assigned) completes <see cref="Load"/> after it starts.</summary>
    private sealed class SlowTable : TableReader
    {
        public const int Keys = 5;
        private readonly ITableRows<SensorName> rows;

        public SlowTable(bool partitioned)
        {
            IsPartitioned = partitioned;
            rows = partitioned ? new Table<SensorName>("sensor-names") : new GlobalTable<SensorName>("sensor-names");
            Loaded = partitioned ? Task.CompletedTask : Fill([0, 1]);
        }

        public override object Facade => rows;

        public override Task Loaded { get; }

        public override bool IsPartitioned { get; }

        public override Task Assign(IReadOnlyCollection<int> partitions) => IsPartitioned ? Fill(partitions) : Task.CompletedTask;

        public override void Revoke(IReadOnlyCollection<int> partitions)
        {
        }

        public override void Dispose()
        {
        }

        private async Task Fill(IReadOnlyCollection<int> partitions)
        {
            await Task.Delay(Load);
            for (var i = 0; i < Keys; i++)
            {
                rows.Set(partitions.First(), "sensor-" + i, new SensorName { Sensor = "sensor-" + i, Name = "n" });
            }
        }
    }
}
