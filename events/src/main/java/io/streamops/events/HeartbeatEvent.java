package io.streamops.events;

/** The listener's periodic report on a running query ({@code type: heartbeat}). */
public final class HeartbeatEvent extends StreamOpsEvent {
    private final Heartbeat heartbeat;

    public HeartbeatEvent(String eventId, String timestamp, String emittedAt, AppIdentity app, QueryIdentity query,
                          Heartbeat heartbeat) {
        super(eventId, timestamp, emittedAt, app, query);
        this.heartbeat = java.util.Objects.requireNonNull(heartbeat, "heartbeat");
    }

    @Override
    public EventType type() {
        return EventType.HEARTBEAT;
    }

    public Heartbeat heartbeat() { return heartbeat; }

    @Override
    public boolean equals(Object o) {
        return o instanceof HeartbeatEvent && sameEnvelope((HeartbeatEvent) o)
                && heartbeat.equals(((HeartbeatEvent) o).heartbeat);
    }

    @Override
    public int hashCode() {
        return 31 * envelopeHash() + heartbeat.hashCode();
    }
}
