package io.streamops.exporter.alert;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The pending and firing alerts of one query, by rule name: the value kept per query id in the state
 * store (inside the query's record). Immutable. Keyed by rule name so that it survives a
 * reload of the rules: a changed rule keeps its alert, a removed one resolves.
 */
public record QueryAlertState(String queryId, Map<String, AlertState> alerts) {

    public QueryAlertState {
        // Sorted by rule name: a stable order for the API and for tests.
        alerts = Collections.unmodifiableMap(new TreeMap<>(alerts));
    }

    public static QueryAlertState empty(String queryId) {
        return new QueryAlertState(queryId, Map.of());
    }

    @JsonIgnore // derived; not part of the stored state
    public boolean isEmpty() {
        return alerts.isEmpty();
    }
}
