using Pipelines.State;

namespace Pipelines.Tests.State;

public sealed class StateStoreTests : IDisposable
{
    private readonly string directory = Path.Combine(Path.GetTempPath(), "pipelines-store-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void A_record_round_trips_with_its_row_position_and_value_or_none()
    {
        var withValue = new StateRecord(new RowPosition(long.MaxValue, 3), new byte[] { 1, 2, 3 });
        var decoded = StateRecord.Decode(withValue.Encode());
        Assert.Equal(withValue.Applied, decoded.Applied);
        Assert.Equal([1, 2, 3], decoded.Value);

        var none = StateRecord.Decode(new StateRecord(new RowPosition(0, 0), null).Encode());
        Assert.Null(none.Value);
    }

    [Fact]
    public void A_record_of_several_inputs_round_trips_each_inputs_position_and_one_of_one_input_keeps_its_layout()
    {
        var several = new StateRecord(new RowPosition(40, 1), [7, 8], [new RowPosition(3, 0), RowPosition.None]);
        var decoded = StateRecord.Decode(several.Encode());
        var single = new StateRecord(new RowPosition(40, 1), [7, 8]).Encode();

        Assert.Equal(new RowPosition(40, 1), decoded.Applied);
        Assert.Equal([7, 8], decoded.Value);
        Assert.Equal([new RowPosition(3, 0), RowPosition.None], decoded.Others!);
        Assert.Equal(13 + 2, single.Length); // position, flag 1, value: as before several inputs
        Assert.Equal(1, single[12]);
        Assert.Null(StateRecord.Decode(single).Others);
    }

    [Theory]
    [InlineData(new byte[] { 1, 2 })]
    [InlineData(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 })]
    [InlineData(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9 })]
    [InlineData(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 1, 0, 0 })] // one other position announced, four bytes of it
    [InlineData(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4 })]
    public void Bytes_that_are_not_a_record_are_refused(byte[] bytes) =>
        Assert.Throws<FormatException>(() => StateRecord.Decode(bytes));

    [Theory]
    [InlineData(new byte[] { 1, 2 })]
    [InlineData(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 })]
    public void Validating_refuses_what_decoding_refuses(byte[] bytes) =>
        Assert.Throws<FormatException>(() => StateRecord.Validate(bytes));

    [Fact]
    public void Every_RocksDb_store_of_a_budget_shares_its_block_cache_and_a_nearly_empty_one_takes_kilobytes_of_disk()
    {
        var budget = RocksDbMemory.Of(24L * 1024 * 1024);
        using var first = RocksDbStateStore.Open(Path.Combine(directory, "0"), budget);
        using var second = RocksDbStateStore.Open(Path.Combine(directory, "1"), budget);
        first.Write([new("car-1"u8.ToArray(), new StateRecord(new RowPosition(0, 0), [1, 2, 3]).Encode())], 0);
        first.PersistRestored(); // a flush: the record in a table file, read through the cache
        Assert.NotNull(first.Get("car-1"u8.ToArray()));

        Assert.Equal((budget.Bytes.ToString(System.Globalization.CultureInfo.InvariantCulture), budget.Bytes.ToString(System.Globalization.CultureInfo.InvariantCulture)), (first.Property("rocksdb.block-cache-capacity"), second.Property("rocksdb.block-cache-capacity")));
        Assert.Equal(first.Property("rocksdb.block-cache-usage"), second.Property("rocksdb.block-cache-usage"));
        var bytesOnDisk = new DirectoryInfo(Path.Combine(directory, "0")).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
        Assert.InRange(bytesOnDisk, 1, 512 * 1024); // RocksDB's defaults preallocate tens of megabytes
    }

    [Fact]
    public void A_restore_batch_writes_its_records_and_offset_together_and_persisting_survives_reopening()
    {
        using (var store = RocksDbStateStore.Open(directory))
        {
            using var batch = store.BeginRestore();
            batch.Add("a"u8, new StateRecord(new RowPosition(1, 0), [1]).Encode(), tombstone: false);
            batch.Add("b"u8, default, tombstone: true);
            Assert.Equal(2, batch.Count);
            batch.Write(7);
            Assert.Equal(7, store.ChangelogOffset);
            Assert.Equal(0, batch.Count);
            store.PersistRestored();
        }

        using var reopened = RocksDbStateStore.Open(directory);
        Assert.Equal(7, reopened.ChangelogOffset);
        Assert.Equal(new RowPosition(1, 0), StateRecord.Decode(reopened.Get("a"u8.ToArray())!).Applied);
        Assert.Null(reopened.Get("b"u8.ToArray()));
    }

    [Fact]
    public void RocksDb_keeps_records_and_the_changelog_offset_across_reopening()
    {
        using (var store = RocksDbStateStore.Open(directory))
        {
            Assert.Equal(-1, store.ChangelogOffset);
            store.Write([new("a"u8.ToArray(), [1]), new("b"u8.ToArray(), [2])], 41);
            store.Write([new("a"u8.ToArray(), [3])], 42);
        }

        using var reopened = RocksDbStateStore.Open(directory);
        Assert.Equal(42, reopened.ChangelogOffset);
        Assert.Equal([3], reopened.Get("a"u8.ToArray()));
        Assert.Equal([2], reopened.Get("b"u8.ToArray()));
        Assert.Null(reopened.Get("c"u8.ToArray()));
    }

    [Fact]
    public void A_second_opening_of_one_store_is_refused_naming_the_directory_and_the_fix()
    {
        using var first = RocksDbStateStore.Open(directory);

        var refused = Assert.Throws<StateStoreException>(() => RocksDbStateStore.Open(directory));

        Assert.Contains(directory, refused.Message);
        Assert.Contains("Pipelines:StateDirectory", refused.Message);
    }

    [Fact]
    public void The_memory_store_keeps_the_highest_changelog_offset_written()
    {
        using var store = new MemoryStateStore();
        store.Write([new("a"u8.ToArray(), [1])], 7);
        store.Write([], 3);

        Assert.Equal(7, store.ChangelogOffset);
        Assert.Equal([1], store.Get("a"u8.ToArray()));
    }

    [Fact]
    public void A_record_written_as_null_is_deleted_from_either_store_as_a_tombstone_deletes_it()
    {
        using var rocks = RocksDbStateStore.Open(Path.Combine(directory, "tombstones"));
        foreach (IStateStore store in new IStateStore[] { rocks, new MemoryStateStore() })
        {
            store.Write([new("car-1"u8.ToArray(), new byte[] { 1 }), new("car-2"u8.ToArray(), new byte[] { 2 })], 0);
            store.Write([new("car-1"u8.ToArray(), null)], 1);

            Assert.Null(store.Get("car-1"u8.ToArray()));
            Assert.Equal([2], store.Get("car-2"u8.ToArray()));
            Assert.Equal(["car-2"], store.Records().Select(r => System.Text.Encoding.UTF8.GetString(r.Key)));
        }
    }
}
