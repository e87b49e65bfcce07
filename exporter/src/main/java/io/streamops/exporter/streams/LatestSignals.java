package io.streamops.exporter.streams;

import io.streamops.exporter.alert.QueryAlertState;
import io.streamops.exporter.signals.Signals;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The signals of every query this instance owns, and the state of its alerts, as of each task's last
 * once-a-second pass: what {@code /metrics} and {@code /api/queries} show. The stream thread publishes
 * immutable maps per task at the end of each pass (the pass computes them anyway), and readers on any thread take
 * whatever was published last: no store reads, nothing shared that changes under a reader. A task
 * whose last pass is older than {@link #STALE_AFTER} (its stream thread is stuck) is left out rather
 * than shown frozen: its series disappear, which {@code absent()} alerts can see.
 */
public final class LatestSignals {
    static final Duration STALE_AFTER = Duration.ofSeconds(30);

    private record Published(Map<String, Signals> signals, Map<String, QueryAlertState> alerts, long atMillis) {
    }

    private final Map<String, Published> byTask = new ConcurrentHashMap<>();
    private final Clock clock;

    public LatestSignals() {
        this(Clock.systemUTC());
    }

    LatestSignals(Clock clock) {
        this.clock = clock;
    }

    void publish(String taskId, Map<String, Signals> signals, long atMillis) {
        publish(taskId, signals, Map.of(), atMillis);
    }

    /** As above, with the state of the queries' alerts after the same pass (by query id). */
    void publish(String taskId, Map<String, Signals> signals, Map<String, QueryAlertState> alerts, long atMillis) {
        byTask.put(taskId, new Published(Map.copyOf(signals), Map.copyOf(alerts), atMillis));
    }

    /** The task moved to another instance, or this one is closing. */
    void withdraw(String taskId) {
        byTask.remove(taskId);
    }

    /** The pending and firing alerts of every owned query, by query id, as of the pass that gave {@link #all()}. */
    public Map<String, QueryAlertState> alerts() {
        long oldest = clock.millis() - STALE_AFTER.toMillis();
        Map<String, QueryAlertState> out = new HashMap<>();
        for (Published task : byTask.values()) {
            if (task.atMillis() >= oldest) {
                out.putAll(task.alerts());
            }
        }
        return out;
    }

    /** Every owned query's signals, ordered by job, then query name, then query id. */
    public List<Signals> all() {
        long oldest = clock.millis() - STALE_AFTER.toMillis();
        List<Signals> out = new ArrayList<>();
        for (Published task : byTask.values()) {
            if (task.atMillis() >= oldest) {
                out.addAll(task.signals().values());
            }
        }
        out.sort(Comparator.comparing(Signals::job).thenComparing(Signals::queryLabel).thenComparing(Signals::queryId));
        return out;
    }
}
