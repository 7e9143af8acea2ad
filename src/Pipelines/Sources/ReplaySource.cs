using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Pipelines.Infrastructure;
using Pipelines.Logging;
using Pipelines.Publishing;

namespace Pipelines.Sources;

/// <summary>
/// Rows recorded in files, written back onto a topic: a Parquet file (a <see cref="Sinks.ParquetSink{T}"/>'s, or
/// anyone's with columns named as the contract's fields), a CSV file with a header row of wire names, or a directory
/// of such files (a Parquet sink's directory: a recorded session), in the order of their names. As fast as the
/// target takes them or at the pace of their timestamps; replaying a recorded session is how telemetry is tested.
/// </summary>
/// <typeparam name="T">The rows' contract: a column is the field of the same wire name; fields with no column keep their default.</typeparam>
/// <remarks>
/// Every value is read through the contract's JSON form (docs/wire-format.md, "JSON topics"), so what a field accepts
/// and the error that names it are the same as on a JSON topic. Rows only: events and stream properties are not in
/// such files. A row that is not one of the contract's stops the replay, or is skipped and counted
/// (<see cref="ReplayOptions.OnBadRow"/>).
/// </remarks>
public sealed class ReplaySource<T>
    where T : IMessageContract<T>
{
    private static readonly TimeSpan ReportEvery = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ShortestWait = TimeSpan.FromMilliseconds(1);
    private readonly ReplayOptions options;

    /// <summary>Finds the files to replay at <paramref name="path"/>.</summary>
    /// <param name="path">A <c>.parquet</c> or <c>.csv</c> file, or a directory of them.</param>
    /// <param name="options">How rows are written; the defaults when <see langword="null"/>.</param>
    /// <exception cref="FileNotFoundException">Nothing is at <paramref name="path"/>, or a directory holds no such file.</exception>
    /// <exception cref="NotSupportedException">The file is neither Parquet nor CSV.</exception>
    /// <exception cref="ArgumentException"><see cref="ReplayPace.Timestamps"/> or <see cref="ReplayOptions.ShiftTimestamps"/> for a contract without a <see cref="TimestampAttribute">[Timestamp]</see>, or an invalid option.</exception>
    public ReplaySource(string path, ReplayOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        this.options = options ?? new ReplayOptions();
        this.options.Validate();
        if ((this.options.Pace == ReplayPace.Timestamps || this.options.ShiftTimestamps) && T.Serializer.Schema.Timestamp is null)
        {
            throw new ArgumentException($"{T.Serializer.Schema.Name} has no [Timestamp], so its rows have no time to keep the pace of or to shift; replay it {nameof(ReplayPace.AsFastAsPossible)}.", nameof(options));
        }

        Files = Find(path);
    }

    /// <summary>The files replayed, in order.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>Reads every row, in file order, with no pace and no shift.</summary>
    /// <exception cref="ReplayRowException">A row is not one of the contract's, with <see cref="ReplayBadRow.Stop"/>.</exception>
    /// <exception cref="InvalidDataException">A file is not a readable Parquet file, or has no column named as a field.</exception>
    public async IAsyncEnumerable<T> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var row in ReadAsync(new Tally(), cancellationToken))
        {
            yield return row;
        }
    }

    /// <summary>Writes every row with <paramref name="writer"/> at the options' pace, then flushes it.</summary>
    /// <returns>The last progress: rows written and skipped, how long it took.</returns>
    public async Task<ReplayProgress> WriteToAsync(TopicWriter<T> writer, IProgress<ReplayProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var (last, started) = await RunAsync(writer.Write, progress, cancellationToken);

        // Written means acknowledged: the last report comes after the flush, and counts its time.
        await Task.Run(() => writer.Flush(), cancellationToken);
        last = last with { Elapsed = options.TimeProvider.GetElapsedTime(started) };
        progress?.Report(last);
        return last;
    }

    /// <summary>Hands every row to <paramref name="write"/> at the options' pace (for a target other than a topic).</summary>
    /// <returns>The last progress: rows written and skipped, how long it took.</returns>
    public async Task<ReplayProgress> ForEachAsync(Action<T> write, IProgress<ReplayProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(write);
        var (last, _) = await RunAsync(write, progress, cancellationToken);
        progress?.Report(last);
        return last;
    }

    /// <summary>Hands every row to <paramref name="write"/>, reporting progress on the way; the last report is the caller's.</summary>
    private async Task<(ReplayProgress Last, long Started)> RunAsync(Action<T> write, IProgress<ReplayProgress>? progress, CancellationToken cancellationToken)
    {
        var time = options.TimeProvider;
        var started = time.GetTimestamp();
        var tally = new Tally();
        long? first = null;
        long shift = 0;
        long? dataTime = null;
        var reported = started;
        await foreach (var read in ReadAsync(tally, cancellationToken))
        {
            var row = read;
            if (T.Serializer.TimestampOf(row) is { } timestamp)
            {
                if (first is null)
                {
                    first = timestamp;
                    shift = options.ShiftTimestamps ? UnixNanoseconds.FromDateTimeOffset(time.GetUtcNow()) - timestamp : 0;
                }

                if (options.Pace == ReplayPace.Timestamps)
                {
                    var due = TimeSpan.FromTicks((long)((timestamp - first.Value) / 100 / options.Speed));
                    var wait = due - time.GetElapsedTime(started);
                    if (wait >= ShortestWait)
                    {
                        await Task.Delay(wait, time, cancellationToken);
                    }
                }

                if (shift != 0)
                {
                    row = T.Serializer.WithTimestamp(row, timestamp + shift);
                }

                dataTime = timestamp;
            }

            write(row);
            tally.Written++;
            if (progress is not null && time.GetElapsedTime(reported) >= ReportEvery)
            {
                reported = time.GetTimestamp();
                progress.Report(tally.Progress(time.GetElapsedTime(started), dataTime, completed: false));
            }
        }

        return (tally.Progress(time.GetElapsedTime(started), dataTime, completed: true), started);
    }

    private async IAsyncEnumerable<T> ReadAsync(Tally tally, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var schema = T.Serializer.Schema;
        var buffer = new ArrayBufferWriter<byte>(256);
        await using var json = new Utf8JsonWriter(buffer);
        for (var i = 0; i < Files.Count; i++)
        {
            await using var file = await RowFile.OpenAsync(Files[i], schema, cancellationToken);
            tally.Reading(file, i, Files.Count);
            while (true)
            {
                buffer.ResetWrittenCount();
                json.Reset(buffer);
                T row;
                try
                {
                    if (!await file.NextAsync(json, cancellationToken))
                    {
                        break;
                    }

                    json.Flush();
                    row = JsonMessages.Read<T>(buffer.WrittenSpan);
                }
                catch (MessageFormatException unreadable)
                {
                    Refuse(new ReplayRowException(file.Location, unreadable.Message, unreadable), tally);
                    continue;
                }
                catch (ReplayRowException refused)
                {
                    Refuse(refused, tally);
                    continue;
                }

                yield return row;
            }
        }
    }

    private void Refuse(ReplayRowException refused, Tally tally)
    {
        if (options.OnBadRow == ReplayBadRow.Stop)
        {
            throw refused;
        }

        tally.Skipped++;
        if (options.Logger is { } logger)
        {
            Log.ReplayRowSkipped(logger, T.Serializer.Schema.Name, refused.Location, refused.Reason);
        }
    }

    private static List<string> Find(string path)
    {
        if (File.Exists(path))
        {
            return RowFile.Extensions.Contains(Path.GetExtension(path).ToLowerInvariant())
                ? [path]
                : throw new NotSupportedException($"{path}: a replay reads Parquet (.parquet) and CSV (.csv) files.");
        }

        if (!Directory.Exists(path))
        {
            throw new FileNotFoundException($"Nothing to replay at {path}: no such file or directory.", path);
        }

        // A Parquet sink's names sort by time; an unfinished file is a crash's leftover, not a recording.
        var files = Directory.EnumerateFiles(path)
            .Where(f => RowFile.Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            .Order(StringComparer.Ordinal)
            .ToList();
        return files.Count > 0 ? files : throw new FileNotFoundException($"Nothing to replay in {path}: it holds no .parquet or .csv file.", path);
    }

    /// <summary>What a replay has done so far, shared by the reading and the writing.</summary>
    private sealed class Tally
    {
        private RowFile? file;
        private int index;
        private int count = 1;

        public long Written { get; set; }

        public long Skipped { get; set; }

        public void Reading(RowFile current, int position, int files) => (file, index, count) = (current, position, files);

        public ReplayProgress Progress(TimeSpan elapsed, long? dataTime, bool completed) => new(
            Written,
            Skipped,
            completed ? 1 : (index + (file?.Fraction ?? 0)) / count,
            elapsed,
            dataTime is { } nanoseconds ? UnixNanoseconds.ToDateTimeOffset(nanoseconds) : null,
            completed);
    }
}
