using BenchmarkDotNet.Running;
using Pipelines.Benchmarks.Processing;

// dotnet run -c Release --project tests/Pipelines.Benchmarks -- --filter '*'   (see BENCHMARKS.md)
// dotnet run -c Release --project tests/Pipelines.Benchmarks -- latency [rate] [seconds]
if (args is ["latency", ..])
{
    LatencyRun.Run(args.Length > 1 ? int.Parse(args[1]) : 10_000, TimeSpan.FromSeconds(args.Length > 2 ? int.Parse(args[2]) : 10));
    return;
}

// taskset -c 0 dotnet run -c Release --project tests/Pipelines.Benchmarks -- headroom [seconds of telemetry]
if (args is ["headroom", ..])
{
    HeadroomRun.Run(TimeSpan.FromSeconds(args.Length > 1 ? int.Parse(args[1]) : 20));
    return;
}

// dotnet run -c Release --project tests/Pipelines.Benchmarks -- cpu [rounds]
if (args is ["cpu", ..])
{
    PassthroughCpuRun.Run(args.Length > 1 ? int.Parse(args[1]) : 15);
    return;
}

// dotnet run -c Release --project tests/Pipelines.Benchmarks -- footprint [partitions] [keys] [budget MiB]
if (args is ["footprint", ..])
{
    Pipelines.Benchmarks.State.FootprintRun.Run(
        args.Length > 1 ? int.Parse(args[1]) : 100,
        args.Length > 2 ? int.Parse(args[2]) : 100_000,
        (args.Length > 3 ? long.Parse(args[3]) : 64) * 1024 * 1024);
    return;
}

// dotnet run -c Release --project tests/Pipelines.Benchmarks -- rebalance [partitions] [keys] [rows/s]
if (args is ["rebalance", ..])
{
    Pipelines.Benchmarks.State.RebalanceRun.Run(
        args.Length > 1 ? int.Parse(args[1]) : 12,
        args.Length > 2 ? int.Parse(args[2]) : 100_000,
        args.Length > 3 ? int.Parse(args[3]) : 5_000);
    return;
}

// dotnet run -c Release --project tests/Pipelines.Benchmarks -- feed [clients] [rows/s] [seconds] [pack ms, 0 for a message per row] [inside|separate]
if (args is ["feed", ..])
{
    Pipelines.Benchmarks.Http.FeedFanOutRun.Run(
        args.Length > 1 ? int.Parse(args[1]) : 500,
        args.Length > 2 ? int.Parse(args[2]) : 1_000,
        TimeSpan.FromSeconds(args.Length > 3 ? int.Parse(args[3]) : 20),
        args.Length > 4 ? int.Parse(args[4]) : 0,
        separate: args.Length > 5 && args[5] == "separate");
    return;
}

// The clients of a feed run with "separate", in a process of their own.
if (args is ["feed-clients", var server, var clients])
{
    await Pipelines.Benchmarks.Http.FeedClients.RunAlone(new Uri(server), int.Parse(clients));
    return;
}

if (args is ["rows", ..])
{
    PackedRowsRun.Run(args.Length > 1 ? int.Parse(args[1]) : 100, args.Length > 2 ? int.Parse(args[2]) : 480_000);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
