package io.streamops.exporter.event;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import io.streamops.events.EventContract;
import io.streamops.events.EventType;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Turns a message from the events topic into a {@link QueryEvent}, or says exactly why it cannot:
 * the exporter counts and skips bad input and never lets one message stop a partition.
 */
public final class EventParser {
    /** Why a message was rejected: the {@code reason} label of the bad-events counter. */
    public enum Problem {
        OVERSIZED, MALFORMED, UNKNOWN_VERSION, UNKNOWN_TYPE, MISSING_FIELD;

        private final String wireName = name().toLowerCase(java.util.Locale.ROOT);

        /** The lower-case name: the counter's {@code reason} label, and what logs and replay print. */
        public String wireName() {
            return wireName;
        }
    }

    /** The outcome: an event, or a problem with a human-readable detail (never both). */
    public record Result(QueryEvent event, Problem problem, String detail) {
        static Result ok(QueryEvent event) {
            return new Result(event, null, null);
        }

        static Result bad(Problem problem, String detail) {
            return new Result(null, problem, detail);
        }

        public boolean ok() {
            return event != null;
        }
    }

    private final ObjectMapper json = new ObjectMapper();
    private final int maxBytes;

    public EventParser(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    public Result parse(byte[] message) {
        if (message == null || message.length == 0) {
            return Result.bad(Problem.MALFORMED, "empty message");
        }
        if (message.length > maxBytes) {
            return Result.bad(Problem.OVERSIZED, message.length + " bytes, limit " + maxBytes);
        }
        JsonNode root;
        try {
            root = json.readTree(message);
        } catch (JsonProcessingException e) {
            return Result.bad(Problem.MALFORMED, e.getOriginalMessage());
        } catch (java.io.IOException e) {
            return Result.bad(Problem.MALFORMED, e.getMessage());
        }
        if (root == null || !root.isObject()) {
            return Result.bad(Problem.MALFORMED, "not a JSON object");
        }
        JsonNode version = root.path("version");
        if (!version.isInt() || version.asInt() != EventContract.VERSION) {
            return Result.bad(Problem.UNKNOWN_VERSION, "version " + (version.isMissingNode() ? "missing" : version.toString())
                    + ", this exporter reads " + EventContract.VERSION);
        }
        EventType type;
        try {
            type = EventType.fromWireName(root.path("type").asText(""));
        } catch (IllegalArgumentException e) {
            return Result.bad(Problem.UNKNOWN_TYPE, e.getMessage());
        }
        String missing = firstMissing(root);
        if (missing != null) {
            return Result.bad(Problem.MISSING_FIELD, "no '" + missing + "' in a " + type.wireName() + " event");
        }
        Instant timestamp;
        try {
            timestamp = Instant.parse(root.path("timestamp").asText());
        } catch (DateTimeParseException e) {
            return Result.bad(Problem.MALFORMED, "timestamp '" + root.path("timestamp").asText() + "' is not ISO-8601");
        }
        JsonNode body = type.bodyField() == null ? MissingNode.getInstance() : root.path(type.bodyField());
        if (type.bodyField() != null && !body.isObject()) {
            return Result.bad(Problem.MISSING_FIELD, "a " + type.wireName() + " event without its '" + type.bodyField() + "' object");
        }
        JsonNode app = root.path("app");
        JsonNode query = root.path("query");
        return Result.ok(new QueryEvent(type, root.path("eventId").asText(), timestamp,
                app.path("id").asText(""), app.path("job").asText(), app.path("host").asText(""), tags(app.path("tags")),
                query.path("id").asText(), query.path("runId").asText(),
                query.path("name").isTextual() ? query.path("name").asText() : null, body));
    }

    /** The text fields every event must have, as paths into the event. */
    private static final String[][] REQUIRED = {{"eventId"}, {"timestamp"}, {"app", "job"}, {"query", "id"}, {"query", "runId"}};

    private static String firstMissing(JsonNode root) {
        for (String[] path : REQUIRED) {
            JsonNode node = root;
            for (String part : path) {
                node = node.path(part);
            }
            if (!node.isTextual() || node.asText().isEmpty()) {
                return String.join(".", path);
            }
        }
        return null;
    }

    private static Map<String, String> tags(JsonNode node) {
        Map<String, String> tags = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> f = fields.next();
            tags.put(f.getKey(), f.getValue().asText());
        }
        return tags;
    }
}
