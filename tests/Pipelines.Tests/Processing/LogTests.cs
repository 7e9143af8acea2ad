using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Pipelines.Logging;
using Pipelines.Tests.Serialization;

namespace Pipelines.Tests.Processing;

public class LogTests
{
    private static readonly Dictionary<int, string> Declared = typeof(Log)
        .GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static)
        .Select(m => (Method: m, Attribute: m.GetCustomAttribute<LoggerMessageAttribute>()))
        .Where(m => m.Attribute is not null)
        .ToDictionary(m => m.Attribute!.EventId, m => m.Method.Name);

    [Fact]
    public void Every_log_message_has_its_own_event_id_in_its_concerns_range()
    {
        Assert.NotEmpty(Declared);
        Assert.All(Declared.Keys, id => Assert.InRange(id, 100, 1099));
    }

    [Fact]
    public void Docs_logging_lists_exactly_the_event_ids_the_runtime_logs_under_their_names()
    {
        var document = File.ReadAllText(Path.Combine(WireFormatTests.RepositoryRoot(), "docs", "logging.md"));
        var listed = Regex.Matches(document, @"^\| (\d+) \| [^|]+ \| (\w+) \|", RegexOptions.Multiline)
            .ToDictionary(m => int.Parse(m.Groups[1].Value), m => m.Groups[2].Value);

        Assert.Equal(Declared.OrderBy(d => d.Key), listed.OrderBy(l => l.Key));
    }
}
