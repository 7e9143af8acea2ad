using Pipelines.FrontDoor.Tests.Infrastructure;
using System.IO.Compression;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Pipelines.FrontDoor.Tests;

/// <summary>
/// What a user sees: the library from the local feed in a fresh project outside this repository that references the
/// package (not the projects), a build of code with known mistakes, then the corrected code built and run on the
/// embedded broker; and the package itself: its metadata, readme, licence, symbols and diagnostic pages.
/// </summary>
[Collection(PackedFeedCollection.Name)]
public sealed class PackageTests(PackedFeed feed)
{
    [Fact]
    public void The_package_carries_its_readme_licence_links_diagnostic_pages_and_symbols()
    {
        var package = Path.Combine(feed.Feed, $"Pipelines.{feed.Version}.nupkg");
        using var archive = ZipFile.OpenRead(package);
        var entries = archive.Entries.Select(e => e.FullName).ToHashSet();
        XNamespace ns = "http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd";
        var nuspec = XDocument.Load(archive.GetEntry("Pipelines.nuspec")!.Open()).Root!.Element(ns + "metadata")!;

        Assert.Equal(("MIT", "README.md"), ((string?)nuspec.Element(ns + "license"), (string?)nuspec.Element(ns + "readme")));
        Assert.Equal("https://github.com/pipelines-dotnet/pipelines", (string?)nuspec.Element(ns + "projectUrl"));
        Assert.Equal("https://github.com/pipelines-dotnet/pipelines", (string?)nuspec.Element(ns + "repository")?.Attribute("url"));
        Assert.Contains("README.md", entries);
        Assert.Contains("LICENSE", entries);
        Assert.Contains("analyzers/dotnet/cs/Pipelines.Generators.dll", entries);
        Assert.Contains("analyzers/dotnet/cs/Pipelines.Analyzers.dll", entries);

        // Every diagnostic's help link names a page that ships in the package (and is in the repository at that path).
        var pages = Directory.GetFiles(Path.Combine(Pipelines.Testing.Repository.Root, "analyzers", "docs"), "PIPE*.md").Select(Path.GetFileName).ToList();
        Assert.NotEmpty(pages);
        Assert.All(pages, page => Assert.Contains("docs/diagnostics/" + page, entries));
        Assert.True(File.Exists(Path.ChangeExtension(package, ".snupkg")), "the symbols package sits beside the package");
    }

    [Fact]
    public async Task A_project_using_the_package_gets_the_diagnostics_and_then_builds_and_runs()
    {
        var project = feed.NewDirectory("App");
        File.WriteAllText(Path.Combine(project, "App.csproj"), ProjectFile());

        File.WriteAllText(Path.Combine(project, "Program.cs"), Broken);
        var broken = await Dotnet.Run(project, "build --nologo -clp:NoSummary", expectSuccess: false);

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
                $"PIPE020 error at line {LineOf("State<Memo>")}",
                $"PIPE024 error at line {LineOf("GlobalTable<Memo>")}",
            ],
            reported);
        Assert.DoesNotMatch(@"error CS\d+", broken); // nothing from generated code

        File.WriteAllText(Path.Combine(project, "Program.cs"), Fixed);
        await Dotnet.Run(project, "build --nologo", expectSuccess: true);
        var run = await Dotnet.Run(project, "run --no-build", expectSuccess: true);

        Assert.Contains("doubled 21 to 42", run);
    }

    private const string Contracts = """
        [Tag] public string Sensor { get; set; } = "";
            [Parameter] public double Value { get; set; }
        """;

    private static int LineOf(string text) =>
        Broken.Split('\n').Select((line, index) => (line, index)).Single(l => l.line.Contains(text, StringComparison.Ordinal)).index + 1;

    // PIPE001, PIPE002, PIPE008; in Printer, PIPE007 and PIPE010; state and a table of a type that is not a contract,
    // PIPE020 and PIPE024, which a compiler error about the type argument would hide (and once did) with all the rest.
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

        public class Memo { public int Count { get; set; } }

        [Processor]
        public partial class Keeper { public Doubled? Handle(Printed row, State<Memo> memo) => null; }

        [Processor]
        public partial class Looker { public Doubled? Handle(Printed row, GlobalTable<Memo> memos) => null; }

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

    private string ProjectFile() => $"""
        <Project Sdk="Microsoft.NET.Sdk">
          <PropertyGroup>
            <OutputType>Exe</OutputType>
            <TargetFramework>net10.0</TargetFramework>
            <Nullable>enable</Nullable>
            <ImplicitUsings>enable</ImplicitUsings>
          </PropertyGroup>
          <ItemGroup>
            <PackageReference Include="Pipelines" Version="{feed.Version}" />
            <PackageReference Include="Microsoft.Extensions.Hosting" Version="{feed.Versions["Microsoft.Extensions.Hosting"]}" />
          </ItemGroup>
        </Project>
        """;
}
