using System.Net.Sockets;
using System.Text;
using Confluent.Kafka;

namespace Pipelines.Kafka.Embedded;

/// <summary>
/// A side channel to an embedded cluster run as its own process. librdkafka's mock cluster answers no CreateTopics
/// request (an admin client waits for a controller until it times out) and auto-creates a topic with 4 partitions
/// when a client first names it. So the standalone broker listens on a Unix socket whose path follows from its first
/// bootstrap address, and a host that finds the socket creates topics through it, with the partitions it wants, and
/// knows to give consumers the embedded broker's short session.
/// </summary>
/// <remarks>
/// The protocol is one line per request: <c>create &lt;topic&gt; &lt;partitions&gt;</c>, answered <c>created</c>, <c>exists</c>
/// or <c>error &lt;reason&gt;</c>; and <c>id</c>, answered with the cluster's <see cref="EmbeddedKafka.Id"/>.
/// </remarks>
internal static class EmbeddedKafkaControl
{
    private static readonly TimeSpan ReplyTimeout = TimeSpan.FromSeconds(5);

    /// <summary>The socket of the broker whose first bootstrap address is the first of <paramref name="bootstrapServers"/>.</summary>
    public static string SocketPath(string bootstrapServers)
    {
        var first = bootstrapServers.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).FirstOrDefault() ?? "";
        var name = string.Concat(first.Select(c => char.IsAsciiLetterOrDigit(c) || c == '.' ? c : '_'));
        return Path.Combine(Path.GetTempPath(), "pipelines-embedded", name + ".sock");
    }

    /// <summary>Serves requests for <paramref name="kafka"/> until the returned handle is disposed, which also removes the socket.</summary>
    public static IDisposable Serve(EmbeddedKafka kafka)
    {
        var path = SocketPath(kafka.BootstrapServers);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.Delete(path); // a broker that was killed leaves its socket behind; the port is ours now
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen();
        var server = new Server(kafka, listener, path);
        _ = server.AcceptAsync();
        return server;
    }

    /// <summary>Creates <paramref name="topic"/> on the standalone embedded broker at <paramref name="bootstrapServers"/>.</summary>
    /// <returns>Whether it was created or existed, or <see cref="TopicCreation.NotAnswered"/> if no standalone embedded broker answers there.</returns>
    /// <exception cref="KafkaException">The broker refused the topic.</exception>
    public static async Task<TopicCreation> CreateTopicAsync(string bootstrapServers, string topic, int partitions, CancellationToken cancellationToken)
    {
        using var socket = Connect(bootstrapServers);
        if (socket is null)
        {
            return TopicCreation.NotAnswered;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ReplyTimeout);
        await using var stream = new NetworkStream(socket, ownsSocket: false);
        await stream.WriteAsync(Encoding.UTF8.GetBytes($"create {topic} {partitions}\n"), timeout.Token);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var reply = await reader.ReadLineAsync(timeout.Token);
        return reply switch
        {
            "created" => TopicCreation.Created,
            "exists" => TopicCreation.Existed,
            null => TopicCreation.NotAnswered,
            _ => throw new KafkaException(new Error(ErrorCode.InvalidRequest, $"The embedded broker did not create topic '{topic}': {reply}")),
        };
    }

    /// <summary>The <see cref="EmbeddedKafka.Id"/> of the standalone embedded broker at <paramref name="bootstrapServers"/>, or <see langword="null"/> if none answers there.</summary>
    public static string? ClusterId(string bootstrapServers)
    {
        using var socket = Connect(bootstrapServers);
        if (socket is null)
        {
            return null;
        }

        using var stream = new NetworkStream(socket, ownsSocket: false) { ReadTimeout = (int)ReplyTimeout.TotalMilliseconds };
        stream.Write("id\n"u8);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        try
        {
            return reader.ReadLine() is { } reply && reply.StartsWith("id ", StringComparison.Ordinal) ? reply[3..] : null;
        }
        catch (IOException)
        {
            return null; // no answer in time
        }
    }

    /// <summary>Whether a standalone embedded broker answers for <paramref name="bootstrapServers"/>.</summary>
    public static bool IsServed(string bootstrapServers)
    {
        using var socket = Connect(bootstrapServers);
        return socket is not null;
    }

    /// <summary>A connection to the control socket of <paramref name="bootstrapServers"/>, or null if no broker answers there.</summary>
    private static Socket? Connect(string bootstrapServers)
    {
        var path = SocketPath(bootstrapServers);
        if (!File.Exists(path))
        {
            return null;
        }

        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            // A Unix socket connects at once or not at all.
            socket.Connect(new UnixDomainSocketEndPoint(path));
            return socket;
        }
        catch (SocketException)
        {
            socket.Dispose();
            return null; // left behind by a broker that is gone
        }
    }

    private sealed class Server(EmbeddedKafka kafka, Socket listener, string path) : IDisposable
    {
        public async Task AcceptAsync()
        {
            while (true)
            {
                Socket connection;
                try
                {
                    connection = await listener.AcceptAsync();
                }
                catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
                {
                    return; // disposed
                }

                _ = AnswerAsync(connection);
            }
        }

        public void Dispose()
        {
            listener.Dispose();
            File.Delete(path);
        }

        private async Task AnswerAsync(Socket connection)
        {
            using (connection)
            {
                try
                {
                    await using var stream = new NetworkStream(connection, ownsSocket: false);
                    using var reader = new StreamReader(stream, Encoding.UTF8);
                    await using var writer = new StreamWriter(stream, new UTF8Encoding(false)) { AutoFlush = true, NewLine = "\n" };
                    while (await reader.ReadLineAsync() is { } request)
                    {
                        await writer.WriteLineAsync(Answer(request));
                    }
                }
                catch (IOException)
                {
                    // The client went away mid-request; it will see no answer and ask again or give up.
                }
            }
        }

        private string Answer(string request)
        {
            if (request == "id")
            {
                return "id " + kafka.Id.ToString("N");
            }

            var parts = request.Split(' ');
            if (parts is not ["create", var topic, var count] || !int.TryParse(count, out var partitions) || partitions < 1)
            {
                return $"error unknown request '{request}'";
            }

            try
            {
                kafka.CreateTopic(topic, partitions);
                return "created";
            }
            catch (KafkaException exception) when (exception.Error.Code == ErrorCode.TopicAlreadyExists)
            {
                return "exists";
            }
            catch (Exception exception) when (exception is KafkaException or ArgumentException or ObjectDisposedException)
            {
                return "error " + exception.Message.ReplaceLineEndings(" ");
            }
        }
    }
}

/// <summary>What the standalone embedded broker said to a request for a topic.</summary>
internal enum TopicCreation
{
    /// <summary>No broker answered on the control socket.</summary>
    NotAnswered,

    /// <summary>The topic was created with the partitions asked for.</summary>
    Created,

    /// <summary>The topic existed already, with whatever partitions it has.</summary>
    Existed,
}
