using Pipelines.Sinks;
using Pipelines.Sources;
using Pipelines.Tests.Contracts;

namespace Pipelines.Tests.Sources;

/// <summary>
/// What a replay reads: a Parquet sink's files back into the rows that were written (every member type), CSV with its
/// quoting and empty values, a directory in name order, and each kind of bad row or file with the error that says where.
/// </summary>
public sealed class ReplayFilesTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("pipelines-replay-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    [Fact]
    public async Task A_parquet_sinks_files_read_back_as_the_rows_it_wrote_every_member_type_included()
    {
        AllTypes[] written = [AllTypesSamples.Typical(), AllTypesSamples.Nulls(), AllTypesSamples.SpecialFloats(), AllTypesSamples.Typical()];
        written[3].Tag = "second file";
        written[2].Decimal = -0.000000000000000001m; // the smallest a Parquet decimal(38, 18) holds (ParquetSinkTests: smaller is refused)
        var sink = new ParquetSink<AllTypes>(new ParquetSinkOptions { Directory = directory });
        await sink.WriteAsync(new SinkBatch<AllTypes>(written[..3], [new SinkPosition("all-types", 0, null, 3)], null), default);
        await sink.WriteAsync(new SinkBatch<AllTypes>(written[3..], [new SinkPosition("all-types", 0, 3, 4)], null), default);

        var read = await new ReplaySource<AllTypes>(directory).ReadAsync().ToListAsync();

        // Parquet keeps an instant in UTC (to 100 ns, as .NET does); every other value exactly.
        Assert.All(written.Zip(read), pair => Assert.Equal(Parquet(pair.First), Json(pair.Second)));
    }

    [Fact]
    public async Task Csv_values_are_read_by_their_fields_type_with_quotes_empty_values_and_times_in_either_form()
    {
        var file = Write("laps.csv", """"
            TimestampNs,CarId,Speed,rpm,BrakeTemp,Unknown
            1733550000000000000,car-1,201.5,11000,,x
            2024-12-07T05:40:00.5Z,"car, ""two""",0,"9000",350.25,
            1733550002000000000,,-1e3,0,"",
            """");

        var rows = await new ReplaySource<CarTelemetry>(file).ReadAsync().ToListAsync();

        Assert.Equal(
            [
                (1733550000000000000L, "car-1", 201.5, 11000, (double?)null),
                (1733550000500000000L, "car, \"two\"", 0.0, 9000, 350.25),
                (1733550002000000000L, "", -1000.0, 0, null),
            ],
            rows.Select(r => (r.TimestampNs, r.CarId, r.Speed, r.EngineRpm, r.BrakeTemp)));
    }

    [Fact]
    public async Task A_row_that_is_not_the_contracts_stops_the_replay_naming_the_file_the_row_and_the_field()
    {
        var file = Write("bad.csv", """
            CarId,Speed,rpm
            car-1,1,1
            car-2,fast,2
            car-3,3,3
            """);

        var error = await Assert.ThrowsAsync<ReplayRowException>(async () => await new ReplaySource<CarTelemetry>(file).ReadAsync().ToListAsync());

        Assert.Equal("bad.csv, row 2", error.Location);
        Assert.Contains("Speed", error.Reason, StringComparison.Ordinal);
        Assert.StartsWith("bad.csv, row 2: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_rows_skipped_are_counted_and_the_rest_written()
    {
        var file = Write("bad.csv", """
            CarId,Speed,rpm,Frame
            car-1,1,1,AQI=
            car-2,fast,2,
            car-3,3,3,not base64!
            car-4,4,4,
            """);
        var written = new List<string>();

        var last = await new ReplaySource<CarTelemetry>(file, new ReplayOptions { OnBadRow = ReplayBadRow.Skip }).ForEachAsync(row => written.Add(row.CarId));

        Assert.Equal(["car-1", "car-4"], written);
        Assert.Equal((2L, 2L, true, 1.0), (last.Rows, last.Skipped, last.Completed, last.Fraction));
    }

    [Fact]
    public async Task A_directory_is_replayed_file_by_file_in_name_order_without_the_unfinished_ones()
    {
        Write("b.csv", "CarId\ncar-3\n");
        Write("a.csv", "CarId\ncar-1\ncar-2\n");
        Write("c.parquet.unfinished", "a crash's leftover");
        Write("notes.txt", "not a recording");

        var source = new ReplaySource<CarTelemetry>(directory);

        Assert.Equal(["a.csv", "b.csv"], source.Files.Select(Path.GetFileName));
        Assert.Equal(["car-1", "car-2", "car-3"], (await source.ReadAsync().ToListAsync()).Select(r => r.CarId));
    }

    [Fact]
    public async Task A_file_with_no_column_of_the_contract_and_paths_with_nothing_to_replay_are_clear_errors()
    {
        var file = Write("other.csv", "Lap,Driver\n1,Ann\n");

        var unrelated = await Assert.ThrowsAsync<InvalidDataException>(async () => await new ReplaySource<CarTelemetry>(file).ReadAsync().ToListAsync());
        var missing = Assert.Throws<FileNotFoundException>(() => new ReplaySource<CarTelemetry>(Path.Combine(directory, "nowhere")));
        var empty = Assert.Throws<FileNotFoundException>(() => new ReplaySource<CarTelemetry>(Directory.CreateDirectory(Path.Combine(directory, "empty")).FullName));
        var text = Assert.Throws<NotSupportedException>(() => new ReplaySource<CarTelemetry>(Write("notes.txt", "x")));

        Assert.Contains("has no column named as a field of Pipelines.Tests.Contracts.CarTelemetry (TimestampNs, CarId, Speed, rpm, BrakeTemp, Frame); its columns are Lap, Driver", unrelated.Message, StringComparison.Ordinal);
        Assert.Contains("no such file or directory", missing.Message, StringComparison.Ordinal);
        Assert.Contains("holds no .parquet or .csv file", empty.Message, StringComparison.Ordinal);
        Assert.Contains("a replay reads Parquet (.parquet) and CSV (.csv) files", text.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pacing_a_contract_without_a_timestamp_is_refused_before_anything_is_read()
    {
        var file = Write("points.csv", "X,Y\n1,2\n");

        var error = Assert.Throws<ArgumentException>(() => new ReplaySource<Point>(file, new ReplayOptions { Pace = ReplayPace.Timestamps }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReplaySource<Point>(file, new ReplayOptions { Speed = 0 }));

        Assert.StartsWith("Pipelines.Tests.Contracts.Point has no [Timestamp]", error.Message, StringComparison.Ordinal);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string Json(AllTypes row)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        JsonMessages.Write(buffer, row);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>A row as Parquet keeps it: times as UTC instants.</summary>
    private static string Parquet(AllTypes row)
    {
        var kept = MessageSerializer.Deserialize<AllTypes>(MessageSerializer.Serialize(row));
        kept.Time = kept.Time.ToUniversalTime();
        kept.DateTimeOffset = kept.DateTimeOffset.ToUniversalTime();
        return Json(kept);
    }
}
