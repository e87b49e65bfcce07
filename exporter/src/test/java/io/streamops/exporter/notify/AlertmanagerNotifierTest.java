package io.streamops.exporter.notify;

import io.streamops.testkit.LocalHttpServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Alertmanager notifier against a local server that checks the body the way Alertmanager's
 * POST /api/v2/alerts does: an array of postableAlert, labels required (alertname among them),
 * label names valid, times RFC 3339, endsAt not before startsAt.
 */
class AlertmanagerNotifierTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("labels", "annotations", "startsAt", "endsAt", "generatorURL");

    private final LocalHttpServer alertmanager = LocalHttpServer.start(AlertmanagerNotifierTest::validate);

    @AfterEach
    void stop() {
        alertmanager.close();
    }

    @Test
    void postsFiringAndResolvedAlertsToApiV2() throws Exception {
        AlertmanagerNotifier notifier = new AlertmanagerNotifier(HttpEndpoint.of(alertmanager.url()));
        Notification notification = Alerts.notification("am",
                Alerts.alert("QueryFailed", "q-1").annotation("description", "<b>boom</b>").build(),
                Alerts.alert("QueryFailed", "q-1").resolved().build());

        assertThat(notifier.send(notification)).isInstanceOf(DeliveryOutcome.Delivered.class);

        LocalHttpServer.Request request = alertmanager.awaitRequests(1).get(0);
        assertThat(alertmanager.statuses()).containsExactly(200);
        assertThat(request.path()).isEqualTo("/api/v2/alerts");
        JsonNode alerts = JSON.readTree(request.body());
        assertThat(alerts.isArray()).isTrue();
        JsonNode firing = alerts.get(0);
        assertThat(firing.get("labels").get("alertname").asText()).isEqualTo("QueryFailed");
        assertThat(firing.get("labels").get("query").asText()).isEqualTo("grocery-alerts");
        assertThat(firing.get("labels").get("severity").asText()).isEqualTo("critical");
        assertThat(firing.get("annotations").get("description").asText()).isEqualTo("<b>boom</b>");
        assertThat(firing.get("startsAt").asText()).isEqualTo(Alerts.STARTED.toString());
        assertThat(firing.has("endsAt")).as("a firing alert has no end").isFalse();
        assertThat(firing.get("generatorURL").asText()).isEqualTo("https://grafana.shop.test/d/streamops-query?var-query_id=q-1");
        JsonNode resolved = alerts.get(1);
        assertThat(resolved.get("endsAt").asText()).isEqualTo(Alerts.ENDED.toString());
    }

    @Test
    void aMalformedAlertIsRejected() {
        AlertmanagerNotifier notifier = new AlertmanagerNotifier(HttpEndpoint.of(alertmanager.url()));
        Notification badLabel = Alerts.notification("am", Alerts.alert("QueryFailed", "q-1").label("bad-name", "x").build());

        DeliveryOutcome outcome = notifier.send(badLabel);

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Rejected.class);
        assertThat(((DeliveryOutcome.Rejected) outcome).reason()).contains("HTTP 400", "invalid label name");
    }

    @Test
    void anAlertmanagerThatIsDownIsRetried() {
        AlertmanagerNotifier notifier = new AlertmanagerNotifier(HttpEndpoint.of(alertmanager.url()));
        alertmanager.failNext(503);

        assertThat(notifier.send(Alerts.notification("am", Alerts.alert("QueryFailed", "q-1").build())))
                .isInstanceOf(DeliveryOutcome.RetryLater.class);
    }

    private static LocalHttpServer.Response validate(LocalHttpServer.Request request) {
        if (!request.method().equals("POST") || !request.path().equals("/api/v2/alerts")) {
            return LocalHttpServer.Response.of(404, "not found");
        }
        List<String> errors = new ArrayList<>();
        try {
            JsonNode alerts = JSON.readTree(request.body());
            if (!alerts.isArray()) {
                errors.add("body must be an array of alerts");
            } else {
                alerts.forEach(alert -> validateAlert(alert, errors));
            }
        } catch (Exception e) {
            errors.add("body is not JSON");
        }
        return errors.isEmpty()
                ? LocalHttpServer.Response.of(200, "")
                : LocalHttpServer.Response.of(400, "{\"code\":400,\"message\":\"" + String.join("; ", errors) + "\"}");
    }

    private static void validateAlert(JsonNode alert, List<String> errors) {
        alert.fieldNames().forEachRemaining(name -> {
            if (!FIELDS.contains(name)) {
                errors.add("unknown field " + name);
            }
        });
        JsonNode labels = alert.get("labels");
        if (labels == null || !labels.isObject() || labels.isEmpty()) {
            errors.add("labels in body is required");
            return;
        }
        if (!labels.has("alertname")) {
            errors.add("missing alertname");
        }
        labels.fields().forEachRemaining(label -> {
            if (!label.getKey().matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
                errors.add("invalid label name " + label.getKey());
            }
            if (!label.getValue().isTextual()) {
                errors.add("label values must be strings");
            }
        });
        Instant starts = time(alert, "startsAt", errors);
        Instant ends = time(alert, "endsAt", errors);
        if (starts != null && ends != null && ends.isBefore(starts)) {
            errors.add("start time must be before end time");
        }
    }

    private static Instant time(JsonNode alert, String field, List<String> errors) {
        if (!alert.has(field)) {
            return null;
        }
        try {
            return Instant.parse(alert.get(field).asText());
        } catch (RuntimeException e) {
            errors.add(field + " is not RFC 3339");
            return null;
        }
    }
}
