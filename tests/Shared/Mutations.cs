namespace Pipelines.Testing;

/// <summary>Random edits of valid bytes (seeded by the caller, so a failure repeats): the fuzz tests' input.</summary>
internal static class Mutations
{
    /// <summary>One to three edits: a byte changed, removed or inserted, or the tail cut off.</summary>
    public static byte[] Mutate(Random random, byte[] value)
    {
        var bytes = value.ToList();
        for (var edits = random.Next(1, 4); edits > 0; edits--)
        {
            switch (random.Next(4))
            {
                case 0 when bytes.Count > 0:
                    bytes[random.Next(bytes.Count)] = (byte)random.Next(256);
                    break;
                case 1 when bytes.Count > 0:
                    bytes.RemoveAt(random.Next(bytes.Count));
                    break;
                case 2:
                    bytes.Insert(random.Next(bytes.Count + 1), (byte)random.Next(256));
                    break;
                case 3 when bytes.Count > 0:
                    var cut = random.Next(bytes.Count);
                    bytes.RemoveRange(cut, bytes.Count - cut);
                    break;
            }
        }

        return [.. bytes];
    }
}
