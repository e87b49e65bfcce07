package io.streamops.listener.capture;

import io.streamops.events.EventType;
import io.streamops.events.StreamOpsEvent;

import java.util.UUID;

/**
 * One event as the rest of the listener sees it: the event as it goes on the wire ({@link #event}, read
 * from Spark's objects with the query's name filled in and the signals derived), plus what only the
 * listener needs: the query's ids as Spark gave them and when the event was captured. Metrics,
 * tracking and publishing all start here. Immutable.
 */
public final class ObservedEvent {
    public final StreamOpsEvent event;
    public final UUID queryId;
    public final UUID runId;
    public final long capturedAtMillis;

    ObservedEvent(StreamOpsEvent event, UUID queryId, UUID runId, long capturedAtMillis) {
        this.event = event;
        this.queryId = queryId;
        this.runId = runId;
        this.capturedAtMillis = capturedAtMillis;
    }

    public EventType type() {
        return event.type();
    }

    /** Null if unnamed, or unknown to this listener. */
    public String queryName() {
        return event.query().name();
    }
}
