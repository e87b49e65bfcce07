package io.streamops.events;

/** A trigger found no new data ({@code type: idle}): Spark's {@code QueryIdleEvent}, 3.5 and later only. */
public final class IdleEvent extends StreamOpsEvent {
    public IdleEvent(String eventId, String timestamp, String emittedAt, AppIdentity app, QueryIdentity query) {
        super(eventId, timestamp, emittedAt, app, query);
    }

    @Override
    public EventType type() {
        return EventType.IDLE;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IdleEvent && sameEnvelope((IdleEvent) o);
    }

    @Override
    public int hashCode() {
        return envelopeHash();
    }
}
