package io.streamops.exporter.web;

import io.streamops.exporter.alert.AlertTransition;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The dashboard's alert history: what started and stopped firing, as this instance's router saw it,
 * newest first and at most {@link #capacity} entries. It is built by comparing the router's firing set at
 * each sample with the previous one, so it lives in memory (an instance starts with an empty history) and
 * an alert that fires and resolves between two samples is not seen; the notifications, the alerts topic
 * and {@code /metrics} keep the full record.
 */
public final class AlertHistory {
    /** One alert as the page shows it; texts from Spark (query, summary) shown as text only. */
    public record Entry(Instant at, String phase, String fingerprint, String alertname, String severity, String job,
                        String query, String queryId, String summary, Instant startsAt) {
        static Entry of(AlertTransition t, String phase, Instant at) {
            Map<String, String> labels = t.labels();
            return new Entry(at, phase, t.fingerprint(), labels.getOrDefault("alertname", t.rule()), t.severity(),
                    labels.getOrDefault("job", ""), labels.getOrDefault("query", ""), labels.getOrDefault("query_id", ""),
                    t.annotations().getOrDefault("summary", ""), t.startsAt());
        }
    }

    private final int capacity;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private Map<String, AlertTransition> firing = Map.of();

    public AlertHistory(int capacity) {
        this.capacity = capacity;
    }

    /** Records the alerts that started or stopped firing since the last call. */
    public synchronized void observe(Collection<AlertTransition> nowFiring, Instant now) {
        Map<String, AlertTransition> next = new HashMap<>();
        for (AlertTransition t : nowFiring) {
            next.put(t.fingerprint(), t);
        }
        for (AlertTransition t : next.values()) {
            AlertTransition before = firing.get(t.fingerprint());
            if (before == null || !java.util.Objects.equals(before.startsAt(), t.startsAt())) {
                add(Entry.of(t, "firing", t.startsAt() == null ? now : t.startsAt()));
            }
        }
        for (AlertTransition t : firing.values()) {
            if (!next.containsKey(t.fingerprint())) {
                add(Entry.of(t, "resolved", now));
            }
        }
        firing = next;
    }

    private void add(Entry e) {
        entries.addFirst(e);
        while (entries.size() > capacity) {
            entries.removeLast();
        }
    }

    /** Newest first, at most {@code limit}. */
    public synchronized List<Entry> recent(int limit) {
        List<Entry> out = new ArrayList<>(Math.min(limit, entries.size()));
        for (Entry e : entries) {
            if (out.size() >= limit) {
                break;
            }
            out.add(e);
        }
        return out;
    }
}
