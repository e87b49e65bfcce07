package io.streamops.exporter.streams;

import io.streamops.exporter.signals.Signals;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The signals of every query this instance owns, as of each task's last once-a-second pass: what
 * {@code /metrics} and {@code /api/queries} show. The stream thread publishes an immutable map per task
 * at the end of each pass (the pass computes these signals anyway), and readers on any thread take
 * whatever was published last: no store reads, nothing shared that changes under a reader.
 */
public final class LatestSignals {
    private final Map<String, Map<String, Signals>> byTask = new ConcurrentHashMap<>();

    void publish(String taskId, Map<String, Signals> signals) {
        byTask.put(taskId, Map.copyOf(signals));
    }

    /** The task moved to another instance, or this one is closing. */
    void withdraw(String taskId) {
        byTask.remove(taskId);
    }

    /** Every owned query's signals, ordered by job, then query name, then query id. */
    public List<Signals> all() {
        List<Signals> out = new ArrayList<>();
        for (Map<String, Signals> task : byTask.values()) {
            out.addAll(task.values());
        }
        out.sort(Comparator.comparing(Signals::job).thenComparing(Signals::queryLabel).thenComparing(Signals::queryId));
        return out;
    }
}
