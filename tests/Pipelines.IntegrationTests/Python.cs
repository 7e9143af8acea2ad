namespace Pipelines.IntegrationTests;

/// <summary>
/// Runs a script with Debian's own Python, which sees the Debian packages <c>./test.sh</c> installs
/// (<c>python3-confluent-kafka</c>): a Kafka client no one here wrote, on another librdkafka than ours.
/// </summary>
internal static class Python
{
    // Not the first python3 on PATH: a pyenv one there does not see Debian's packages.
    private const string Interpreter = "/usr/bin/python3";

    /// <summary>Runs <paramref name="script"/> with <paramref name="arguments"/> as <c>sys.argv[1:]</c>; fails with its errors unless it exits with 0.</summary>
    public static async Task<string> Run(string script, params string[] arguments)
    {
        var path = Path.Combine(Path.GetTempPath(), $"pipelines-{Guid.NewGuid():N}.py");
        await File.WriteAllTextAsync(path, script);
        try
        {
            using var python = ChildProcess.Start(Interpreter, string.Join(' ', arguments.Prepend(path).Select(a => $"\"{a}\"")));
            var code = await python.WaitForExit();
            Assert.True(code == 0, $"{Interpreter} exited with {code}: {python.Errors}" +
                (python.Errors.Contains("No module named 'confluent_kafka'", StringComparison.Ordinal) ? " (./test.sh installs it: apt-get install python3-confluent-kafka)" : ""));
            return python.Output;
        }
        finally
        {
            File.Delete(path);
        }
    }
}
