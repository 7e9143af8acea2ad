using System.Text;
using Confluent.Kafka;
using Pipelines.Processing;

namespace Pipelines.Tables;

/// <summary>What one message of a table's topic does to the table.</summary>
internal enum TableUpdate
{
    /// <summary>The key's row was set (the last row, for packed rows).</summary>
    Set,

    /// <summary>A tombstone: the key was deleted.</summary>
    Deleted,

    /// <summary>An event, properties or a stream end: nothing for a table.</summary>
    Ignored,

    /// <summary>Not a row of the table's contract (or a chunk of a split message, which tables do not join): skipped.</summary>
    Unreadable,
}

/// <summary>Applies the messages of a table's topic to the table: the latest row per stream key wins.</summary>
internal static class TableUpdates
{
    public static TableUpdate Apply<T>(ITableRows<T> table, ContractFormat<T> format, int partition, byte[]? key, byte[]? value, Headers? headers, List<T> scratch)
        where T : IMessageContract<T>
    {
        var text = key is null ? "" : Encoding.UTF8.GetString(key);
        if (value is null)
        {
            table.Remove(text);
            return TableUpdate.Deleted;
        }

        var type = MessageTypes.TypeOf(headers);
        switch (type)
        {
            case MessageType.Row or MessageType.Rows:
                scratch.Clear();
                if (format.Read(value, type, scratch, null) == 0)
                {
                    throw new MessageFormatException($"Packed rows of {typeof(T).Name} that hold no row.");
                }

                // Packed rows of one key: the last is the latest.
                table.Set(partition, text, scratch[^1]);
                return TableUpdate.Set;
            case MessageType.Event or MessageType.StreamProperties or MessageType.StreamEnd:
                return TableUpdate.Ignored;
            default:
                return TableUpdate.Unreadable;
        }
    }
}
