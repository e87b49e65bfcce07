package io.streamops.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.BufferRecycler;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.streamops.events.MalformedEventException.Problem;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes and reads the events of the contract (see {@link EventContract}): the listener writes with
 * {@link #write}, the exporter reads with {@link #read}, so the JSON form of every field is here and
 * in the model classes it delegates to ({@link ProgressSignals}, {@link Termination}, {@link Heartbeat}).
 *
 * <p>Writing streams straight into the output bytes, with no tree in between: it runs once per event on
 * the listener's dispatcher thread. Reading is lenient about what older listeners leave out and strict
 * about what every event needs; whatever it cannot read it refuses with a {@link MalformedEventException}
 * that names the field and the event. Thread-safe.
 */
public final class EventCodec {
    private static final String VERSION = "version";
    private static final String TYPE = "type";
    private static final String EVENT_ID = "eventId";
    private static final String TIMESTAMP = "timestamp";
    private static final String EMITTED_AT = "emittedAt";
    private static final String APP = "app";
    private static final String QUERY = "query";
    private static final String PROGRESS = "progress";
    private static final String APP_ID = "id";
    private static final String APP_NAME = "name";
    private static final String APP_JOB = "job";
    private static final String APP_HOST = "host";
    private static final String APP_SPARK_VERSION = "sparkVersion";
    private static final String APP_LISTENER_VERSION = "listenerVersion";
    private static final String APP_TAGS = "tags";
    private static final String QUERY_ID = "id";
    private static final String QUERY_RUN_ID = "runId";
    private static final String QUERY_NAME = "name";
    /** Text fields every event must have, non-empty, as paths: checked in this order. */
    private static final String[][] REQUIRED = {{EVENT_ID}, {TIMESTAMP}, {APP, APP_JOB}, {QUERY, QUERY_ID}, {QUERY, QUERY_RUN_ID}};

    private final ObjectMapper json;
    private final JsonFactory factory;

    public EventCodec() {
        this.json = new ObjectMapper();
        this.factory = json.getFactory();
    }

    // ---------------------------------------------------------------- writing

    /** The event as one UTF-8 JSON message. */
    public byte[] write(StreamOpsEvent event) {
        BufferRecycler recycler = factory._getBufferRecycler(); // taken from the factory's pool: given back below
        try {
            ByteArrayBuilder bytes = new ByteArrayBuilder(recycler);
            try {
                try (JsonGenerator out = factory.createGenerator(bytes)) {
                    write(event, out);
                }
                return bytes.toByteArray();
            } finally {
                bytes.release();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + event, e); // into memory: not expected
        } finally {
            recycler.releaseToPool();
        }
    }

    private void write(StreamOpsEvent e, JsonGenerator out) throws IOException {
        out.writeStartObject();
        out.writeNumberField(VERSION, EventContract.VERSION);
        out.writeStringField(TYPE, e.type().wireName());
        out.writeStringField(EVENT_ID, e.eventId());
        out.writeStringField(TIMESTAMP, e.timestamp());
        out.writeStringField(EMITTED_AT, e.emittedAt());
        writeApp(e.app(), out);
        writeQuery(e.query(), out);
        switch (e.type()) {
            case PROGRESS:
                ProgressEvent progress = (ProgressEvent) e;
                out.writeFieldName(PROGRESS);
                if (progress.progressJson() != null && progress.progress() != null && progress.progress().isObject()) {
                    out.writeRawValue(progress.progressJson()); // Spark's own text of the object: no second rendering
                } else if (progress.progress() != null) {
                    json.writeTree(out, progress.progress());
                } else {
                    out.writeNull();
                }
                out.writeFieldName(ProgressSignals.FIELD);
                progress.signals().write(out);
                break;
            case TERMINATED:
                ((TerminatedEvent) e).termination().write(out);
                break;
            case HEARTBEAT:
                ((HeartbeatEvent) e).heartbeat().write(out);
                break;
            default:
                break;
        }
        out.writeEndObject();
    }

    private static void writeApp(AppIdentity app, JsonGenerator out) throws IOException {
        out.writeObjectFieldStart(APP);
        out.writeStringField(APP_ID, app.id());
        out.writeStringField(APP_NAME, app.name());
        out.writeStringField(APP_JOB, app.job());
        out.writeStringField(APP_HOST, app.host());
        out.writeStringField(APP_SPARK_VERSION, app.sparkVersion());
        out.writeStringField(APP_LISTENER_VERSION, app.listenerVersion());
        out.writeObjectFieldStart(APP_TAGS);
        for (Map.Entry<String, String> tag : app.tags().entrySet()) {
            out.writeStringField(tag.getKey(), tag.getValue());
        }
        out.writeEndObject();
        out.writeEndObject();
    }

    private static void writeQuery(QueryIdentity query, JsonGenerator out) throws IOException {
        out.writeObjectFieldStart(QUERY);
        out.writeStringField(QUERY_ID, query.id());
        out.writeStringField(QUERY_RUN_ID, query.runId());
        out.writeStringField(QUERY_NAME, query.name());
        out.writeEndObject();
    }

    // ---------------------------------------------------------------- reading

    /** Reads one message; refuses, naming the field and the event, what is not a version-1 event. */
    public StreamOpsEvent read(byte[] message) throws MalformedEventException {
        if (message == null || message.length == 0) {
            throw new MalformedEventException(Problem.MALFORMED, "empty message");
        }
        JsonNode root;
        try {
            root = json.readTree(message);
        } catch (JsonProcessingException e) {
            throw new MalformedEventException(Problem.MALFORMED, "not JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr()));
        } catch (IOException e) {
            throw new MalformedEventException(Problem.MALFORMED, "not JSON: " + e.getMessage());
        }
        return read(root);
    }

    /** Reads one event already parsed as JSON. */
    public StreamOpsEvent read(JsonNode root) throws MalformedEventException {
        if (root == null || !root.isObject()) {
            throw new MalformedEventException(Problem.MALFORMED, "not a JSON object");
        }
        JsonNode version = root.path(VERSION);
        if (!version.isInt() || version.asInt() != EventContract.VERSION) {
            throw new MalformedEventException(Problem.UNKNOWN_VERSION, "version "
                    + (version.isMissingNode() ? "missing" : version.toString()) + ", this reader reads " + EventContract.VERSION);
        }
        EventType type;
        try {
            type = EventType.fromWireName(root.path(TYPE).asText(""));
        } catch (IllegalArgumentException e) {
            throw new MalformedEventException(Problem.UNKNOWN_TYPE, e.getMessage());
        }
        for (String[] path : REQUIRED) {
            JsonNode node = root;
            for (String part : path) {
                node = node.path(part);
            }
            if (!node.isTextual() || node.asText().isEmpty()) {
                throw new MalformedEventException(Problem.MISSING_FIELD, "no '" + String.join(".", path) + "' in " + where(type, root));
            }
        }
        String timestamp = root.path(TIMESTAMP).asText();
        Instant instant;
        try {
            instant = Instant.parse(timestamp);
        } catch (DateTimeParseException e) {
            throw new MalformedEventException(Problem.MALFORMED, "timestamp '" + timestamp + "' is not ISO-8601 in " + where(type, root));
        }
        JsonNode body = type.bodyField() == null ? MissingNode.getInstance() : root.path(type.bodyField());
        if (type.bodyField() != null && !body.isObject()) {
            throw new MalformedEventException(Problem.MISSING_FIELD, "no '" + type.bodyField() + "' object in " + where(type, root));
        }
        String eventId = root.path(EVENT_ID).asText();
        String emittedAt = root.path(EMITTED_AT).isTextual() ? root.path(EMITTED_AT).asText() : null;
        AppIdentity app = readApp(root.path(APP));
        QueryIdentity query = readQuery(root.path(QUERY));
        return event(type, eventId, timestamp, emittedAt, app, query, root, body).parsedAt(instant);
    }

    private static StreamOpsEvent event(EventType type, String eventId, String timestamp, String emittedAt, AppIdentity app,
                                        QueryIdentity query, JsonNode root, JsonNode body) throws MalformedEventException {
        switch (type) {
            case STARTED:
                return new StartedEvent(eventId, timestamp, emittedAt, app, query);
            case IDLE:
                return new IdleEvent(eventId, timestamp, emittedAt, app, query);
            case PROGRESS:
                JsonNode progress = root.path(PROGRESS);
                return new ProgressEvent(eventId, timestamp, emittedAt, app, query,
                        progress.isObject() ? progress : null, ProgressSignals.fromJson(body));
            case TERMINATED:
                return new TerminatedEvent(eventId, timestamp, emittedAt, app, query, Termination.read(body));
            case HEARTBEAT:
                return new HeartbeatEvent(eventId, timestamp, emittedAt, app, query, Heartbeat.read(body));
            default:
                throw new MalformedEventException(Problem.UNKNOWN_TYPE, "no reader for " + where(type, root));
        }
    }

    /** Names the event for an error; built only when one is thrown (reading is on the exporter's hot path). */
    private static String where(EventType type, JsonNode root) {
        JsonNode eventId = root.path(EVENT_ID);
        return "a " + type.wireName() + " event" + (eventId.isTextual() ? " (eventId " + eventId.asText() + ")" : "");
    }

    /** Lenient beyond {@code job} (checked before): a missing text reads as empty, missing tags as none. */
    private static AppIdentity readApp(JsonNode app) {
        LinkedHashMap<String, String> tags = new LinkedHashMap<String, String>();
        Iterator<Map.Entry<String, JsonNode>> fields = app.path(APP_TAGS).fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            tags.put(f.getKey(), f.getValue().asText());
        }
        return new AppIdentity(app.path(APP_ID).asText(""), app.path(APP_NAME).asText(""), app.path(APP_JOB).asText(),
                app.path(APP_HOST).asText(""), app.path(APP_SPARK_VERSION).asText(""), app.path(APP_LISTENER_VERSION).asText(""),
                tags, true);
    }

    private static QueryIdentity readQuery(JsonNode query) {
        JsonNode name = query.path(QUERY_NAME);
        return new QueryIdentity(query.path(QUERY_ID).asText(), query.path(QUERY_RUN_ID).asText(), name.isTextual() ? name.asText() : null);
    }
}
