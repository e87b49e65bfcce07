package io.streamops.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A stand-in for PagerDuty's Events API v2 that enforces its contract
 * (https://developer.pagerduty.com/api-reference/368ae3d938c9e-send-an-event-to-pager-duty):
 * POST /v2/enqueue with a JSON event; routing_key (the one it was made with), event_action in
 * trigger|acknowledge|resolve, dedup_key (required here), and for a trigger a payload with summary
 * (at most 1024 characters), source and severity in critical|error|warning|info. A valid event gets
 * 202 {"status":"success","dedup_key":...}; anything else 400 with the errors.
 *
 * <p>Like a careless real server, its errors echo the routing key it was sent: the notifier must not
 * carry that into its reasons or logs.
 *
 * <p>Public because other packages' tests (the exporter's end-to-end ITs) page through it too.
 */
public final class PagerDutyContractServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> ACTIONS = Set.of("trigger", "acknowledge", "resolve");
    private static final Set<String> SEVERITIES = Set.of("critical", "error", "warning", "info");
    private static final Set<String> EVENT_FIELDS = Set.of("routing_key", "event_action", "dedup_key", "payload",
            "images", "links", "client", "client_url");
    private static final Set<String> PAYLOAD_FIELDS = Set.of("summary", "source", "severity", "timestamp",
            "component", "group", "class", "custom_details");

    private final String routingKey;
    private final LocalHttpServer http;
    private final List<JsonNode> accepted = new ArrayList<>(); // guarded by this
    private final List<String> violations = new ArrayList<>(); // guarded by this

    public PagerDutyContractServer(String routingKey) {
        this.routingKey = routingKey;
        this.http = LocalHttpServer.start(this::handle);
    }

    public URI baseUrl() {
        return http.url();
    }

    /** The next requests are answered with these statuses (429, 500, ...) whatever they carry. */
    public void failNext(int... statuses) {
        http.failNext(statuses);
    }

    public LocalHttpServer http() {
        return http;
    }

    public synchronized List<JsonNode> acceptedEvents() {
        return List.copyOf(accepted);
    }

    public synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    private LocalHttpServer.Response handle(LocalHttpServer.Request request) {
        List<String> errors = new ArrayList<>();
        JsonNode event = null;
        if (!request.method().equals("POST") || !request.path().equals("/v2/enqueue")) {
            return LocalHttpServer.Response.of(404, "{\"status\":\"not found\"}");
        }
        String contentType = request.header("Content-Type");
        if (contentType == null || !contentType.startsWith("application/json")) {
            errors.add("Content-Type must be application/json");
        }
        try {
            event = JSON.readTree(request.body());
        } catch (Exception e) {
            errors.add("body is not JSON");
        }
        if (event != null) {
            validate(event, errors);
        }
        synchronized (this) {
            if (errors.isEmpty()) {
                accepted.add(event);
            } else {
                violations.addAll(errors);
            }
        }
        if (!errors.isEmpty()) {
            ObjectNode answer = JSON.createObjectNode()
                    .put("status", "invalid event")
                    .put("message", "Event object is invalid");
            errors.forEach(answer.putArray("errors")::add);
            return LocalHttpServer.Response.of(400, answer.toString());
        }
        return LocalHttpServer.Response.of(202, JSON.createObjectNode()
                .put("status", "success")
                .put("message", "Event processed")
                .put("dedup_key", event.path("dedup_key").asText())
                .toString());
    }

    private void validate(JsonNode event, List<String> errors) {
        if (!event.isObject()) {
            errors.add("event must be a JSON object");
            return;
        }
        unknownFields(event, EVENT_FIELDS, "", errors);
        JsonNode key = event.get("routing_key");
        if (key == null || !key.isTextual() || key.asText().isEmpty()) {
            errors.add("'routing_key' is missing");
        } else if (!key.asText().equals(routingKey)) {
            errors.add("Invalid routing key '" + key.asText() + "'");
        }
        String action = event.path("event_action").asText("");
        if (!ACTIONS.contains(action)) {
            errors.add("'event_action' is invalid: '" + action + "'");
        }
        JsonNode dedup = event.get("dedup_key");
        if (dedup == null || !dedup.isTextual() || dedup.asText().isEmpty()) {
            errors.add("'dedup_key' is missing");
        } else if (dedup.asText().length() > 255) {
            errors.add("'dedup_key' is longer than 255 characters");
        }
        if (event.has("links")) {
            JsonNode links = event.get("links");
            if (!links.isArray()) {
                errors.add("'links' must be an array");
            } else {
                links.forEach(link -> {
                    if (!link.path("href").isTextual() || link.path("href").asText().isEmpty()) {
                        errors.add("a link needs an 'href'");
                    }
                });
            }
        }
        if (action.equals("trigger")) {
            validatePayload(event.get("payload"), errors);
        }
    }

    private void validatePayload(JsonNode payload, List<String> errors) {
        if (payload == null || !payload.isObject()) {
            errors.add("'payload' is required for a trigger");
            return;
        }
        unknownFields(payload, PAYLOAD_FIELDS, "payload.", errors);
        JsonNode summary = payload.get("summary");
        if (summary == null || !summary.isTextual() || summary.asText().isBlank()) {
            errors.add("'payload.summary' is missing");
        } else if (summary.asText().length() > 1024) {
            errors.add("'payload.summary' is longer than 1024 characters");
        }
        if (!payload.path("source").isTextual() || payload.path("source").asText().isBlank()) {
            errors.add("'payload.source' is missing");
        }
        if (!SEVERITIES.contains(payload.path("severity").asText(""))) {
            errors.add("'payload.severity' must be critical, error, warning or info");
        }
        if (payload.has("timestamp")) {
            try {
                OffsetDateTime.parse(payload.get("timestamp").asText());
            } catch (DateTimeParseException e) {
                errors.add("'payload.timestamp' is not ISO 8601");
            }
        }
        if (payload.has("custom_details") && !payload.get("custom_details").isObject()) {
            errors.add("'payload.custom_details' must be an object");
        }
    }

    private static void unknownFields(JsonNode node, Set<String> known, String prefix, List<String> errors) {
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                errors.add("unknown field '" + prefix + name + "'");
            }
        }
    }

    @Override
    public void close() {
        http.close();
    }
}
