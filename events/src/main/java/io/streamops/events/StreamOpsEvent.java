package io.streamops.events;

import java.time.Instant;
import java.util.Objects;

/**
 * One message on the events topic: the envelope every kind shares ({@code version}, {@code type},
 * {@code eventId}, {@code timestamp}, {@code emittedAt}, {@code app}, {@code query}). Each kind is a
 * subclass with its own part: {@link StartedEvent}, {@link ProgressEvent}, {@link IdleEvent},
 * {@link TerminatedEvent}, {@link HeartbeatEvent}. Immutable. {@link EventCodec} writes and reads it.
 */
public abstract class StreamOpsEvent {
    private final String eventId;
    private final String timestamp;
    private final String emittedAt;
    private final AppIdentity app;
    private final QueryIdentity query;
    /** {@link #timestamp} parsed: by {@link EventCodec} when it read the event, else on first use. */
    private Instant instant;

    /** Only the kinds in this package: a reader can rely on {@link #type()} naming the subclass. */
    StreamOpsEvent(String eventId, String timestamp, String emittedAt, AppIdentity app, QueryIdentity query) {
        this.eventId = Objects.requireNonNull(eventId, "eventId");
        this.timestamp = Objects.requireNonNull(timestamp, "timestamp");
        this.emittedAt = emittedAt;
        this.app = Objects.requireNonNull(app, "app");
        this.query = Objects.requireNonNull(query, "query");
    }

    public abstract EventType type();

    /** Stable identity, the same if the event is ever sent twice: {@code runId:type[:batchId|:timestamp|:sequence]}. */
    public String eventId() { return eventId; }
    /** ISO-8601: Spark's for started, progress and idle; the capture time for terminated and heartbeat. */
    public String timestamp() { return timestamp; }

    /**
     * {@link #timestamp()} as an instant. An event {@link EventCodec} read was checked and parsed once
     * there, so this does not parse again; for an event made otherwise it parses on first use and throws
     * {@link java.time.format.DateTimeParseException} when the timestamp is not ISO-8601.
     */
    public Instant instant() {
        Instant parsed = instant; // Instant is immutable: a racing first use at worst parses twice
        if (parsed == null) {
            parsed = Instant.parse(timestamp);
            instant = parsed;
        }
        return parsed;
    }

    /** The codec's parse of {@link #timestamp()}, kept before the event leaves it. */
    StreamOpsEvent parsedAt(Instant at) {
        this.instant = at;
        return this;
    }
    /** ISO-8601: when the listener serialised it; null if a reader was given none. */
    public String emittedAt() { return emittedAt; }
    public AppIdentity app() { return app; }
    public QueryIdentity query() { return query; }

    /** Whether the envelopes are equal; each kind adds its own part. */
    boolean sameEnvelope(StreamOpsEvent that) {
        return type() == that.type() && Objects.equals(eventId, that.eventId) && Objects.equals(timestamp, that.timestamp)
                && Objects.equals(emittedAt, that.emittedAt) && Objects.equals(app, that.app) && Objects.equals(query, that.query);
    }

    int envelopeHash() {
        return Objects.hash(type(), eventId, timestamp, emittedAt, app, query);
    }

    @Override
    public String toString() {
        return type().wireName() + " event " + eventId;
    }
}
