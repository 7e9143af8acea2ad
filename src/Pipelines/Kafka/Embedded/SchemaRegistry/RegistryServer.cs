using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Pipelines.Kafka.Embedded.SchemaRegistry;

/// <summary>
/// Confluent Schema Registry's REST API, the part its clients and serializers use, over <see cref="HttpListener"/> on
/// the loopback interface: subjects and versions, schemas by id, lookups, compatibility tests and levels. Answers as the
/// registry does, in its media type and with its error codes, so clients written against it behave the same.
/// </summary>
internal sealed class RegistryServer : IDisposable
{
    private const string MediaType = "application/vnd.schemaregistry.v1+json";

    private readonly HttpListener listener;
    private readonly RegistryStore store = new();
    private readonly Task accepting;

    public RegistryServer()
    {
        // A free port, then bound by the listener: another process could take it between the two, so a few tries.
        for (var attempt = 0; ; attempt++)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Url = $"http://127.0.0.1:{port}";
            listener = new HttpListener();
            listener.Prefixes.Add(Url + "/");
            try
            {
                listener.Start();
                break;
            }
            catch (HttpListenerException) when (attempt < 5)
            {
                listener.Close();
            }
        }

        accepting = Task.Run(AcceptAsync);
    }

    /// <summary>The registry's address, <c>http://127.0.0.1:port</c>.</summary>
    public string Url { get; }

    public void Dispose()
    {
        listener.Close();
        try
        {
            accepting.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // The accept loop ends with the listener; how is of no interest once it has.
        }
    }

    private async Task AcceptAsync()
    {
        while (listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => Answer(context));
        }
    }

    private void Answer(HttpListenerContext context)
    {
        int status;
        string body;
        try
        {
            (status, body) = Route(context.Request);
        }
        catch (RegistryError error)
        {
            (status, body) = (error.Status, Error(error.Code, error.Message));
        }
        catch (JsonException exception)
        {
            (status, body) = (422, Error(42201, $"Invalid request: {exception.Message}"));
        }

        try
        {
            var bytes = Encoding.UTF8.GetBytes(body);
            context.Response.StatusCode = status;
            context.Response.ContentType = MediaType;
            context.Response.ContentLength64 = bytes.Length;
            context.Response.OutputStream.Write(bytes);
            context.Response.Close();
        }
        catch (Exception exception) when (exception is HttpListenerException or ObjectDisposedException or IOException)
        {
            // The client went away; nothing to tell it.
        }
    }

    private (int Status, string Body) Route(HttpListenerRequest request)
    {
        var url = request.RawUrl ?? "/";
        var at = url.IndexOf('?', StringComparison.Ordinal);
        var query = at >= 0 ? url[(at + 1)..] : "";
        var path = (at >= 0 ? url[..at] : url).Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToArray();
        var method = request.HttpMethod;
        return (method, path) switch
        {
            ("GET", []) => Ok(new JsonObject()),
            ("GET", ["schemas", "types"]) => Ok(new JsonArray("AVRO", "JSON")),
            ("GET", ["subjects"]) => Ok(new JsonArray([.. store.Subjects().Select(s => (JsonNode?)s)])),
            ("GET", ["subjects", var subject, "versions"]) => Ok(new JsonArray([.. store.VersionsOf(subject).Select(v => (JsonNode?)v)])),
            ("GET", ["subjects", var subject, "versions", var version]) => Ok(Described(subject, store.Version(subject, version))),
            ("GET", ["subjects", var subject, "versions", var version, "schema"]) => (200, store.Version(subject, version).Text),
            ("POST", ["subjects", var subject, "versions"]) => Register(subject, request),
            ("POST", ["subjects", var subject]) => Lookup(subject, request),
            ("DELETE", ["subjects", var subject]) => Ok(new JsonArray([.. store.Delete(subject).Select(v => (JsonNode?)v)])),
            ("GET", ["schemas", "ids", var id]) => Ok(Schema(store.ById(Id(id)))),
            ("GET", ["schemas", "ids", var id, "schema"]) => (200, store.ById(Id(id)).Text),
            ("GET", ["schemas", "ids", var id, "versions"]) => Ok(new JsonArray([.. store.UsesOf(Id(id)).Select(u => (JsonNode?)new JsonObject { ["subject"] = u.Subject, ["version"] = u.Version })])),
            ("POST", ["compatibility", "subjects", var subject, "versions", var version]) => Compatible(subject, version, request),
            ("GET", ["config"]) => Ok(new JsonObject { ["compatibilityLevel"] = store.Level(null) }),
            ("PUT", ["config"]) => Ok(new JsonObject { ["compatibility"] = store.SetLevel(null, Level(request)) }),
            ("GET", ["config", var subject]) => Ok(new JsonObject { ["compatibilityLevel"] = store.Level(subject, query.Contains("defaultToGlobal=true", StringComparison.Ordinal)) ?? throw new RegistryError(404, 40408, $"Subject '{subject}' does not have subject-level compatibility configured") }),
            ("PUT", ["config", var subject]) => Ok(new JsonObject { ["compatibility"] = store.SetLevel(subject, Level(request)) }),
            ("DELETE", ["config", var subject]) => Ok(new JsonObject { ["compatibilityLevel"] = store.ClearLevel(subject) }),
            _ => (404, Error(404, $"HTTP 404 Not Found: {method} {url}")),
        };
    }

    private (int, string) Register(string subject, HttpListenerRequest request)
    {
        var (text, type) = SchemaOf(request);
        return Ok(new JsonObject { ["id"] = store.Register(subject, text, type) });
    }

    private (int, string) Lookup(string subject, HttpListenerRequest request)
    {
        var (text, type) = SchemaOf(request);
        return Ok(Described(subject, store.Lookup(subject, text, type)));
    }

    private (int, string) Compatible(string subject, string version, HttpListenerRequest request)
    {
        var (text, type) = SchemaOf(request);
        var reasons = store.TestCompatibility(subject, version, text, type);
        var answer = new JsonObject { ["is_compatible"] = reasons.Count == 0 };
        if (reasons.Count > 0)
        {
            answer["messages"] = new JsonArray([.. reasons.Select(r => (JsonNode?)r)]);
        }

        return Ok(answer);
    }

    /// <summary>The schema and its type from a request's body; references (schemas that include others) are refused, said.</summary>
    private static (string Text, string? Type) SchemaOf(HttpListenerRequest request)
    {
        var body = Body(request);
        if (body["references"] is JsonArray { Count: > 0 })
        {
            throw RegistryError.InvalidSchema("schema references are not supported by the embedded registry");
        }

        var text = body["schema"]?.GetValue<string>() ?? throw RegistryError.InvalidSchema("the request has no \"schema\"");
        return (text, body["schemaType"]?.GetValue<string>());
    }

    private static string Level(HttpListenerRequest request) =>
        Body(request)["compatibility"]?.GetValue<string>() ?? throw RegistryError.InvalidCompatibility("(none)");

    private static JsonObject Body(HttpListenerRequest request)
    {
        using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
        return JsonNode.Parse(reader.ReadToEnd()) as JsonObject ?? throw new JsonException("the body is not a JSON object");
    }

    private static int Id(string text) =>
        int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id) ? id : throw RegistryError.SchemaNotFound($"id {text}");

    private static JsonObject Described(string subject, StoredSchema schema)
    {
        var described = new JsonObject { ["subject"] = subject, ["version"] = schema.Version, ["id"] = schema.Id };
        foreach (var (key, value) in Schema(schema))
        {
            described[key] = value?.DeepClone();
        }

        return described;
    }

    /// <summary>A schema as the registry returns it: <c>schemaType</c> is left out for Avro, its default.</summary>
    private static JsonObject Schema(StoredSchema schema)
    {
        var answer = new JsonObject { ["schema"] = schema.Text };
        if (schema.Type != "AVRO")
        {
            answer["schemaType"] = schema.Type;
        }

        return answer;
    }

    private static (int, string) Ok(JsonNode node) => (200, node.ToJsonString());

    private static string Error(int code, string message) => new JsonObject { ["error_code"] = code, ["message"] = message }.ToJsonString();
}
