namespace Pipelines.Kafka.Embedded.SchemaRegistry;

/// <summary>An error as Confluent's Schema Registry reports it: an HTTP status and an <c>error_code</c> its clients map to exceptions.</summary>
internal sealed class RegistryError(int status, int code, string message) : Exception(message)
{
    public int Status { get; } = status;

    public int Code { get; } = code;

    public static RegistryError SubjectNotFound(string subject) => new(404, 40401, $"Subject '{subject}' not found.");

    public static RegistryError VersionNotFound(string subject, string version) => new(404, 40402, $"Version {version} not found for subject '{subject}'.");

    public static RegistryError SchemaNotFound(string what) => new(404, 40403, $"Schema {what} not found.");

    public static RegistryError InvalidSchema(string reason) => new(422, 42201, $"Invalid schema: {reason}");

    public static RegistryError InvalidVersion(string version) => new(422, 42202, $"The specified version '{version}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\".");

    public static RegistryError InvalidCompatibility(string level) => new(422, 42203, $"Invalid compatibility level '{level}'. Valid values are NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE.");

    public static RegistryError Incompatible(string subject, string level, IEnumerable<string> reasons) =>
        new(409, 409, $"Schema being registered is incompatible with an earlier schema for subject '{subject}' ({level}): {string.Join("; ", reasons)}");
}
