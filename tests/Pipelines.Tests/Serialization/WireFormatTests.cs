using Pipelines.Tests.Contracts;

namespace Pipelines.Tests.Serialization;

/// <summary>The byte-level examples in docs/wire-format.md are what the serializer writes.</summary>
public class WireFormatTests
{
    private static readonly SensorReading First = new() { Time = 1_700_000_000_000_000_000, Sensor = "s1", Value = 21.5, Quality = 3, Valid = true };
    private static readonly SensorReading Second = new() { Time = 1_700_000_000_010_000_000, Sensor = "s1", Value = 21.75, Quality = 3, Valid = false };

    [Fact]
    public void The_documented_row_example_is_exact()
    {
        const string documented = """
            85
            a4 54 69 6d 65
            cf 17 97 9c fe 36 2a 00 00
            a6 53 65 6e 73 6f 72
            a2 73 31
            a5 56 61 6c 75 65
            cb 40 35 80 00 00 00 00 00
            a7 51 75 61 6c 69 74 79
            03
            a5 56 61 6c 69 64
            c3
            """;

        var bytes = MessageSerializer.Serialize(First);

        Assert.Equal(Hex(documented), Convert.ToHexStringLower(bytes));
        Assert.Equal(56, bytes.Length);
    }

    [Fact]
    public void The_documented_batch_example_is_exact()
    {
        const string documented = """
            82
            a4 72 6f 77 73  02
            a7 63 6f 6c 75 6d 6e 73
            85
            a4 54 69 6d 65  92
               cf 17 97 9c fe 36 2a 00 00
               cf 17 97 9c fe 36 c2 96 80
            a6 53 65 6e 73 6f 72  92
               a2 73 31  a2 73 31
            a5 56 61 6c 75 65  92
               cb 40 35 80 00 00 00 00 00
               cb 40 35 c0 00 00 00 00 00
            a7 51 75 61 6c 69 74 79  92 03 03
            a5 56 61 6c 69 64  92 c3 c2
            """;

        Assert.Equal(Hex(documented), Convert.ToHexStringLower(MessageSerializer.SerializePacked<SensorReading>(new[] { First, Second })));
    }

    [Fact]
    public void The_document_shows_these_examples()
    {
        var document = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "wire-format.md"));

        Assert.Contains("cf 17 97 9c fe 36 2a 00 00      uint64 1700000000000000000", document);
        Assert.Contains("   cf 17 97 9c fe 36 c2 96 80", document);
        Assert.Contains("a7 51 75 61 6c 69 74 79  92 03 03", document);
    }

    private static string Hex(string annotated) => string.Concat(annotated.Where(Uri.IsHexDigit));

    internal static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Pipelines.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Pipelines.sln not found above " + AppContext.BaseDirectory);
    }
}
