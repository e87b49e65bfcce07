package io.streamops.events;

/** The kinds of event the listener sends; {@link #wireName()} is the {@code type} field on the wire. */
public enum EventType {
    STARTED("started", null),
    PROGRESS("progress", "signals"),
    IDLE("idle", null),
    TERMINATED("terminated", "termination"),
    /** The listener's own periodic report of a running query's {@code query.status}. */
    HEARTBEAT("heartbeat", "heartbeat");

    private final String wireName;
    private final String bodyField;

    EventType(String wireName, String bodyField) {
        this.wireName = wireName;
        this.bodyField = bodyField;
    }

    public String wireName() {
        return wireName;
    }

    /**
     * The field holding this type's own part, an object ({@code signals}, {@code termination},
     * {@code heartbeat}); null for types that have none.
     */
    public String bodyField() {
        return bodyField;
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
