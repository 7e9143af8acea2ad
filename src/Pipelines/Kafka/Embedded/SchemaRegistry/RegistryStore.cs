namespace Pipelines.Kafka.Embedded.SchemaRegistry;

/// <summary>
/// What a Schema Registry holds: subjects and their versions, schemas by id (one id for one schema, under whichever
/// subjects register it), and compatibility levels, global and per subject. One lock: a registry is asked a few times
/// per producer or consumer, never per message (clients cache).
/// </summary>
internal sealed class RegistryStore
{
    private readonly Lock gate = new();
    private readonly List<StoredSchema> schemas = [];
    private readonly Dictionary<string, List<int>> subjects = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> levels = new(StringComparer.Ordinal);
    private string globalLevel = "BACKWARD";

    /// <summary>Registers <paramref name="text"/> under <paramref name="subject"/>: the id it already has there, or a new version once compatible.</summary>
    public int Register(string subject, string text, string? type)
    {
        var candidate = StoredSchema.Parse(text, type);
        lock (gate)
        {
            if (Find(subject, candidate) is { } existing)
            {
                return existing.Id;
            }

            var versions = subjects.TryGetValue(subject, out var list) ? list : [];
            var reasons = Compatibility.Check(LevelOf(subject), candidate, Versions(versions));
            if (reasons.Count > 0)
            {
                throw RegistryError.Incompatible(subject, LevelOf(subject), reasons);
            }

            var id = schemas.Find(s => s.Type == candidate.Type && s.Canonical == candidate.Canonical)?.Id ?? Add(candidate);
            versions.Add(id);
            subjects[subject] = versions;
            return id;
        }
    }

    /// <summary>The version of <paramref name="subject"/> that holds <paramref name="text"/>.</summary>
    public StoredSchema Lookup(string subject, string text, string? type)
    {
        var candidate = StoredSchema.Parse(text, type);
        lock (gate)
        {
            if (!subjects.ContainsKey(subject))
            {
                throw RegistryError.SubjectNotFound(subject);
            }

            return Find(subject, candidate) ?? throw RegistryError.SchemaNotFound($"under subject '{subject}'");
        }
    }

    public StoredSchema ById(int id)
    {
        lock (gate)
        {
            return id >= 1 && id <= schemas.Count ? schemas[id - 1] : throw RegistryError.SchemaNotFound($"id {id}");
        }
    }

    /// <summary>The subjects and versions that hold schema <paramref name="id"/>.</summary>
    public List<(string Subject, int Version)> UsesOf(int id)
    {
        lock (gate)
        {
            ById(id);
            return [.. subjects.SelectMany(s => s.Value.Select((held, index) => (s.Key, held, index + 1))).Where(u => u.held == id).Select(u => (u.Key, u.Item3))];
        }
    }

    public List<string> Subjects()
    {
        lock (gate)
        {
            return [.. subjects.Keys.Order(StringComparer.Ordinal)];
        }
    }

    public List<int> VersionsOf(string subject)
    {
        lock (gate)
        {
            return subjects.TryGetValue(subject, out var versions) ? [.. Enumerable.Range(1, versions.Count)] : throw RegistryError.SubjectNotFound(subject);
        }
    }

    /// <summary>Version <paramref name="version"/> ("latest" or a number) of <paramref name="subject"/>.</summary>
    public StoredSchema Version(string subject, string version)
    {
        lock (gate)
        {
            if (!subjects.TryGetValue(subject, out var versions))
            {
                throw RegistryError.SubjectNotFound(subject);
            }

            var number = version == "latest" ? versions.Count
                : int.TryParse(version, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 1 ? n
                : throw RegistryError.InvalidVersion(version);
            return number <= versions.Count ? schemas[versions[number - 1] - 1] with { Version = number } : throw RegistryError.VersionNotFound(subject, version);
        }
    }

    /// <summary>Deletes <paramref name="subject"/> and returns the versions it had; the schemas keep their ids.</summary>
    public List<int> Delete(string subject)
    {
        lock (gate)
        {
            var versions = VersionsOf(subject);
            subjects.Remove(subject);
            levels.Remove(subject);
            return versions;
        }
    }

    /// <summary>Why <paramref name="text"/> may not follow version <paramref name="version"/> of <paramref name="subject"/> (and the versions before it, at a transitive level).</summary>
    public List<string> TestCompatibility(string subject, string version, string text, string? type)
    {
        var candidate = StoredSchema.Parse(text, type);
        lock (gate)
        {
            if (!subjects.TryGetValue(subject, out var versions))
            {
                // Nothing to be compatible with: what the registry answers for a subject yet to be written.
                return [];
            }

            var upTo = Version(subject, version).Version;
            return Compatibility.Check(LevelOf(subject), candidate, Versions(versions[..upTo]));
        }
    }

    /// <summary>The level of <paramref name="subject"/>, or the global one (<paramref name="subject"/> null); null if the subject has none of its own and <paramref name="fallBack"/> is false.</summary>
    public string? Level(string? subject, bool fallBack = true)
    {
        lock (gate)
        {
            return subject is null ? globalLevel : levels.TryGetValue(subject, out var level) ? level : fallBack ? globalLevel : null;
        }
    }

    public string SetLevel(string? subject, string level)
    {
        level = level.ToUpperInvariant();
        if (!Compatibility.Levels.Contains(level))
        {
            throw RegistryError.InvalidCompatibility(level);
        }

        lock (gate)
        {
            if (subject is null)
            {
                globalLevel = level;
            }
            else
            {
                levels[subject] = level;
            }

            return level;
        }
    }

    /// <summary>Forgets <paramref name="subject"/>'s own level; returns what it was.</summary>
    public string? ClearLevel(string subject)
    {
        lock (gate)
        {
            return levels.Remove(subject, out var level) ? level : throw RegistryError.SubjectNotFound(subject);
        }
    }

    private string LevelOf(string subject) => levels.TryGetValue(subject, out var level) ? level : globalLevel;

    private StoredSchema? Find(string subject, StoredSchema candidate)
    {
        if (!subjects.TryGetValue(subject, out var versions))
        {
            return null;
        }

        for (var i = 0; i < versions.Count; i++)
        {
            var held = schemas[versions[i] - 1];
            if (held.Type == candidate.Type && held.Canonical == candidate.Canonical)
            {
                return held with { Version = i + 1 };
            }
        }

        return null;
    }

    private List<StoredSchema> Versions(List<int> ids) => [.. ids.Select((id, i) => schemas[id - 1] with { Version = i + 1 })];

    private int Add(StoredSchema schema)
    {
        schemas.Add(schema with { Id = schemas.Count + 1 });
        return schemas.Count;
    }
}
