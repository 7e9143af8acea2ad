using BenchmarkDotNet.Running;

// dotnet run -c Release --project tests/Pipelines.Benchmarks -- --filter '*'   (see BENCHMARKS.md)
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
