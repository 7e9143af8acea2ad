using System.Buffers;
using Pipelines.Tests.Contracts;

namespace Pipelines.Tests.Serialization;

/// <summary>
/// Allocation is a property of the code, not of the machine's speed, so it is asserted here; speed lives in
/// the benchmarks. Each test warms up first so that tiered JIT and first-use caches are out of the count.
/// </summary>
public class AllocationTests
{
    [Fact]
    public void Writing_rows_and_batches_into_a_reused_buffer_allocates_nothing()
    {
        var row = PackedRowsTests.Reading(7);
        var rows = Enumerable.Range(0, 1000).Select(i => PackedRowsTests.Reading(i % 20)).ToArray();
        var output = new ArrayBufferWriter<byte>(1 << 16);

        var allocated = Measure(() =>
        {
            output.ResetWrittenCount();
            MessageSerializer.Serialize(output, row);
            output.ResetWrittenCount();
            MessageSerializer.SerializePacked<SensorReading>(output, rows);
        });

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Reading_struct_rows_with_a_repeated_tag_allocates_nothing()
    {
        var bytes = MessageSerializer.Serialize(PackedRowsTests.Reading(7));

        var allocated = Measure(() => MessageSerializer.Deserialize<SensorReading>(bytes.AsSpan()));

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Reading_a_batch_into_a_reused_list_allocates_nothing_per_row()
    {
        var bytes = MessageSerializer.SerializePacked<SensorReading>(Enumerable.Range(0, 1000).Select(i => PackedRowsTests.Reading(i % 20)).ToArray());
        var rows = new List<SensorReading>(1000);

        var allocated = Measure(() =>
        {
            rows.Clear();
            MessageSerializer.DeserializePacked(bytes.AsSpan(), rows);
        });

        Assert.Equal(0, allocated);
        Assert.Equal(1000, rows.Count);
    }

    [Fact]
    public void Reading_a_class_row_allocates_only_the_row_itself()
    {
        var bytes = MessageSerializer.Serialize(new ReadingV1 { Sensor = "probe-1", Value = 1 });
        var rowSize = Measure(() => new ReadingV1());

        var allocated = Measure(() => MessageSerializer.Deserialize<ReadingV1>(bytes.AsSpan()));

        Assert.Equal(rowSize, allocated);
    }

    /// <summary>Bytes allocated per call of <paramref name="action"/> on this thread, after as many calls to warm up.</summary>
    internal static long Measure(Action action, int iterations = 2000)
    {
        for (var i = 0; i < iterations; i++)
        {
            action();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < iterations; i++)
        {
            action();
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / iterations;
    }
}
