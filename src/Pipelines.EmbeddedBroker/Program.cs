using System.Runtime.InteropServices;
using Pipelines.EmbeddedBroker;
using Pipelines.Kafka.Embedded;

// Runs the embedded cluster until Ctrl+C or SIGTERM. The bootstrap line on stdout is the contract with
// scripts and tests: "Bootstrap servers: host:port[,host:port...]".
BrokerArguments arguments;
try
{
    arguments = BrokerArguments.Parse(args);
}
catch (ArgumentException exception)
{
    Console.Error.WriteLine(exception.Message);
    return 2;
}

if (arguments.Help)
{
    Console.WriteLine(BrokerArguments.HelpText);
    return 0;
}

using var stopped = new ManualResetEventSlim();
using var kafka = EmbeddedKafka.Start(new EmbeddedKafkaOptions { Brokers = arguments.Brokers });

// The mock answers no CreateTopics; Pipelines hosts create their topics, with their partition counts, through this.
using var control = EmbeddedKafkaControl.Serve(kafka);
foreach (var (name, partitions) in arguments.Topics)
{
    kafka.CreateTopic(name, partitions);
}

if (arguments.BootstrapFile is { } file)
{
    File.WriteAllText(file, kafka.BootstrapServers);
}

// Handled rather than left to the runtime so that the cluster is disposed before the process ends.
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
Console.Error.WriteLine($"Embedded Kafka with {arguments.Brokers} broker(s); data is in memory only and gone when this process stops. Ctrl+C stops it.");
Console.WriteLine($"Bootstrap servers: {kafka.BootstrapServers}");
stopped.Wait();
Console.Error.WriteLine("Embedded Kafka stopped.");
return 0;

void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    stopped.Set();
}
