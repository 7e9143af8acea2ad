namespace Pipelines.IntegrationTests.Kafka;

/// <summary>
/// Where the Java client's default partitioner puts a key (Kafka's <c>Utils.murmur2</c>, made positive, modulo the
/// partition count), written from its definition: the reference the partitioning tests hold every writer to, librdkafka
/// included.
/// </summary>
internal static class JavaPartitioner
{
    public static int PartitionOf(ReadOnlySpan<byte> key, int partitions) => (Murmur2(key) & 0x7fffffff) % partitions;

    public static int Murmur2(ReadOnlySpan<byte> data)
    {
        const uint M = 0x5bd1e995;
        var h = 0x9747b28cu ^ (uint)data.Length;
        var whole = data.Length / 4 * 4;
        for (var i = 0; i < whole; i += 4)
        {
            var k = data[i] | ((uint)data[i + 1] << 8) | ((uint)data[i + 2] << 16) | ((uint)data[i + 3] << 24);
            k *= M;
            k ^= k >> 24;
            k *= M;
            h *= M;
            h ^= k;
        }

        // The tail's bytes, highest first, as Java's switch falls through.
        switch (data.Length % 4)
        {
            case 3:
                h ^= (uint)data[whole + 2] << 16;
                goto case 2;
            case 2:
                h ^= (uint)data[whole + 1] << 8;
                goto case 1;
            case 1:
                h ^= data[whole];
                h *= M;
                break;
        }

        h ^= h >> 13;
        h *= M;
        h ^= h >> 15;
        return (int)h;
    }
}
