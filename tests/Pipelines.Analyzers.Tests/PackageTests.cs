using Pipelines.Analyzers.Tests.Infrastructure;
using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Pipelines.Analyzers.Tests;

/// <summary>
/// What a user sees: the library packed into a local feed, a fresh project outside this repository that references
/// the package (not the projects), a build of code with known mistakes, then the corrected code built and run on the
/// embedded broker.
/// </summary>
public sealed class PackageTests : IDisposable
{
    private readonly string work = Directory.CreateTempSubdirectory("pipelines-package-").FullName;

    // A version no cache has seen, so the global packages folder cannot hand back an older build.
    private readonly string version = "0.0.0-test." + DateTime.UtcNow.ToString("yyyyMMddHHmmss") + "." + Environment.ProcessId;

    [Fact]
    public async Task A_project_using_the_package_gets_the_diagnostics_and_then_builds_and_runs()
    {
        var feed = Path.Combine(work, "feed");
        await Dotnet(Repository.Root, $"pack src/Pipelines -c Release -o \"{feed}\" -p:Version={version} --nologo", expectSuccess: true);
        var project = Path.Combine(work, "App");
        Directory.CreateDirectory(project);
        File.WriteAllText(Path.Combine(project, "App.csproj"), ProjectFile());
        File.WriteAllText(Path.Combine(project, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="local" value="{feed}" />
              </packageSources>
            </configuration>
            """);

        File.WriteAllText(Path.Combine(project, "Program.cs"), Broken);
        var broken = await Dotnet(project, "build --nologo -clp:NoSummary", expectSuccess: false);

        var reported = Regex.Matches(broken, @"Program\.cs\((\d+),(\d+)\): (error|warning) ([A-Z]+\d+)")
            .Select(m => $"{m.Groups[4].Value} {m.Groups[3].Value} at line {m.Groups[1].Value}")
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(
            [
                $"PIPE001 error at line {LineOf("public class Reading")}",
                $"PIPE002 error at line {LineOf("doubled readings")}",
                $"PIPE007 warning at line {LineOf("Thread.Sleep")}",
                $"PIPE008 error at line {LineOf("MaxBatchSize = 0")}",
                $"PIPE010 warning at line {LineOf("Thread.Sleep")}",
            ],
            reported);
        Assert.DoesNotMatch(@"error CS\d+", broken); // nothing from generated code

        File.WriteAllText(Path.Combine(project, "Program.cs"), Fixed);
        await Dotnet(project, "build --nologo", expectSuccess: true);
        var run = await Dotnet(project, "run --no-build", expectSuccess: true);

        Assert.Contains("doubled 21 to 42", run);
    }

    public void Dispose()
    {
        Directory.Delete(work, recursive: true);
        var cached = Path.Combine(Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"), "pipelines", version);
        if (Directory.Exists(cached))
        {
            Directory.Delete(cached, recursive: true);
        }
    }

    private const string Contracts = """
        [Tag] public string Sensor { get; set; } = "";
            [Parameter] public double Value { get; set; }
        """;

    private static int LineOf(string text) =>
        Broken.Split('\n').Select((line, index) => (line, index)).Single(l => l.line.Contains(text, StringComparison.Ordinal)).index + 1;

    // PIPE001, PIPE002, PIPE008 and, in Printer, PIPE007 and PIPE010.
    private const string Broken = $$"""
        using Pipelines;
        using System.Threading;
        using System.Threading.Tasks;

        [Topic("readings", External = true)]
        public class Reading { {{Contracts}} }

        [Topic("doubled readings")] public partial class Doubled { {{Contracts}} }

        [Processor(MaxBatchSize = 0)]
        public partial class Doubler { public Doubled Handle(Reading row) => new() { Sensor = row.Sensor, Value = row.Value * 2 }; }

        [Topic("printed")] public partial class Printed { {{Contracts}} }

        [Processor]
        public partial class Printer { public async Task<Printed> Handle(Printed row) { await Task.Yield(); Thread.Sleep(1); return row; } }

        public static class Program { public static void Main() { } }
        """;

    private const string Fixed = $$"""
        using Confluent.Kafka;
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Hosting;
        using Pipelines;
        using Pipelines.Hosting;

        var builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddPipelines(builder.Configuration);   // no cluster configured: the embedded broker
        using var host = builder.Build();
        await host.StartAsync();
        var kafka = host.Services.GetRequiredService<KafkaConnection>();
        using (var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig { BootstrapServers = kafka.BootstrapServers }).Build())
        {
            await producer.ProduceAsync("readings", new Message<Null, byte[]> { Value = MessageSerializer.Serialize(new Reading { Sensor = "s1", Value = 21 }) });
        }

        var doubled = await Printer.Received.Task.WaitAsync(TimeSpan.FromMinutes(2));
        Console.WriteLine($"doubled 21 to {doubled}");
        await host.StopAsync();

        [Topic("readings", External = true)]
        public partial class Reading { {{Contracts}} }

        [Topic("doubled-readings", External = true)] public partial class Doubled { {{Contracts}} }

        [Processor(MaxBatchSize = 10)]
        public partial class Doubler { public Doubled Handle(Reading row) => new() { Sensor = row.Sensor, Value = row.Value * 2 }; }

        [Processor]
        public partial class Printer
        {
            public static TaskCompletionSource<double> Received { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

            public async Task Handle(Doubled row, CancellationToken cancellationToken)
            {
                await Task.Delay(1, cancellationToken);
                Received.TrySetResult(row.Value);
            }
        }
        """;

    private string ProjectFile()
    {
        var versions = XDocument.Load(Path.Combine(Repository.Root, "Directory.Packages.props")).Descendants("PackageVersion")
            .ToDictionary(e => (string)e.Attribute("Include")!, e => (string)e.Attribute("Version")!);
        return $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="Pipelines" Version="{version}" />
                <PackageReference Include="Microsoft.Extensions.Hosting" Version="{versions["Microsoft.Extensions.Hosting"]}" />
              </ItemGroup>
            </Project>
            """;
    }

    private static async Task<string> Dotnet(string directory, string arguments, bool expectSuccess)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", arguments)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        // A fresh project must not pick up this repository's build settings, nor the test host's MSBuild.
        start.Environment.Remove("MSBuildExtensionsPath");
        start.Environment.Remove("MSBuildSDKsPath");
        start.Environment.Remove("MSBUILD_EXE_PATH");
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var stdout = Pump(process.StandardOutput, output);
        var stderr = Pump(process.StandardError, output);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {arguments} did not finish in 5 minutes:\n{output}");
        }

        await Task.WhenAll(stdout, stderr);
        var text = output.ToString();
        if (expectSuccess != (process.ExitCode == 0))
        {
            Assert.Fail($"dotnet {arguments} exited with {process.ExitCode}:\n{text}");
        }

        return text;
    }

    private static async Task Pump(StreamReader reader, StringBuilder output)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (output)
            {
                output.AppendLine(line);
            }
        }
    }
}
