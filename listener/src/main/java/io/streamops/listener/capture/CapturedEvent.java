package io.streamops.listener.capture;

import io.streamops.events.EventType;

/**
 * What a listener callback hands over: Spark's own (immutable) event object, untouched, plus when it
 * was captured and by which listener ({@link Origin}). All reading and serialising happens later, off Spark's thread.
 */
public final class CapturedEvent {
    private final EventType type;
    private final Object payload;
    private final long capturedAtMillis;
    private final Origin origin;

    public CapturedEvent(EventType type, Object payload, long capturedAtMillis, Origin origin) {
        this.type = type;
        this.payload = payload;
        this.capturedAtMillis = capturedAtMillis;
        this.origin = origin;
    }

    public EventType type() { return type; }
    /** A Spark {@code StreamingQueryListener.*Event}, or a {@link HeartbeatSnapshot}. */
    public Object payload() { return payload; }
    public long capturedAtMillis() { return capturedAtMillis; }
    public Origin origin() { return origin; }
}
