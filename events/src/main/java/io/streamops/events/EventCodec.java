package io.streamops.events;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
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
    /** Text fields every event must have, non-empty, as paths: checked in this order. */
    private static final String[][] REQUIRED = {{EVENT_ID}, {TIMESTAMP}, {APP, "job"}, {QUERY, "id"}, {QUERY, "runId"}};

    private final ObjectMapper json;
    private final JsonFactory factory;

    public EventCodec() {
        this(new ObjectMapper());
    }

    /** With the caller's mapper (its settings do not change the wire form). */
    public EventCodec(ObjectMapper json) {
        this.json = json;
        this.factory = json.getFactory();
    }

    // ---------------------------------------------------------------- writing

    /** The event as one UTF-8 JSON message. */
    public byte[] write(StreamOpsEvent event) {
        ByteArrayBuilder bytes = new ByteArrayBuilder(factory._getBufferRecycler());
        try {
            try (JsonGenerator out = factory.createGenerator(bytes)) {
                write(event, out);
            }
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + event, e); // into memory: not expected
        } finally {
            bytes.release();
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
                if (progress.progressJson() != null) {
                    out.writeRawValue(progress.progressJson());
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
        out.writeStringField("id", app.id());
        out.writeStringField("name", app.name());
        out.writeStringField("job", app.job());
        out.writeStringField("host", app.host());
        out.writeStringField("sparkVersion", app.sparkVersion());
        out.writeStringField("listenerVersion", app.listenerVersion());
        out.writeObjectFieldStart("tags");
        for (Map.Entry<String, String> tag : app.tags().entrySet()) {
            out.writeStringField(tag.getKey(), tag.getValue());
        }
        out.writeEndObject();
        out.writeEndObject();
    }

    private static void writeQuery(QueryIdentity query, JsonGenerator out) throws IOException {
        out.writeObjectFieldStart(QUERY);
        out.writeStringField("id", query.id());
        out.writeStringField("runId", query.runId());
        out.writeStringField("name", query.name());
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
        String where = "a " + type.wireName() + " event"
                + (root.path(EVENT_ID).isTextual() ? " (eventId " + root.path(EVENT_ID).asText() + ")" : "");
        for (String[] path : REQUIRED) {
            JsonNode node = root;
            for (String part : path) {
                node = node.path(part);
            }
            if (!node.isTextual() || node.asText().isEmpty()) {
                throw new MalformedEventException(Problem.MISSING_FIELD, "no '" + String.join(".", path) + "' in " + where);
            }
        }
        String timestamp = root.path(TIMESTAMP).asText();
        try {
            Instant.parse(timestamp);
        } catch (DateTimeParseException e) {
            throw new MalformedEventException(Problem.MALFORMED, "timestamp '" + timestamp + "' is not ISO-8601 in " + where);
        }
        JsonNode body = type.bodyField() == null ? MissingNode.getInstance() : root.path(type.bodyField());
        if (type.bodyField() != null && !body.isObject()) {
            throw new MalformedEventException(Problem.MISSING_FIELD, "no '" + type.bodyField() + "' object in " + where);
        }
        String eventId = root.path(EVENT_ID).asText();
        String emittedAt = root.path(EMITTED_AT).isTextual() ? root.path(EMITTED_AT).asText() : null;
        AppIdentity app = readApp(root.path(APP));
        QueryIdentity query = readQuery(root.path(QUERY));
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
                return new TerminatedEvent(eventId, timestamp, emittedAt, app, query, Termination.read(body, where));
            case HEARTBEAT:
                return new HeartbeatEvent(eventId, timestamp, emittedAt, app, query, Heartbeat.read(body));
            default:
                throw new MalformedEventException(Problem.UNKNOWN_TYPE, "no reader for " + where);
        }
    }

    /** Lenient beyond {@code job} (checked before): a missing text reads as empty, missing tags as none. */
    private static AppIdentity readApp(JsonNode app) {
        Map<String, String> tags = new LinkedHashMap<String, String>();
        Iterator<Map.Entry<String, JsonNode>> fields = app.path("tags").fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            tags.put(f.getKey(), f.getValue().asText());
        }
        return new AppIdentity(app.path("id").asText(""), app.path("name").asText(""), app.path("job").asText(),
                app.path("host").asText(""), app.path("sparkVersion").asText(""), app.path("listenerVersion").asText(""), tags);
    }

    private static QueryIdentity readQuery(JsonNode query) {
        JsonNode name = query.path("name");
        return new QueryIdentity(query.path("id").asText(), query.path("runId").asText(), name.isTextual() ? name.asText() : null);
    }
}
