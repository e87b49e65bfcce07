package io.streamops.exporter.notify.alertmanager;

import io.streamops.exporter.notify.Alerts;
import io.streamops.exporter.notify.DeliveryOutcome;
import io.streamops.exporter.notify.Notification;
import io.streamops.exporter.notify.http.HttpEndpoint;
import io.streamops.testkit.AlertmanagerServer;
import io.streamops.testkit.Await;
import io.streamops.testkit.LocalHttpServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
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
        Instant sentAt = Instant.parse("2026-11-21T12:00:00Z");
        AlertmanagerNotifier notifier = new AlertmanagerNotifier(HttpEndpoint.of(alertmanager.url()), Clock.fixed(sentAt, ZoneOffset.UTC));
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
        // Past the next repeat (4h) and its retries, so Alertmanager's resolve_timeout (5m) never ends it.
        assertThat(firing.get("endsAt").asText()).isEqualTo(sentAt.plus(Duration.ofHours(8)).toString());
        assertThat(firing.get("generatorURL").asText()).isEqualTo("https://grafana.shop.test/d/streamops-query?var-query_id=q-1");
        JsonNode resolved = alerts.get(1);
        assertThat(resolved.get("endsAt").asText()).isEqualTo(Alerts.ENDED.toString());
    }

    /** The real Alertmanager (Debian package) reads what we post: firing stays firing past its 5m resolve_timeout, a resolve ends it. */
    @Test
    void aRealAlertmanagerKeepsTheAlertActiveUntilItsResolve(@TempDir Path dir) throws Exception {
        try (AlertmanagerServer real = AlertmanagerServer.start(dir)) {
            AlertmanagerNotifier notifier = new AlertmanagerNotifier(HttpEndpoint.of(real.url()));

            assertThat(notifier.send(Alerts.notification("am", Alerts.alert("QueryFailed", "q-1").build())))
                    .isInstanceOf(DeliveryOutcome.Delivered.class);
            JsonNode active = JSON.readTree(real.alerts("active=true"));
            assertThat(active).hasSize(1);
            assertThat(active.get(0).path("labels").path("alertname").asText()).isEqualTo("QueryFailed");
            assertThat(active.get(0).path("status").path("state").asText()).isEqualTo("active");
            assertThat(Instant.parse(active.get(0).path("endsAt").asText()))
                    .as("not Alertmanager's default of now + resolve_timeout (5m)")
                    .isAfter(Instant.now().plus(Duration.ofHours(1)));

            assertThat(notifier.send(Alerts.notification("am", Alerts.alert("QueryFailed", "q-1").resolved().build())))
                    .isInstanceOf(DeliveryOutcome.Delivered.class);
            Await.until("Alertmanager to drop the resolved alert", Duration.ofSeconds(10),
                    () -> real.alerts("active=true").strip().equals("[]"));
        }
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
