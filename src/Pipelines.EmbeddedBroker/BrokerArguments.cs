using System.Globalization;

namespace Pipelines.EmbeddedBroker;

/// <summary>The command line: <c>[--brokers N] [--topic name[:partitions]]... [--bootstrap-file path]</c>.</summary>
internal sealed record BrokerArguments(int Brokers, IReadOnlyList<(string Name, int Partitions)> Topics, string? BootstrapFile)
{
    public const string Usage = "usage: Pipelines.EmbeddedBroker [--brokers N] [--topic name[:partitions]]... [--bootstrap-file path]";

    public static BrokerArguments Parse(string[] args)
    {
        var brokers = 1;
        var topics = new List<(string, int)>();
        string? bootstrapFile = null;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value. {Usage}");
            switch (args[i])
            {
                case "--brokers":
                    brokers = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0
                        ? count
                        : throw new ArgumentException($"--brokers is '{value}'; it must be a whole number of at least 1.");
                    break;
                case "--topic":
                    var parts = value.Split(':');
                    var partitions = 1;
                    if (parts.Length > 2 || parts[0].Length == 0 || (parts.Length == 2 && !(int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out partitions) && partitions > 0)))
                    {
                        throw new ArgumentException($"--topic is '{value}'; write name or name:partitions, e.g. telemetry:6.");
                    }

                    topics.Add((parts[0], partitions));
                    break;
                case "--bootstrap-file":
                    bootstrapFile = value;
                    break;
                default:
                    throw new ArgumentException($"'{args[i]}' is not an option. {Usage}");
            }

            i++;
        }

        return new BrokerArguments(brokers, topics, bootstrapFile);
    }
}
