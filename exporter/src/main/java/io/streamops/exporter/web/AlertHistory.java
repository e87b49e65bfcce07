package io.streamops.exporter.web;

import io.streamops.exporter.alert.AlertPhase;
import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.route.RouterLoop;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The dashboard's alert history: every transition (firing, resolved) this instance's router takes in as
 * new, at the time the transition itself states (a firing at its {@code startsAt}, a resolve at its
 * {@code endsAt}), newest first and at most {@link #capacity} entries. Fed by the router as each transition
 * arrives ({@link #alongside}), so an alert that fires and resolves within a second is there with both
 * times. It lives in memory: an instance starts with an empty history, and transitions it replays from
 * the alerts topic (sent before, by it or another instance) are not added; the notifications, the alerts
 * topic and {@code /metrics} keep the full record.
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

        /** The transition as an entry at the time it states; empty for a phase the history does not show. */
        static java.util.Optional<Entry> of(AlertTransition t) {
            if (t.phase() == AlertPhase.FIRING) {
                return java.util.Optional.of(of(t, "firing", firstKnown(t.startsAt(), t.at())));
            }
            if (t.phase() == AlertPhase.RESOLVED) {
                return java.util.Optional.of(of(t, "resolved", firstKnown(t.endsAt(), t.at())));
            }
            return java.util.Optional.empty();
        }

        private static Instant firstKnown(Instant stated, Instant evaluated) {
            return stated != null ? stated : evaluated;
        }
    }

    /**
     * Newest first; at the same moment a resolve before a firing (the firing came first), then by job,
     * query, alert: the same entries always list in the same order, whatever order they arrived in.
     */
    static final Comparator<Entry> NEWEST_FIRST = Comparator.comparing(Entry::at, Comparator.nullsLast(Comparator.reverseOrder()))
            .thenComparing(e -> e.phase().equals("firing"))
            .thenComparing(Entry::job).thenComparing(Entry::query).thenComparing(Entry::alertname)
            .thenComparing(Entry::fingerprint);

    private final int capacity;
    /** Oldest first (so the common case, a transition newer than all, is an append). */
    private final List<Entry> entries = new ArrayList<>();

    public AlertHistory(int capacity) {
        this.capacity = capacity;
    }

    /** Adds a transition (pending ones are not shown). */
    public void record(AlertTransition t) {
        Entry.of(t).ifPresent(this::add);
    }

    private synchronized void add(Entry e) {
        int at = entries.size();
        while (at > 0 && NEWEST_FIRST.compare(entries.get(at - 1), e) < 0) { // entries.get(at - 1) is newer
            at--;
        }
        entries.add(at, e);
        if (entries.size() > capacity) {
            entries.remove(0);
        }
    }

    /** Newest first, at most {@code limit}. */
    public synchronized List<Entry> recent(int limit) {
        List<Entry> out = new ArrayList<>(Math.min(limit, entries.size()));
        for (int i = entries.size() - 1; i >= 0 && out.size() < limit; i--) {
            out.add(entries.get(i));
        }
        return out;
    }

    /**
     * The router's callbacks for {@code owner} (the restart controller, or none), with every new transition
     * ({@link RouterLoop.OwnerActions#fresh}) also recorded here first. Every callback goes to {@code owner}
     * unchanged: a proxy rather than a hand-written delegate, so that a callback added to the interface later
     * still reaches the owner instead of a default that does nothing.
     */
    public RouterLoop.OwnerActions alongside(RouterLoop.OwnerActions owner) {
        return (RouterLoop.OwnerActions) Proxy.newProxyInstance(RouterLoop.OwnerActions.class.getClassLoader(),
                new Class<?>[] {RouterLoop.OwnerActions.class}, (proxy, method, args) -> {
                    if (method.getName().equals("fresh") && args != null && args.length == 1 && args[0] instanceof AlertTransition t) {
                        record(t);
                    }
                    try {
                        return method.invoke(owner, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }
}
