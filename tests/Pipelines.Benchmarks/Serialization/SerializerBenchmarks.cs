using System.Buffers;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using MemoryPack;
using MessagePack;

namespace Pipelines.Benchmarks.Serialization;

/// <summary>
/// The generated serializer against MessagePack-CSharp (string keys: the same wire shape; integer keys) and
/// MemoryPack, for one row and for 1,000 rows per message (reported per row), in one run.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class SerializerBenchmarks
{
    private const int Rows = TelemetryData.BatchSize;

    private readonly ArrayBufferWriter<byte> output = new(1 << 20);
    private readonly List<TelemetryRow> readRows = new(Rows);
    private readonly List<TelemetryStruct> readStructs = new(Rows);

    private TelemetryRow row = null!;
    private TelemetryStruct rowStruct;
    private StringKeyRow stringKeyRow = null!;
    private IntKeyRow intKeyRow = null!;
    private MemoryPackRow memoryPackRow = null!;
    private TelemetryRow[] batch = null!;
    private TelemetryStruct[] structBatch = null!;
    private StringKeyRow[] stringKeyBatch = null!;
    private IntKeyRow[] intKeyBatch = null!;
    private MemoryPackRow[] memoryPackBatch = null!;

    private byte[] ourRowBytes = null!;
    private byte[] stringKeyRowBytes = null!;
    private byte[] intKeyRowBytes = null!;
    private byte[] memoryPackRowBytes = null!;
    private byte[] ourBatchBytes = null!;
    private byte[] stringKeyBatchBytes = null!;
    private byte[] intKeyBatchBytes = null!;
    private byte[] memoryPackBatchBytes = null!;

    [GlobalSetup]
    public void Setup()
    {
        row = TelemetryData.Row(1);
        rowStruct = TelemetryData.Struct(row);
        stringKeyRow = TelemetryData.StringKey(row);
        intKeyRow = TelemetryData.IntKey(row);
        memoryPackRow = TelemetryData.MemoryPack(row);
        batch = Enumerable.Range(0, Rows).Select(TelemetryData.Row).ToArray();
        structBatch = batch.Select(TelemetryData.Struct).ToArray();
        stringKeyBatch = batch.Select(TelemetryData.StringKey).ToArray();
        intKeyBatch = batch.Select(TelemetryData.IntKey).ToArray();
        memoryPackBatch = batch.Select(TelemetryData.MemoryPack).ToArray();

        ourRowBytes = MessageSerializer.Serialize(row);
        stringKeyRowBytes = MessagePackSerializer.Serialize(stringKeyRow);
        intKeyRowBytes = MessagePackSerializer.Serialize(intKeyRow);
        memoryPackRowBytes = MemoryPackSerializer.Serialize(memoryPackRow);
        ourBatchBytes = MessageSerializer.SerializePacked<TelemetryRow>(batch);
        stringKeyBatchBytes = MessagePackSerializer.Serialize(stringKeyBatch);
        intKeyBatchBytes = MessagePackSerializer.Serialize(intKeyBatch);
        memoryPackBatchBytes = MemoryPackSerializer.Serialize(memoryPackBatch);

        if (!ourRowBytes.AsSpan().SequenceEqual(stringKeyRowBytes))
        {
            throw new InvalidOperationException("The string-key comparison must write the same bytes as the generated serializer.");
        }

        Console.WriteLine($"// bytes per row: ours {ourRowBytes.Length}, string keys {stringKeyRowBytes.Length}, int keys {intKeyRowBytes.Length}, MemoryPack {memoryPackRowBytes.Length}");
        Console.WriteLine($"// bytes per 1,000-row message: ours (columnar) {ourBatchBytes.Length}, string keys {stringKeyBatchBytes.Length}, int keys {intKeyBatchBytes.Length}, MemoryPack {memoryPackBatchBytes.Length}");
    }

    [BenchmarkCategory("Serialize row"), Benchmark(Baseline = true)]
    public int MessagePackStringKeys_Serialize()
    {
        output.ResetWrittenCount();
        MessagePackSerializer.Serialize(output, stringKeyRow);
        return output.WrittenCount;
    }

    [BenchmarkCategory("Serialize row"), Benchmark]
    public int MessagePackIntKeys_Serialize()
    {
        output.ResetWrittenCount();
        MessagePackSerializer.Serialize(output, intKeyRow);
        return output.WrittenCount;
    }

    [BenchmarkCategory("Serialize row"), Benchmark]
    public int MemoryPack_Serialize()
    {
        output.ResetWrittenCount();
        MemoryPackSerializer.Serialize(output, memoryPackRow);
        return output.WrittenCount;
    }

    [BenchmarkCategory("Serialize row"), Benchmark]
    public int Pipelines_Serialize()
    {
        output.ResetWrittenCount();
        MessageSerializer.Serialize(output, row);
        return output.WrittenCount;
    }

    [BenchmarkCategory("Serialize row"), Benchmark]
    public int PipelinesStruct_Serialize()
    {
        output.ResetWrittenCount();
        MessageSerializer.Serialize(output, rowStruct);
        return output.WrittenCount;
    }

    [BenchmarkCategory("Deserialize row"), Benchmark(Baseline = true)]
    public StringKeyRow MessagePackStringKeys_Deserialize() => MessagePackSerializer.Deserialize<StringKeyRow>(stringKeyRowBytes);

    [BenchmarkCategory("Deserialize row"), Benchmark]
    public IntKeyRow MessagePackIntKeys_Deserialize() => MessagePackSerializer.Deserialize<IntKeyRow>(intKeyRowBytes);

    [BenchmarkCategory("Deserialize row"), Benchmark]
    public MemoryPackRow? MemoryPack_Deserialize() => MemoryPackSerializer.Deserialize<MemoryPackRow>(memoryPackRowBytes);

    [BenchmarkCategory("Deserialize row"), Benchmark]
    public TelemetryRow Pipelines_Deserialize() => MessageSerializer.Deserialize<TelemetryRow>(ourRowBytes.AsSpan());

    [BenchmarkCategory("Deserialize row"), Benchmark]
    public TelemetryStruct PipelinesStruct_Deserialize() => MessageSerializer.Deserialize<TelemetryStruct>(ourRowBytes.AsSpan());

    [BenchmarkCategory("Serialize 1,000 packed rows (per row)"), Benchmark(Baseline = true, OperationsPerInvoke = Rows)]
    public int MessagePackStringKeys_SerializeBatch()
    {
        output.ResetWrittenCount();
        MessagePackSerializer.Serialize(output, stringKeyBatch);
        return output.WrittenCount;
    }

    [BenchmarkCategory("Serialize 1,000 packed rows (per row)"), Benchmark(OperationsPerInvoke = Rows)]
    public int MessagePackIntKeys_SerializeBatch()
    {
        output.ResetWrittenCount();
        MessagePackSerializer.Serialize(output, intKeyBatch);
        return output.WrittenCount;
    }

    [BenchmarkCategory("Serialize 1,000 packed rows (per row)"), Benchmark(OperationsPerInvoke = Rows)]
    public int MemoryPack_SerializeBatch()
    {
        output.ResetWrittenCount();
        MemoryPackSerializer.Serialize(output, memoryPackBatch);
        return output.WrittenCount;
    }

    [BenchmarkCategory("Serialize 1,000 packed rows (per row)"), Benchmark(OperationsPerInvoke = Rows)]
    public int Pipelines_SerializeBatch()
    {
        output.ResetWrittenCount();
        MessageSerializer.SerializePacked<TelemetryRow>(output, batch);
        return output.WrittenCount;
    }

    [BenchmarkCategory("Serialize 1,000 packed rows (per row)"), Benchmark(OperationsPerInvoke = Rows)]
    public int PipelinesStruct_SerializeBatch()
    {
        output.ResetWrittenCount();
        MessageSerializer.SerializePacked<TelemetryStruct>(output, structBatch);
        return output.WrittenCount;
    }

    [BenchmarkCategory("Deserialize 1,000 packed rows (per row)"), Benchmark(Baseline = true, OperationsPerInvoke = Rows)]
    public StringKeyRow[] MessagePackStringKeys_DeserializeBatch() => MessagePackSerializer.Deserialize<StringKeyRow[]>(stringKeyBatchBytes);

    [BenchmarkCategory("Deserialize 1,000 packed rows (per row)"), Benchmark(OperationsPerInvoke = Rows)]
    public IntKeyRow[] MessagePackIntKeys_DeserializeBatch() => MessagePackSerializer.Deserialize<IntKeyRow[]>(intKeyBatchBytes);

    [BenchmarkCategory("Deserialize 1,000 packed rows (per row)"), Benchmark(OperationsPerInvoke = Rows)]
    public MemoryPackRow[]? MemoryPack_DeserializeBatch() => MemoryPackSerializer.Deserialize<MemoryPackRow[]>(memoryPackBatchBytes);

    [BenchmarkCategory("Deserialize 1,000 packed rows (per row)"), Benchmark(OperationsPerInvoke = Rows)]
    public int Pipelines_DeserializeBatch()
    {
        readRows.Clear();
        return MessageSerializer.DeserializePacked(ourBatchBytes.AsSpan(), readRows);
    }

    [BenchmarkCategory("Deserialize 1,000 packed rows (per row)"), Benchmark(OperationsPerInvoke = Rows)]
    public int PipelinesStruct_DeserializeBatch()
    {
        readStructs.Clear();
        return MessageSerializer.DeserializePacked(ourBatchBytes.AsSpan(), readStructs);
    }
}
