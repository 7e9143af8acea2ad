namespace Pipelines.Generators.Parsing;

/// <summary>Kafka's rules for topic names (kafka.common.Topic).</summary>
internal static class TopicName
{
    public const int MaxLength = 249;

    /// <summary>Why <paramref name="name"/> is not a valid topic name, or <see langword="null"/> if it is.</summary>
    public static string? Validate(string? name)
    {
        if (name is null || name.Length == 0)
        {
            return "it is empty";
        }

        if (name.Length > MaxLength)
        {
            return $"it has {name.Length} characters and the limit is {MaxLength}";
        }

        if (name is "." or "..")
        {
            return "'.' and '..' are reserved";
        }

        foreach (var c in name)
        {
            if (!(c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '.' or '_' or '-'))
            {
                return $"it contains '{c}', and only ASCII letters, digits, '.', '_' and '-' are allowed";
            }
        }

        return null;
    }
}
