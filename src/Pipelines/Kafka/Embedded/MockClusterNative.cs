using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace Pipelines.Kafka.Embedded;

/// <summary>
/// librdkafka's mock cluster API (rdkafka_mock.h). Calls must go to the very library Confluent.Kafka loaded,
/// not a second copy: on Debian the default <c>librdkafka.so</c> needs libsasl2.so.3 and does not load, and
/// Confluent.Kafka falls back to the <c>centos8-librdkafka.so</c> beside it.
/// </summary>
internal static partial class MockClusterNative
{
    private const string Library = "librdkafka";

    static MockClusterNative() => NativeLibrary.SetDllImportResolver(typeof(MockClusterNative).Assembly, Resolve);

    /// <summary>Makes sure the resolver is registered before the first call.</summary>
    public static void EnsureLoaded() => _ = Confluent.Kafka.Library.Version;

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr rd_kafka_conf_new();

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static unsafe partial int rd_kafka_conf_set(IntPtr conf, string name, string value, byte* errstr, nuint errstrSize);

    [LibraryImport(Library)]
    public static unsafe partial IntPtr rd_kafka_new(int type, IntPtr conf, byte* errstr, nuint errstrSize);

    [LibraryImport(Library)]
    public static partial void rd_kafka_destroy(IntPtr rk);

    [LibraryImport(Library)]
    public static partial IntPtr rd_kafka_mock_cluster_new(IntPtr rk, int brokerCount);

    [LibraryImport(Library)]
    public static partial void rd_kafka_mock_cluster_destroy(IntPtr cluster);

    [LibraryImport(Library)]
    public static partial IntPtr rd_kafka_mock_cluster_bootstraps(IntPtr cluster);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial ErrorCode rd_kafka_mock_topic_create(IntPtr cluster, string topic, int partitions, int replicationFactor);

    [LibraryImport(Library)]
    public static partial ErrorCode rd_kafka_mock_broker_set_down(IntPtr cluster, int brokerId);

    [LibraryImport(Library)]
    public static partial ErrorCode rd_kafka_mock_broker_set_up(IntPtr cluster, int brokerId);

    [LibraryImport(Library)]
    public static unsafe partial void rd_kafka_mock_push_request_errors_array(IntPtr cluster, short apiKey, nuint count, ErrorCode* errors);

    [LibraryImport(Library)]
    public static partial void rd_kafka_mock_group_initial_rebalance_delay_ms(IntPtr cluster, int delayMs);

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (name != Library)
        {
            return IntPtr.Zero;
        }

        // Loading through Confluent.Kafka first means dlopen of its path returns the handle it already holds.
        EnsureLoaded();
        var loaded = OperatingSystem.IsLinux() ? LoadedLibrdkafkaPath() : null;
        return loaded is not null ? NativeLibrary.Load(loaded) : NativeLibrary.Load(name, assembly, searchPath);
    }

    private static string? LoadedLibrdkafkaPath() =>
        File.ReadLines("/proc/self/maps")
            .Select(line => line[(line.LastIndexOf(' ') + 1)..])
            .FirstOrDefault(path => path.EndsWith("librdkafka.so", StringComparison.Ordinal) || path.Contains("librdkafka.so.", StringComparison.Ordinal));
}
