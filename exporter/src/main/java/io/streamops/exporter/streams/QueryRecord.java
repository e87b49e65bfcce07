package io.streamops.exporter.streams;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamops.exporter.state.QueryState;

/** One entry of the {@code query-state} store: what we know of a query, and its alerts' state. */
public final class QueryRecord {
    public QueryState state = new QueryState();
    /** Owned by the rule stage; null before the first evaluation. */
    public JsonNode alerts;
}
