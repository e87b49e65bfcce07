package io.streamops.listener.capture;

import io.streamops.events.EventType;
import io.streamops.listener.config.AppInfo;

/**
 * What a listener callback hands over: Spark's own (immutable) event object, untouched, plus when it
 * was captured and for which application. All reading and serialising happens later, off Spark's thread.
 */
public final class CapturedEvent {
    private final EventType type;
    private final Object payload;
    private final long capturedAtMillis;
    private final AppInfo app;

    public CapturedEvent(EventType type, Object payload, long capturedAtMillis, AppInfo app) {
        this.type = type;
        this.payload = payload;
        this.capturedAtMillis = capturedAtMillis;
        this.app = app;
    }

    public EventType type() { return type; }
    /** A Spark {@code StreamingQueryListener.*Event}, or a {@link HeartbeatSnapshot}. */
    public Object payload() { return payload; }
    public long capturedAtMillis() { return capturedAtMillis; }
    public AppInfo app() { return app; }
}
