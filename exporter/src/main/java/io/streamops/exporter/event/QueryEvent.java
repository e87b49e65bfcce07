package io.streamops.exporter.event;

import io.streamops.events.EventType;
import io.streamops.events.Heartbeat;
import io.streamops.events.HeartbeatEvent;
import io.streamops.events.ProgressEvent;
import io.streamops.events.ProgressSignals;
import io.streamops.events.StreamOpsEvent;
import io.streamops.events.TerminatedEvent;
import io.streamops.events.Termination;

import java.time.Instant;
import java.util.Map;

/**
 * One listener event as the exporter uses it: the contract's event ({@link StreamOpsEvent}, as
 * {@code EventCodec} read it) with its timestamp as an instant, and the fields every type has by the
 * names the exporter uses. The type's own part is typed: {@link #signals()}, {@link #termination()},
 * {@link #heartbeat()}. Immutable.
 */
public record QueryEvent(StreamOpsEvent event, Instant timestamp) {

    /** {@code event}'s timestamp must be ISO-8601; one the codec read it was parsed there, and is not parsed again. */
    public static QueryEvent of(StreamOpsEvent event) {
        return new QueryEvent(event, event.instant());
    }

    public EventType type() { return event.type(); }
    public String eventId() { return event.eventId(); }
    public String appId() { return event.app().id(); }
    public String job() { return event.app().job(); }
    public String host() { return event.app().host(); }
    /** Unmodifiable. */
    public Map<String, String> tags() { return event.app().tags(); }
    public String queryId() { return event.query().id(); }
    public String runId() { return event.query().runId(); }
    /** Null for an unnamed query, or one whose listener did not see it start. */
    public String queryName() { return event.query().name(); }

    /** A progress event's signals; null for other types. */
    public ProgressSignals signals() {
        return event instanceof ProgressEvent p ? p.signals() : null;
    }

    /** A terminated event's termination; null for other types. */
    public Termination termination() {
        return event instanceof TerminatedEvent t ? t.termination() : null;
    }

    /** A heartbeat event's heartbeat; null for other types. */
    public Heartbeat heartbeat() {
        return event instanceof HeartbeatEvent h ? h.heartbeat() : null;
    }
}
