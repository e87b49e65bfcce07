package io.streamops.listener.agent;

import io.streamops.listener.capture.KnownQueries;
import io.streamops.listener.capture.Origin;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The queries this JVM has seen, by query id: written by the dispatcher thread only, read by the
 * heartbeat timer. Terminated queries stay until their metrics grace period ends.
 */
final class QueryRegistry implements KnownQueries {

    static final class TrackedQuery {
        final UUID id;
        final UUID runId;
        final String name;
        final Origin origin;
        final long startedAtMillis;
        volatile long lastProgressAtMillis = -1;
        volatile long lastBatchId = -1;
        volatile long terminatedAtMillis = -1;

        TrackedQuery(UUID id, UUID runId, String name, Origin origin, long startedAtMillis) {
            this.id = id;
            this.runId = runId;
            this.name = name;
            this.origin = origin;
            this.startedAtMillis = startedAtMillis;
        }

        boolean active() {
            return terminatedAtMillis < 0;
        }
    }

    private final ConcurrentHashMap<UUID, TrackedQuery> queries = new ConcurrentHashMap<>();

    TrackedQuery started(UUID id, UUID runId, String name, Origin origin, long atMillis) {
        TrackedQuery query = new TrackedQuery(id, runId, name, origin, atMillis);
        queries.put(id, query);
        return query;
    }

    TrackedQuery get(UUID id) {
        return queries.get(id);
    }

    @Override
    public String name(UUID queryId) {
        TrackedQuery q = queries.get(queryId);
        return q == null ? null : q.name;
    }

    @Override
    public long lastProgressAtMillis(UUID queryId) {
        TrackedQuery q = queries.get(queryId);
        return q == null ? -1 : q.lastProgressAtMillis;
    }

    @Override
    public long lastBatchId(UUID queryId) {
        TrackedQuery q = queries.get(queryId);
        return q == null ? -1 : q.lastBatchId;
    }

    boolean anyActive() {
        for (TrackedQuery query : queries.values()) {
            if (query.active()) {
                return true;
            }
        }
        return false;
    }

    List<TrackedQuery> active() {
        List<TrackedQuery> result = new ArrayList<>();
        for (TrackedQuery query : queries.values()) {
            if (query.active()) {
                result.add(query);
            }
        }
        return result;
    }

    /** Removes and returns the queries that terminated more than {@code graceMs} ago. */
    List<TrackedQuery> expire(long nowMillis, long graceMs) {
        List<TrackedQuery> expired = new ArrayList<>();
        for (TrackedQuery query : queries.values()) {
            if (!query.active() && nowMillis - query.terminatedAtMillis >= graceMs) {
                if (queries.remove(query.id, query)) {
                    expired.add(query);
                }
            }
        }
        return expired;
    }
}
