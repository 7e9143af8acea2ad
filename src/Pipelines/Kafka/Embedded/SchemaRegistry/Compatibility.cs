using Avro;

namespace Pipelines.Kafka.Embedded.SchemaRegistry;

/// <summary>
/// The registry's compatibility levels, decided by Avro's schema-resolution rules as Apache's implementation applies
/// them (<see cref="Schema.CanRead(Schema)"/>: fields added or removed with defaults, promoted numbers, enum symbols,
/// unions): BACKWARD means the new schema reads data written with the old, FORWARD the old reads the new, FULL both;
/// the TRANSITIVE levels check every earlier version, the others the latest only.
/// </summary>
internal static class Compatibility
{
    public static readonly string[] Levels = ["NONE", "BACKWARD", "BACKWARD_TRANSITIVE", "FORWARD", "FORWARD_TRANSITIVE", "FULL", "FULL_TRANSITIVE"];

    /// <summary>Why <paramref name="candidate"/> may not follow <paramref name="earlier"/> (oldest first) at <paramref name="level"/>; empty when it may.</summary>
    public static List<string> Check(string level, StoredSchema candidate, IReadOnlyList<StoredSchema> earlier)
    {
        var reasons = new List<string>();
        if (level == "NONE" || earlier.Count == 0)
        {
            return reasons;
        }

        var against = level.EndsWith("_TRANSITIVE", StringComparison.Ordinal) ? earlier : [earlier[^1]];
        var backward = level.StartsWith("BACKWARD", StringComparison.Ordinal) || level.StartsWith("FULL", StringComparison.Ordinal);
        var forward = level.StartsWith("FORWARD", StringComparison.Ordinal) || level.StartsWith("FULL", StringComparison.Ordinal);
        foreach (var old in against)
        {
            if (old.Type != candidate.Type)
            {
                reasons.Add($"version {old.Version} is {old.Type}, the new schema {candidate.Type}");
                continue;
            }

            if (candidate.Type != "AVRO")
            {
                // Said, not guessed: a JSON schema's compatibility is not decided here, so it is refused unless the level is NONE.
                reasons.Add($"the embedded registry decides compatibility for AVRO schemas only; set the subject's level to NONE to register {candidate.Type} schemas after the first");
                continue;
            }

            if (backward && !candidate.Avro!.CanRead(old.Avro!))
            {
                reasons.Add($"the new schema cannot read data written with version {old.Version}: {Explain(candidate.Avro!, old.Avro!)}");
            }

            if (forward && !old.Avro!.CanRead(candidate.Avro!))
            {
                reasons.Add($"version {old.Version} cannot read data written with the new schema: {Explain(old.Avro!, candidate.Avro!)}");
            }
        }

        return reasons;
    }

    // Apache decides (as it did before the explanation existed); the explanation says which field and which rule.
    private static string Explain(Schema reader, Schema writer) =>
        Pipelines.Infrastructure.AvroResolution.Problems(reader, writer) is { Count: > 0 } problems
            ? string.Join("; ", problems)
            : "Avro's resolution rules refuse it";
}
