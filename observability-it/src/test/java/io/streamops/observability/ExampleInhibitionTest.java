package io.streamops.observability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.streamops.testkit.AlertmanagerServer;
import io.streamops.testkit.Await;
import io.streamops.testkit.LocalHttpServer;
import io.streamops.testkit.PagerDutyContractServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example Alertmanager config's inhibition, in a real Alertmanager: a lost driver's query also looks
 * stalled, and the stall must not page. DriverLost and QueryStalled for the same query are posted to
 * {@code /api/v2/alerts} as Prometheus posts them; PagerDuty (the contract server) gets DriverLost only.
 */
class ExampleInhibitionTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String KEY = "inhibition-routing-key";

    @Test
    void aLostDriverInhibitsItsQuerysStallAlert(@TempDir Path dir) throws Exception {
        GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        smtp.start();
        try (PagerDutyContractServer pagerDuty = new PagerDutyContractServer(KEY);
             LocalHttpServer restarts = LocalHttpServer.answering(200);
             AlertmanagerServer alertmanager = ExampleAlertmanager.start(dir, pagerDuty.baseUrl(), KEY, smtp.getSmtp().getPort(),
                     restarts.url().resolve("/api/alertmanager"))) {
            ArrayNode both = JSON.createArrayNode()
                    .add(alert("DriverLost", "critical", "q-lost", Map.of("action", "restart")))
                    .add(alert("QueryStalled", "error", "q-lost", Map.of()));
            assertThat(alertmanager.postAlerts(both.toString()).statusCode()).isEqualTo(200);

            Await.until("Alertmanager to page DriverLost", WAIT, () -> paged(pagerDuty, "DriverLost"));
            JsonNode stall = Await.value("Alertmanager to hold the stall", WAIT, () -> {
                for (JsonNode a : read(alertmanager.alerts("active=true&inhibited=true"))) {
                    if (a.path("labels").path("alertname").asText().equals("QueryStalled")) {
                        return a;
                    }
                }
                return null;
            });
            assertThat(stall.path("status").path("state").asText()).isEqualTo("suppressed");
            assertThat(stall.path("status").path("inhibitedBy")).isNotEmpty();

            // A later page for another query: the stall's group, made with DriverLost's, has had its turn by then.
            assertThat(alertmanager.postAlerts(JSON.createArrayNode()
                    .add(alert("QueryFailed", "critical", "q-other", Map.of())).toString()).statusCode()).isEqualTo(200);
            Await.until("Alertmanager to page the later QueryFailed", WAIT, () -> paged(pagerDuty, "QueryFailed"));
            assertThat(paged(pagerDuty, "QueryStalled")).as("the inhibited stall paged: " + pagerDuty.acceptedEvents()).isFalse();
            assertThat(pagerDuty.violations()).isEmpty();
        } finally {
            smtp.stop();
        }
    }

    private static ObjectNode alert(String name, String severity, String queryId, Map<String, String> extra) {
        ObjectNode labels = JSON.createObjectNode().put("alertname", name).put("severity", severity)
                .put("job", "shop").put("query", "orders").put("query_id", queryId);
        extra.forEach(labels::put);
        ObjectNode a = JSON.createObjectNode();
        a.set("labels", labels);
        a.set("annotations", JSON.createObjectNode().put("summary", name + " on " + queryId));
        return a;
    }

    private static boolean paged(PagerDutyContractServer pagerDuty, String alertname) {
        return pagerDuty.acceptedEvents().stream().anyMatch(e -> e.path("event_action").asText().equals("trigger")
                && e.path("payload").path("summary").asText().contains(alertname));
    }

    private static JsonNode read(String body) {
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new IllegalStateException(body, e);
        }
    }
}
