namespace Pipelines.Processing;

/// <summary>
/// How every options type reports an invalid setting: <c>{subject}: {setting} {problem}.</c>, with the setting as
/// the parameter name, so processors, buffers and writers word their errors alike.
/// </summary>
internal static class SettingChecks
{
    /// <summary>Throws unless <paramref name="condition"/> holds.</summary>
    public static void Require(bool condition, string subject, string setting, string problem)
    {
        if (!condition)
        {
            throw new ArgumentException($"{subject}: {setting} {problem}.", setting);
        }
    }

    /// <summary>The settings every writer of Kafka messages has: processors and topic writers alike.</summary>
    public static void RequireProducer(string subject, string bootstrapServers, Compression compression, int maxMessageBytes)
    {
        Require(!string.IsNullOrWhiteSpace(bootstrapServers), subject, "BootstrapServers", "must not be empty");
        Require(Enum.IsDefined(compression), subject, "Compression", $"is {compression}; it must be one of {string.Join(", ", Enum.GetNames<Compression>())}");
        Require(maxMessageBytes >= ProcessorOptions.MinMessageBytes, subject, "MaxMessageBytes", $"is {maxMessageBytes}; it must be {ProcessorOptions.MinMessageBytes} or more");
    }
}
