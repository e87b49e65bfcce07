package io.streamops.events;

/** A query run ended ({@code type: terminated}), with how ({@code termination}). */
public final class TerminatedEvent extends StreamOpsEvent {
    private final Termination termination;

    public TerminatedEvent(String eventId, String timestamp, String emittedAt, AppIdentity app, QueryIdentity query,
                           Termination termination) {
        super(eventId, timestamp, emittedAt, app, query);
        this.termination = java.util.Objects.requireNonNull(termination, "termination");
    }

    @Override
    public EventType type() {
        return EventType.TERMINATED;
    }

    public Termination termination() { return termination; }

    @Override
    public boolean equals(Object o) {
        return o instanceof TerminatedEvent && sameEnvelope((TerminatedEvent) o)
                && termination.equals(((TerminatedEvent) o).termination);
    }

    @Override
    public int hashCode() {
        return 31 * envelopeHash() + termination.hashCode();
    }
}
