namespace Pipelines.Sources;

/// <summary>A row of a replayed file is not a row of the contract; the message names the file, the row and why.</summary>
public sealed class ReplayRowException : Exception
{
    /// <summary>Creates the exception for the row at <paramref name="location"/>.</summary>
    public ReplayRowException(string location, string reason, Exception? inner = null)
        : base($"{location}: {reason}", inner)
    {
        Location = location;
        Reason = reason;
    }

    /// <summary>Where the row is: the file and the row's number in it (<c>session.csv, row 12</c>).</summary>
    public string Location { get; }

    /// <summary>Why it cannot be read.</summary>
    public string Reason { get; }
}
