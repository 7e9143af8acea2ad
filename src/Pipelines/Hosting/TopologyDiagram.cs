using System.Collections.Generic;
using System.Text;

namespace Pipelines.Hosting;

/// <summary>
/// Draws processors and the topics between them as a Mermaid flowchart. Written once, compiled twice: into the
/// runtime (<see cref="PipelinesTopology"/>, from the settings a host runs with) and, as a linked file, into the source
/// generator (the assembly's <c>PipelinesTopology.Mermaid</c> constant, from its attributes).
/// </summary>
internal static class TopologyDiagram
{
    /// <summary>One processor as the diagram shows it: what it reads and writes, where its dead letters and its state go.</summary>
    internal readonly struct Processor
    {
        public Processor(string name, string inputTopic, string? outputTopic, string? deadLetterTopic, string? changelogTopic, IEnumerable<string>? tableTopics = null, IEnumerable<string>? inputTopics = null)
        {
            Name = name;
            TableTopics = tableTopics ?? [];
            InputTopics = inputTopics ?? [inputTopic];
            OutputTopic = outputTopic;
            DeadLetterTopic = deadLetterTopic;
            ChangelogTopic = changelogTopic;
        }

        public string Name { get; }

        /// <summary>Every topic it reads (one, unless it has several inputs).</summary>
        public IEnumerable<string> InputTopics { get; }

        public string? OutputTopic { get; }

        public string? DeadLetterTopic { get; }

        public string? ChangelogTopic { get; }

        public IEnumerable<string> TableTopics { get; }
    }

    /// <summary>The flowchart, left to right: topics as cylinders, processors as boxes, tables, dead letters and state dotted.</summary>
    public static string Mermaid(IEnumerable<Processor> processors)
    {
        // Ids by first appearance: topic names may differ only in '.', '-' or '_', which ids cannot hold.
        var topics = new Dictionary<string, string>(System.StringComparer.Ordinal);
        var nodes = new StringBuilder();
        var edges = new StringBuilder();
        var index = 0;
        foreach (var processor in processors)
        {
            var id = "p" + index++;
            nodes.Append("    ").Append(id).Append("[\"").Append(processor.Name).Append("\"]\n");
            foreach (var input in processor.InputTopics)
            {
                edges.Append("    ").Append(Topic(input)).Append(" --> ").Append(id).Append('\n');
            }

            foreach (var table in processor.TableTopics)
            {
                edges.Append("    ").Append(Topic(table)).Append(" -.->|table| ").Append(id).Append('\n');
            }

            if (processor.OutputTopic is { } output)
            {
                edges.Append("    ").Append(id).Append(" --> ").Append(Topic(output)).Append('\n');
            }

            if (processor.DeadLetterTopic is { } deadLetters)
            {
                edges.Append("    ").Append(id).Append(" -.->|dead letters| ").Append(Topic(deadLetters)).Append('\n');
            }

            if (processor.ChangelogTopic is { } changelog)
            {
                edges.Append("    ").Append(id).Append(" -.-|state| ").Append(Topic(changelog)).Append('\n');
            }
        }

        return "flowchart LR\n" + nodes + edges;

        string Topic(string name)
        {
            if (!topics.TryGetValue(name, out var id))
            {
                id = "t" + topics.Count;
                topics.Add(name, id);
                nodes.Append("    ").Append(id).Append("[(\"").Append(name).Append("\")]\n");
            }

            return id;
        }
    }
}
