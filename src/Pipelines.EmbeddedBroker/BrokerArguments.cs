using System.Globalization;

namespace Pipelines.EmbeddedBroker;

/// <summary>The command line: <c>[--brokers N] [--topic name[:partitions]]... [--bootstrap-file path]</c>, or <c>--help</c>.</summary>
internal sealed record BrokerArguments(int Brokers, IReadOnlyList<(string Name, int Partitions)> Topics, string? BootstrapFile, bool Help = false)
{
    public const string Usage = "usage: Pipelines.EmbeddedBroker [--brokers N] [--topic name[:partitions]]... [--bootstrap-file path]";

    /// <summary>What <c>--help</c> prints.</summary>
    public const string HelpText = Usage + """


        Runs librdkafka's Kafka-protocol mock cluster on loopback until Ctrl+C or SIGTERM; data is in memory only.
        Its first line on standard output is "Bootstrap servers: host:port[,host:port...]".

          --brokers N                 brokers in the cluster (1)
          --topic name[:partitions]   create a topic at start (1 partition unless given); repeatable
          --bootstrap-file path       also write the bootstrap servers to this file, for scripts
          --help, -h                  print this and exit

        A Pipelines host pointed at it creates its topics through a control socket in $TMPDIR/pipelines-embedded/.
        """;

    public static BrokerArguments Parse(string[] args)
    {
        var brokers = 1;
        var topics = new List<(string, int)>();
        string? bootstrapFile = null;
        if (args.Any(arg => arg is "--help" or "-h"))
        {
            return new BrokerArguments(brokers, topics, bootstrapFile, Help: true);
        }

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
