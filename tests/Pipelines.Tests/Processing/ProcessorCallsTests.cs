using Microsoft.Extensions.Logging.Abstractions;
using Pipelines.Processing;
using Pipelines.Testing;
using Pipelines.Tests.Contracts;

namespace Pipelines.Tests.Processing;

public class ProcessorCallsTests
{
    private static readonly CarTelemetry Car = new() { CarId = "car-1", Speed = 3 };

    private static ProcessorCalls<CarTelemetry, CarTelemetry> Calls(TestProcessor<CarTelemetry, CarTelemetry> processor, int maxRetries = 2) =>
        new(processor, new RetryPolicy(maxRetries, TimeSpan.Zero), NullLogger.Instance, "test", new("pipelines.processor", "test"));

    [Fact]
    public async Task A_call_that_fails_then_succeeds_keeps_only_the_successful_attempts_outputs()
    {
        var attempts = 0;
        var calls = Calls(new TestProcessor<CarTelemetry, CarTelemetry>
        {
            Row = (row, _, _) => ++attempts < 3 ? throw new InvalidOperationException("not yet") : ValueTask.FromResult<CarTelemetry?>(new CarTelemetry { CarId = "attempt-" + attempts }),
        });

        var failure = await calls.HandleAsync(Car, CancellationToken.None);

        Assert.Null(failure);
        Assert.Equal(3, attempts);
        Assert.Equal(["attempt-3"], calls.Outputs.Rows.Select(r => r.CarId));
    }

    [Fact]
    public async Task A_call_that_keeps_failing_returns_the_last_failure_after_every_retry_with_no_outputs()
    {
        var attempts = 0;
        var calls = Calls(new TestProcessor<CarTelemetry, CarTelemetry>
        {
            Rows = (rows, outputs, _, _) =>
            {
                outputs.Add(rows[0]);
                throw new InvalidOperationException("attempt " + ++attempts);
            },
        });

        var failure = await calls.HandleAsync([Car, Car], CancellationToken.None);

        Assert.Equal("attempt 3", failure?.Message);
        Assert.Empty(calls.Outputs.Rows);
    }

    [Fact]
    public async Task A_stop_during_a_call_propagates_instead_of_being_retried()
    {
        using var stop = new CancellationTokenSource();
        var attempts = 0;
        var calls = Calls(new TestProcessor<CarTelemetry, CarTelemetry>
        {
            Event = (_, _, _, token) =>
            {
                attempts++;
                stop.Cancel();
                token.ThrowIfCancellationRequested();
                return default;
            },
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => calls.HandleEventAsync(new StreamEvent { Id = "pit" }, stop.Token).AsTask());
        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task A_processor_of_events_alone_ignores_rows_and_a_failing_stream_hook_is_reported_not_thrown()
    {
        var calls = Calls(new TestProcessor<CarTelemetry, CarTelemetry>
        {
            Event = (_, _, _, _) => default,
            Closed = (_, _, outputs, _) =>
            {
                outputs.Add(Car);
                throw new InvalidOperationException("hook failed");
            },
        });

        Assert.Null(await calls.HandleAsync(Car, CancellationToken.None));
        Assert.False(calls.Has(ProcessorFeatures.Rows));
        Assert.Null(calls.FlushWhen);
        Assert.False(await calls.OnStreamChangedAsync(new StreamInfo("car-1", 0, 0), StreamEnd.Closed, CancellationToken.None));
        Assert.Empty(calls.Outputs.Rows);
    }

    [Theory]
    [InlineData(0, 100)]
    [InlineData(1, 200)]
    [InlineData(3, 800)]
    [InlineData(6, 5000)]
    [InlineData(60, 5000)]
    public void Retries_wait_twice_as_long_each_time_up_to_five_seconds(int attempt, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), new RetryPolicy(3, TimeSpan.FromMilliseconds(100)).Delay(attempt));
}
