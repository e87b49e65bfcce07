package io.streamops.exporter.restart;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamops.exporter.support.LogText;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an Alertmanager webhook payload ({@code version: "4"}, {@code alerts[]} of {@code status},
 * {@code labels}, {@code fingerprint}) for the alerts that ask for a restart, so teams that alert from
 * Prometheus get the same controller ({@code POST /api/alertmanager}). An alert asks when it is firing
 * and its {@code action} label lists {@code restart} (for example {@code labels: {action: restart}} in a
 * Prometheus alerting rule). The job is its {@code job} label; {@code query}, {@code query_id},
 * {@code app_id}, {@code status} and {@code run_id} labels are used when present. A valid payload is
 * accepted whatever it asks (Alertmanager retries anything but a 2xx); only a malformed one is refused.
 * Label values come from whoever can post to the endpoint: every log line and error message that
 * carries one escapes it ({@link LogText}).
 */
public final class AlertmanagerRestarts {
    private static final Logger LOG = LoggerFactory.getLogger(AlertmanagerRestarts.class);
    private static final Set<String> KNOWN_LABELS = Set.of("job", "query", "query_id", "app_id", "status", "run_id",
            "alertname", "action");

    private AlertmanagerRestarts() {
    }

    /**
     * A firing alert that asks for a restart of {@code subject}.
     *
     * @param startsAt when it started firing (null if the payload did not say): with the fingerprint, the
     *                 alert's incident, the same however often Alertmanager sends it
     */
    public record Ask(RestartSubject subject, String alertname, String queryStatus, String runId, String fingerprint,
                      Instant startsAt) {
    }

    /** The payload is not an Alertmanager webhook payload of version 4: answer 400 with this message. */
    public static final class InvalidPayload extends Exception {
        public InvalidPayload(String message) {
            super(message);
        }
    }

    public static List<Ask> asks(JsonNode payload) throws InvalidPayload {
        if (payload == null || !payload.isObject()) {
            throw new InvalidPayload("the payload must be a JSON object");
        }
        if (!payload.path("version").asText("").equals("4")) {
            throw new InvalidPayload("unsupported payload version '" + LogText.escaped(payload.path("version").asText(""))
                    + "' (expected \"4\")");
        }
        JsonNode alerts = payload.path("alerts");
        if (!alerts.isArray()) {
            throw new InvalidPayload("'alerts' must be a list");
        }
        List<Ask> asks = new ArrayList<>();
        for (int i = 0; i < alerts.size(); i++) {
            JsonNode alert = alerts.get(i);
            JsonNode labels = alert.path("labels");
            if (!alert.isObject() || !labels.isObject()) {
                throw new InvalidPayload("alerts[" + i + "] must be an object with 'labels'");
            }
            Map<String, String> text = new HashMap<>();
            labels.fields().forEachRemaining(label -> text.put(label.getKey(), label.getValue().asText("")));
            boolean firing = alert.path("status").asText("").equals("firing");
            boolean asksRestart = List.of(text.getOrDefault("action", "").split("[,\\s]+")).contains("restart");
            String job = text.getOrDefault("job", "");
            if (firing && asksRestart && !job.isEmpty()) {
                Map<String, String> tags = new HashMap<>(text);
                tags.keySet().removeAll(KNOWN_LABELS); // the other labels, for targets that match tags
                Ask ask = new Ask(new RestartSubject(job, text.get("query"), text.get("query_id"), text.get("app_id"), tags),
                        text.getOrDefault("alertname", ""), text.getOrDefault("status", ""), text.getOrDefault("run_id", ""),
                        alert.path("fingerprint").asText(""), startsAt(alert, i));
                asks.add(ask);
                LOG.info("Alertmanager alert {} (fingerprint {}, query {}) asks to restart job {}",
                        LogText.escaped(ask.alertname()), LogText.escaped(ask.fingerprint()),
                        LogText.escaped(text.getOrDefault("query", "")), LogText.escaped(job));
            }
        }
        return asks;
    }

    private static Instant startsAt(JsonNode alert, int index) throws InvalidPayload {
        String text = alert.path("startsAt").asText("");
        if (text.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeParseException e) {
            throw new InvalidPayload("alerts[" + index + "].startsAt '" + LogText.escaped(text) + "' is not an RFC 3339 time");
        }
    }
}
