package io.streamops.events;

/** A query run started ({@code type: started}): Spark's {@code QueryStartedEvent}. */
public final class StartedEvent extends StreamOpsEvent {
    public StartedEvent(String eventId, String timestamp, String emittedAt, AppIdentity app, QueryIdentity query) {
        super(eventId, timestamp, emittedAt, app, query);
    }

    @Override
    public EventType type() {
        return EventType.STARTED;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StartedEvent && sameEnvelope((StartedEvent) o);
    }

    @Override
    public int hashCode() {
        return envelopeHash();
    }
}
