package io.streamops.events;

import java.io.InputStream;

/**
 * The versioned contract between the listener (writer) and the exporter (reader).
 *
 * <p>Every message on the events topic is one JSON object, keyed by query id, with {@code version}
 * equal to {@link #VERSION}. The JSON Schema at {@link #SCHEMA_RESOURCE} is the normative description;
 * tests validate real messages against it. A reader must ignore fields it does not know (additions do
 * not change the version); removing or changing the meaning of a field does.
 *
 * <p>In Java an event is a {@link StreamOpsEvent} (one subclass per {@link EventType}), and
 * {@link EventCodec} is the one place that writes and reads it: the listener writes with it, the
 * exporter reads with it.
 */
public final class EventContract {
    public static final int VERSION = 1;
    public static final String SCHEMA_RESOURCE = "/io/streamops/events/streamops-event-v1.schema.json";
    public static final String DEFAULT_TOPIC = "streamops-events";

    private EventContract() {
    }

    public static InputStream openSchema() {
        InputStream in = EventContract.class.getResourceAsStream(SCHEMA_RESOURCE);
        if (in == null) {
            throw new IllegalStateException("event schema " + SCHEMA_RESOURCE + " is missing from the classpath");
        }
        return in;
    }
}
