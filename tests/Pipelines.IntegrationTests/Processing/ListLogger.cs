using Microsoft.Extensions.Logging;

namespace Pipelines.IntegrationTests.Processing;

/// <summary>Keeps what a processor logs, so a test can assert on warnings and errors, or wait for one.</summary>
internal sealed class ListLogger : ILogger
{
    public Collected<(LogLevel Level, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        Entries.Add((logLevel, formatter(state, exception)));

    public IEnumerable<string> At(LogLevel level) => Entries.Where(e => e.Level == level).Select(e => e.Message);

    /// <summary>Every entry, one per line: for a failure message.</summary>
    public override string ToString() => string.Join('\n', Entries.Select(e => $"{e.Level}: {e.Message}"));

    /// <summary>Waits until a message at <paramref name="level"/> contains <paramref name="text"/>, <paramref name="stopped"/> ends, or patience runs out.</summary>
    public Task Logged(LogLevel level, string text, Task? stopped = null) =>
        Entries.Until(entries => entries.Any(e => e.Level == level && e.Message.Contains(text, StringComparison.Ordinal)), stopped);
}

/// <summary>Gives every category of a host the one <see cref="ListLogger"/>.</summary>
internal sealed class ListLoggerProvider(ListLogger logger) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => logger;

    public void Dispose()
    {
    }
}
