package io.streamops.listener.capture;

import java.util.UUID;

/** {@code query.status} and friends for one running query, read by the heartbeat timer. Immutable. */
public final class HeartbeatSnapshot {
    private final UUID queryId;
    private final UUID runId;
    private final long sequence;
    private final String statusMessage;
    private final Boolean dataAvailable;
    private final Boolean triggerActive;
    private final Long triggerIntervalMs;
    private final long listenerEventsDropped;
    private final long intervalMs;

    public HeartbeatSnapshot(UUID queryId, UUID runId, long sequence, String statusMessage,
                             Boolean dataAvailable, Boolean triggerActive, Long triggerIntervalMs,
                             long listenerEventsDropped, long intervalMs) {
        this.queryId = queryId;
        this.runId = runId;
        this.sequence = sequence;
        this.statusMessage = statusMessage;
        this.dataAvailable = dataAvailable;
        this.triggerActive = triggerActive;
        this.triggerIntervalMs = triggerIntervalMs;
        this.listenerEventsDropped = listenerEventsDropped;
        this.intervalMs = intervalMs;
    }

    public UUID queryId() { return queryId; }
    public UUID runId() { return runId; }
    public long sequence() { return sequence; }
    /** Null when the query object could not be reached (then the flags are null too). */
    public String statusMessage() { return statusMessage; }
    public Boolean dataAvailable() { return dataAvailable; }
    public Boolean triggerActive() { return triggerActive; }
    public Long triggerIntervalMs() { return triggerIntervalMs; }
    /** Events this JVM's listener has given up so far, all queries and reasons: the exporter watches its growth. */
    public long listenerEventsDropped() { return listenerEventsDropped; }
    /** The configured heartbeat.interval: the exporter allows each driver a few of its own intervals before DriverLost. */
    public long intervalMs() { return intervalMs; }
}
