package io.streamops.exporter.notify.pagerduty;

import io.streamops.exporter.support.Secret;
import io.streamops.testkit.LocalHttpServer;
import io.streamops.testkit.PagerDutyContractServer;
import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.notify.Alerts;
import io.streamops.exporter.notify.DeliveryOutcome;
import io.streamops.exporter.notify.LogCapture;
import io.streamops.exporter.notify.Notification;
import io.streamops.exporter.notify.delivery.DeliveryMetrics;
import io.streamops.exporter.notify.delivery.DeliveryQueue;
import io.streamops.exporter.notify.delivery.Receiver;
import io.streamops.exporter.notify.delivery.RetryPolicy;
import io.streamops.testkit.Await;
import io.streamops.testkit.Ports;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The PagerDuty notifier against a local server that enforces the Events API v2 contract. */
class PagerDutyNotifierTest {
    private static final String ROUTING_KEY = "R0UT1NGK3Yc0ffee0123456789abcdef";
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final RetryPolicy FAST_RETRIES =
            new RetryPolicy(Duration.ofMillis(50), Duration.ofSeconds(1), 2.0, 5, Duration.ofMinutes(1));

    @TempDir
    Path queueDir;

    private final PagerDutyContractServer pagerDuty = new PagerDutyContractServer(ROUTING_KEY);
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @AfterEach
    void stopServer() {
        pagerDuty.close();
    }

    private PagerDutyNotifier notifier(String routingKey) {
        return new PagerDutyNotifier(PagerDutyConfig.of(Secret.of(routingKey)).withBaseUrl(pagerDuty.baseUrl()));
    }

    @Test
    void triggerCarriesTheWholeEventAndResolveSharesItsDedupKey() {
        PagerDutyNotifier notifier = notifier(ROUTING_KEY);
        AlertTransition firing = Alerts.alert("QueryFailed", "q-1").severity("critical")
                .annotation("summary", "Query grocery-alerts failed").build();

        assertThat(notifier.send(Alerts.notification("pager", firing))).isInstanceOf(DeliveryOutcome.Delivered.class);
        assertThat(notifier.send(Alerts.notification("pager", Alerts.alert("QueryFailed", "q-1").resolved().build())))
                .isInstanceOf(DeliveryOutcome.Delivered.class);

        assertThat(pagerDuty.violations()).isEmpty();
        List<JsonNode> events = pagerDuty.acceptedEvents();
        assertThat(events).hasSize(2);
        JsonNode trigger = events.get(0);
        JsonNode resolve = events.get(1);
        assertThat(trigger.get("event_action").asText()).isEqualTo("trigger");
        assertThat(resolve.get("event_action").asText()).isEqualTo("resolve");
        assertThat(trigger.get("dedup_key").asText()).isEqualTo("QueryFailed/q-1").isEqualTo(resolve.get("dedup_key").asText());

        JsonNode payload = trigger.get("payload");
        assertThat(payload.get("summary").asText()).isEqualTo("Query grocery-alerts failed");
        assertThat(payload.get("source").asText()).isEqualTo("shop-etl");
        assertThat(payload.get("severity").asText()).isEqualTo("critical");
        assertThat(payload.get("component").asText()).isEqualTo("grocery-alerts");
        assertThat(payload.get("group").asText()).isEqualTo("shop-etl");
        assertThat(payload.get("class").asText()).isEqualTo("QueryFailed");
        assertThat(payload.get("timestamp").asText()).isEqualTo(Alerts.STARTED.toString());
        JsonNode details = payload.get("custom_details");
        assertThat(details.get("records_behind").asDouble()).isEqualTo(1.2e7);
        assertThat(details.get("exception_message").asText()).isEqualTo("org.apache.spark.SparkException: Job aborted");
        assertThat(details.get("watermark_delay_seconds").isNull()).as("NaN is sent as null").isTrue();
        assertThat(trigger.get("links").get(0).get("href").asText())
                .isEqualTo("https://grafana.shop.test/d/streamops-query?var-query_id=q-1");
    }

    @Test
    void sendsOneEventPerAlertOfTheGroup() {
        Notification two = Notification.of("pager", "by-rule", List.of(
                Alerts.alert("QueryFailed", "q-1").build(),
                Alerts.alert("QueryFailed", "q-2").query("fraud-scores").build()), Alerts.DASHBOARD);

        assertThat(notifier(ROUTING_KEY).send(two)).isInstanceOf(DeliveryOutcome.Delivered.class);

        assertThat(pagerDuty.acceptedEvents()).extracting(e -> e.get("dedup_key").asText())
                .containsExactly("QueryFailed/q-1", "QueryFailed/q-2");
    }

    @Test
    void mapsSeveritiesToPagerDutys() {
        for (String severity : List.of("critical", "page", "error", "major", "warning", "info", "low", "whatever")) {
            AlertTransition alert = Alerts.alert("Lagging", "q-" + severity).severity(severity).build();
            assertThat(notifier(ROUTING_KEY).send(Alerts.notification("pager", alert)))
                    .as(severity).isInstanceOf(DeliveryOutcome.Delivered.class);
        }
        assertThat(pagerDuty.acceptedEvents()).extracting(e -> e.get("payload").get("severity").asText())
                .containsExactly("critical", "critical", "error", "error", "warning", "info", "info", "error");
    }

    @Test
    void truncatesALongSummaryTo1024Characters() {
        String longSummary = "Query grocery-alerts failed: " + "x".repeat(2000);
        AlertTransition alert = Alerts.alert("QueryFailed", "q-1").annotation("summary", longSummary).build();

        assertThat(notifier(ROUTING_KEY).send(Alerts.notification("pager", alert))).isInstanceOf(DeliveryOutcome.Delivered.class);

        String sent = pagerDuty.acceptedEvents().get(0).get("payload").get("summary").asText();
        assertThat(sent).hasSize(1024).startsWith("Query grocery-alerts failed: xxx").endsWith("x\u2026");
    }

    @Test
    void retries429And500WithBackOffThenDelivers() {
        pagerDuty.failNext(429, 500);
        try (DeliveryQueue queue = new DeliveryQueue(queueDir,
                List.of(new Receiver("pager", notifier(ROUTING_KEY), FAST_RETRIES)), registry)) {
            queue.submit(Alerts.notification("pager", Alerts.alert("QueryFailed", "q-1").build()));

            Await.until("delivery", TIMEOUT, () -> counter("sent") == 1);
        }
        assertThat(pagerDuty.http().statuses()).containsExactly(429, 500, 202);
        assertThat(counter("retried")).isEqualTo(2);
        assertThat(counter("rejected")).isZero();
        assertThat(pagerDuty.acceptedEvents()).hasSize(1);
        // Back-off: the retries came no sooner than the policy's delays (50 ms, then 100 ms).
        List<LocalHttpServer.Request> requests = pagerDuty.http().requests();
        assertThat(requests.get(1).receivedNanos() - requests.get(0).receivedNanos())
                .isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos());
        assertThat(requests.get(2).receivedNanos() - requests.get(1).receivedNanos())
                .isGreaterThanOrEqualTo(Duration.ofMillis(100).toNanos());
    }

    @Test
    void a400IsRejectedAndNeverRetried() {
        try (DeliveryQueue queue = new DeliveryQueue(queueDir, List.of(
                new Receiver("pager", notifier("wrong-key-0123456789abcdef012345"), FAST_RETRIES)), registry)) {
            queue.submit(Alerts.notification("pager", Alerts.alert("QueryFailed", "q-1").build()));

            Await.until("rejection", TIMEOUT, () -> counter("rejected") == 1);
            assertThat(queue.pending("pager")).isZero();
        }
        assertThat(pagerDuty.http().statuses()).containsExactly(400);
        assertThat(counter("retried")).isZero();
        // The delivery is gone (file deleted), so there is nothing left that could be retried.
        assertThat(queueDir).isDirectoryNotContaining("glob:**/delivery-*.json");
    }

    @Test
    void theRoutingKeyIsNotWrittenToTheQueueDirectory() throws Exception {
        pagerDuty.failNext(500);
        RetryPolicy slow = new RetryPolicy(Duration.ofHours(1), Duration.ofHours(1), 2.0, 5, Duration.ofDays(1));
        try (DeliveryQueue queue = new DeliveryQueue(queueDir, List.of(new Receiver("pager", notifier(ROUTING_KEY), slow)), registry)) {
            queue.submit(Alerts.notification("pager", Alerts.alert("QueryFailed", "q-1").build()));
            Await.until("a failed attempt", TIMEOUT, () -> counter("retried") == 1);

            try (var files = java.nio.file.Files.list(queueDir)) {
                List<Path> all = files.toList();
                assertThat(all).anyMatch(f -> f.getFileName().toString().startsWith("delivery-"));
                for (Path file : all) {
                    assertThat(java.nio.file.Files.readString(file)).doesNotContain(ROUTING_KEY);
                }
            }
        }
    }

    @Test
    void aDirectSendOfAnInvalidEventIsRejectedWithThePagerDutyErrorButWithoutTheKey() {
        DeliveryOutcome outcome = notifier("wrong-key-0123456789abcdef012345")
                .send(Alerts.notification("pager", Alerts.alert("QueryFailed", "q-1").build()));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.Rejected.class);
        String reason = ((DeliveryOutcome.Rejected) outcome).reason();
        assertThat(reason).contains("HTTP 400", "Invalid routing key '***'").doesNotContain("wrong-key");
    }

    @Test
    void anUnreachablePagerDutyIsRetriedLater() throws Exception {
        URI closed = URI.create("http://127.0.0.1:" + Ports.free());
        PagerDutyNotifier notifier = new PagerDutyNotifier(PagerDutyConfig.of(Secret.of(ROUTING_KEY)).withBaseUrl(closed));

        DeliveryOutcome outcome = notifier.send(Alerts.notification("pager", Alerts.alert("QueryFailed", "q-1").build()));

        assertThat(outcome).isInstanceOf(DeliveryOutcome.RetryLater.class);
        assertThat(((DeliveryOutcome.RetryLater) outcome).reason()).startsWith("cannot reach http://127.0.0.1:");
    }

    @Test
    void theRoutingKeyNeverAppearsInLogsReasonsOrToString() {
        PagerDutyConfig config = PagerDutyConfig.of(Secret.of(ROUTING_KEY)).withBaseUrl(pagerDuty.baseUrl());
        PagerDutyNotifier notifier = new PagerDutyNotifier(config);
        PagerDutyNotifier wrongKey = notifier("wrong-key-0123456789abcdef012345");
        String logs;
        try (LogCapture capture = new LogCapture()) {
            pagerDuty.failNext(429, 500);
            try (DeliveryQueue queue = new DeliveryQueue(queueDir, List.of(
                    new Receiver("pager", notifier, FAST_RETRIES),
                    new Receiver("pager-misconfigured", wrongKey, FAST_RETRIES)), registry)) {
                queue.submit(Alerts.notification("pager", Alerts.alert("QueryFailed", "q-1").build()));
                queue.submit(Alerts.notification("pager-misconfigured", Alerts.alert("QueryFailed", "q-2").build()));
                Await.until("delivery and rejection", TIMEOUT,
                        () -> counter("sent") == 1 && counter("rejected") == 1);
            }
            logs = capture.text();
        }

        assertThat(logs).doesNotContain(ROUTING_KEY).doesNotContain("wrong-key-0123456789abcdef012345");
        if (LogCapture.loggingIsBound()) {
            // Proof that the capture saw the notifier's log lines (with a NOP slf4j binding there are none).
            assertThat(logs).contains("rejected notification", "Invalid routing key '***'", "HTTP 429");
        }
        assertThat(config.toString()).doesNotContain(ROUTING_KEY).contains("***");
        assertThat(notifier.toString()).doesNotContain(ROUTING_KEY);
        assertThat(Secret.of(ROUTING_KEY).toString()).isEqualTo("***");
        assertThat(queueDir).isDirectoryNotContaining("glob:**/delivery-*.json");
    }

    private double counter(String name) {
        return registry.find(DeliveryMetrics.PREFIX + name).counters().stream().mapToDouble(c -> c.count()).sum();
    }
}
