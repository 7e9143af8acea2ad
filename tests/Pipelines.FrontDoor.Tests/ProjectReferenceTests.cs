using Pipelines.FrontDoor.Tests.Infrastructure;
using Pipelines.Testing;

namespace Pipelines.FrontDoor.Tests;

/// <summary>
/// Referencing Pipelines by project from outside this repository: with the generator beside it, it works; without,
/// the build fails with one error that says what is missing, not a CS1061 or CS0311 with no hint.
/// </summary>
[Collection(PackedFeedCollection.Name)]
public sealed class ProjectReferenceTests(PackedFeed feed)
{
    private const string Program = """
        using Microsoft.Extensions.DependencyInjection;
        using Microsoft.Extensions.Hosting;
        using Pipelines;

        var builder = Host.CreateApplicationBuilder(args);
        builder.Services.AddPipelines(builder.Configuration);
        Console.WriteLine("registered " + builder.Services.Count(s => s.ServiceType == typeof(IHostedService)) + " processor(s)");
        Console.WriteLine(MessageSerializer.Serialize(new Reading { Sensor = "s1", Value = 1 }).Length + " bytes");

        [Topic("readings", External = true)]
        public partial class Reading { [Tag] public string Sensor { get; set; } = ""; [Parameter] public double Value { get; set; } }

        [Topic("doubled", External = true)]
        public partial class Doubled { [Tag] public string Sensor { get; set; } = ""; [Parameter] public double Value { get; set; } }

        [Processor]
        public partial class Doubler { public Doubled Handle(Reading row) => new() { Sensor = row.Sensor, Value = row.Value * 2 }; }
        """;

    [Fact]
    public async Task Without_the_generator_the_build_says_what_is_missing()
    {
        var project = Create("WithoutGenerator", withGenerator: false);

        var output = await Dotnet.Run(project, "build -c Release --nologo -clp:NoSummary", expectSuccess: false);

        var errors = output.Split('\n').Where(line => line.Contains(": error ", StringComparison.Ordinal)).Distinct().ToList();
        Assert.All(errors, error => Assert.Contains("error CS0619", error));
        Assert.Contains(errors, error => error.Contains("No AddPipelines was generated for this project", StringComparison.Ordinal) && error.Contains("OutputItemType=\"Analyzer\"", StringComparison.Ordinal));
        Assert.Contains(errors, error => error.Contains("MessageSerializer.Serialize", StringComparison.Ordinal) && error.Contains("the Pipelines source generator is not running", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_the_generator_referenced_as_an_analyzer_it_builds_and_registers_the_processors()
    {
        var project = Create("WithGenerator", withGenerator: true);

        var output = await Dotnet.Run(project, "run -c Release", expectSuccess: true);

        Assert.Contains("registered 1 processor(s)", output);
        Assert.Matches(@"\d+ bytes", output);
    }

    private string Create(string name, bool withGenerator)
    {
        var directory = feed.NewDirectory(name);
        var src = Path.Combine(Repository.Root, "src", "Pipelines", "Pipelines.csproj");
        var generator = Path.Combine(Repository.Root, "generators", "Pipelines.Generators", "Pipelines.Generators.csproj");
        File.WriteAllText(Path.Combine(directory, name + ".csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <ProjectReference Include="{src}" />
                {(withGenerator ? $"<ProjectReference Include=\"{generator}\" OutputItemType=\"Analyzer\" ReferenceOutputAssembly=\"false\" />" : "")}
                <PackageReference Include="Microsoft.Extensions.Hosting" Version="{feed.Versions["Microsoft.Extensions.Hosting"]}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(directory, "Program.cs"), Program);
        return directory;
    }
}
