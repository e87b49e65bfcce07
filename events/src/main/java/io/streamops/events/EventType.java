package io.streamops.events;

/** The kinds of event the listener sends; {@link #wireName()} is the {@code type} field on the wire. */
public enum EventType {
    STARTED("started"),
    PROGRESS("progress"),
    IDLE("idle"),
    TERMINATED("terminated"),
    /** The listener's own periodic report of a running query's {@code query.status}. */
    HEARTBEAT("heartbeat");

    private final String wireName;

    EventType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /**
     * Lifecycle events (started, terminated) say that a query exists or has gone; losing one leaves a
     * consumer wrong until the next run. Everything else is superseded by the next event of its kind.
     */
    public boolean isLifecycle() {
        return this == STARTED || this == TERMINATED;
    }

    public static EventType fromWireName(String name) {
        for (EventType type : values()) {
            if (type.wireName.equals(name)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown event type '" + name + "'");
    }
}
