namespace ZgDb.Telemetry;

/// <summary>
/// The span of one transaction (<c>transaction</c>, from <see cref="ZgDatabase.BeginTransaction"/> to its commit or
/// rollback, with <c>zgdb.transaction.outcome</c> = <c>committed</c> or <c>rolled_back</c>); it is current while the
/// transaction is open, so the writes inside it are its children. <see cref="Commit"/> measures the commit itself as
/// a <c>commit</c> operation. Null when nothing listens.
/// </summary>
internal sealed class TransactionTelemetry
{
    private readonly OperationTelemetry _span;
    private bool _ended;

    private TransactionTelemetry(OperationTelemetry span) => _span = span;

    public static TransactionTelemetry? Begin(ZgDatabase database) =>
        OperationTelemetry.Start(database, "transaction", null) is { } span ? new TransactionTelemetry(span) : null;

    /// <summary>Runs the commit, measured (a <c>commit</c> span under the transaction's) when anything listens.</summary>
    public static void Commit(TransactionTelemetry? transaction, ZgDatabase database, Action commit)
    {
        var telemetry = OperationTelemetry.Start(database, "commit", null);
        if (telemetry is null && transaction is null)
        {
            commit();
            return;
        }
        try
        {
            commit();
        }
        catch (Exception e)
        {
            telemetry?.Failed(e);
            if (transaction is not null && !transaction._ended)
            {
                transaction._ended = true;
                transaction._span.Failed(e);
            }
            throw;
        }
        telemetry?.Succeeded();
        transaction?.End("committed");
    }

    /// <summary>The transaction ended without a commit (nothing when it was committed before).</summary>
    public void RolledBack() => End("rolled_back");

    private void End(string outcome)
    {
        if (_ended) return;
        _ended = true;
        _span.Activity?.SetTag(TelemetryTags.Outcome, outcome);
        _span.Succeeded();
    }
}
