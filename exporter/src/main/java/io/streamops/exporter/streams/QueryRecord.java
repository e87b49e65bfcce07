package io.streamops.exporter.streams;

import io.streamops.exporter.alert.QueryAlertState;
import io.streamops.exporter.query.QueryState;

/** One entry of the {@code query-state} store: what we know of a query, and its alerts' state. */
public final class QueryRecord {
    public QueryState state = new QueryState();
    /** The state of this query's alerts; null before the first evaluation. */
    public QueryAlertState alerts;

    // The processor's bookkeeping, not stored (package-private fields are not serialised).
    /** Events folded in since the record was last saved. */
    boolean unsaved;
    /** Wall-clock millis of the last save; 0 for a record read back from the store. */
    long savedAtMillis;
}
