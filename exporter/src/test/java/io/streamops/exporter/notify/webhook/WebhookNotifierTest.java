package io.streamops.exporter.notify.webhook;

import io.streamops.exporter.notify.Alerts;
import io.streamops.exporter.notify.DeliveryOutcome;
import io.streamops.exporter.notify.Notification;
import io.streamops.exporter.notify.http.HttpEndpoint;
import io.streamops.exporter.support.Secret;
import io.streamops.testkit.LocalHttpServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The webhook notifier against a local HTTP server. */
class WebhookNotifierTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final LocalHttpServer server = LocalHttpServer.answering(200);

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void postsSlackCompatibleTextAndTheStructuredAlerts() throws Exception {
        WebhookNotifier notifier = new WebhookNotifier(HttpEndpoint.of(URI.create(server.url() + "/hooks/T000/B000/XXXX"))
                .withBearerToken(Secret.of("hook-token-42")));
        Notification notification = Alerts.notification("slack",
                Alerts.alert("QueryFailed", "q-1").query("<!channel> & <http://evil|click>").build(),
                Alerts.alert("QueryFailed", "q-1").query("<!channel> & <http://evil|click>").resolved().build());

        assertThat(notifier.send(notification)).isInstanceOf(DeliveryOutcome.Delivered.class);

        LocalHttpServer.Request request = server.awaitRequests(1).get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/hooks/T000/B000/XXXX");
        assertThat(request.header("Authorization")).isEqualTo("Bearer hook-token-42");
        assertThat(request.header("Content-Type")).isEqualTo("application/json");
        JsonNode body = JSON.readTree(request.body());
        assertThat(body.get("status").asText()).isEqualTo("firing");
        assertThat(body.get("receiver").asText()).isEqualTo("slack");
        assertThat(body.get("groupKey").asText()).isEqualTo(notification.groupKey());
        assertThat(body.get("title").asText()).isEqualTo("[FIRING:1] QueryFailed <!channel> & <http://evil|click>");
        // Slack's control characters are escaped: no @channel ping, no forged link.
        assertThat(body.get("text").asText())
                .startsWith("*[FIRING:1] QueryFailed &lt;!channel&gt; &amp; &lt;http://evil|click&gt;*")
                .contains("\u2022 firing: Query &lt;!channel&gt;", "\u2022 resolved: ")
                .doesNotContain("<!channel>");
        assertThat(body.get("commonLabels").get("query_id").asText()).isEqualTo("q-1");
        assertThat(body.get("dashboardUrl").asText()).isEqualTo("https://grafana.shop.test/d/streamops-query?var-query_id=q-1");
        JsonNode alerts = body.get("alerts");
        assertThat(alerts).hasSize(2);
        assertThat(alerts.get(0).get("status").asText()).isEqualTo("firing");
        assertThat(alerts.get(0).get("fingerprint").asText()).isEqualTo("QueryFailed/q-1");
        assertThat(alerts.get(0).get("labels").get("alertname").asText()).isEqualTo("QueryFailed");
        assertThat(alerts.get(0).get("annotations").get("summary").asText()).isEqualTo("Query <!channel> & <http://evil|click> failed");
        assertThat(alerts.get(0).get("signals").get("records_behind").asDouble()).isEqualTo(1.2e7);
        assertThat(alerts.get(0).get("signals").get("watermark_delay_seconds").isNull()).isTrue();
        assertThat(alerts.get(0).get("startsAt").asText()).isEqualTo(Alerts.STARTED.toString());
        assertThat(alerts.get(0).has("endsAt")).isFalse();
        assertThat(alerts.get(1).get("status").asText()).isEqualTo("resolved");
        assertThat(alerts.get(1).get("endsAt").asText()).isEqualTo(Alerts.ENDED.toString());
    }

    @Test
    void aTokenThatCannotBeAHeaderIsRefusedWithoutShowingIt() {
        assertThatThrownBy(() -> HttpEndpoint.of(server.url()).withBearerToken(Secret.of("s3cr3t\r\nX-Evil: 1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageNotContaining("s3cr3t").hasMessageNotContaining("X-Evil");
        assertThatThrownBy(() -> HttpEndpoint.of(server.url()).withBearerToken(Secret.of("s3cr3t w0rds")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("s3cr3t");
    }

    @Test
    void withoutATokenSendsNoAuthorizationHeader() {
        WebhookNotifier notifier = new WebhookNotifier(HttpEndpoint.of(server.url()));

        assertThat(notifier.send(Alerts.notification("hook", Alerts.alert("Lagging", "q-1").build())))
                .isInstanceOf(DeliveryOutcome.Delivered.class);
        assertThat(server.awaitRequests(1).get(0).header("Authorization")).isNull();
    }

    @Test
    void classifiesAnswers() {
        WebhookNotifier notifier = new WebhookNotifier(HttpEndpoint.of(URI.create(server.url() + "/secret-path-token")));
        Notification notification = Alerts.notification("hook", Alerts.alert("Lagging", "q-1").build());
        server.failNext(new LocalHttpServer.Response(429, "slow down", Map.of("Retry-After", "7")));
        server.failNext(503, 404, 400);

        DeliveryOutcome throttled = notifier.send(notification);
        assertThat(throttled).isInstanceOf(DeliveryOutcome.RetryLater.class);
        assertThat(((DeliveryOutcome.RetryLater) throttled).serverDelay()).contains(Duration.ofSeconds(7));
        assertThat(notifier.send(notification)).isInstanceOf(DeliveryOutcome.RetryLater.class);
        assertThat(notifier.send(notification)).isInstanceOf(DeliveryOutcome.Rejected.class);
        DeliveryOutcome rejected = notifier.send(notification);
        assertThat(rejected).isInstanceOf(DeliveryOutcome.Rejected.class);
        assertThat(((DeliveryOutcome.Rejected) rejected).reason()).startsWith("HTTP 400");
    }

    @Test
    void theTokenAndTheSecretPathStayOutOfToStringAndReasons() {
        URI url = URI.create(server.url() + "/services/T000/B000/s3cr3tpath");
        HttpEndpoint config = HttpEndpoint.of(url).withBearerToken(Secret.of("hook-token-42"));
        // The server echoes both secrets in its error body, as some do.
        LocalHttpServer echoing = LocalHttpServer.start(request -> LocalHttpServer.Response.of(403,
                "forbidden: " + request.path() + " " + request.header("Authorization")));
        try (echoing) {
            WebhookNotifier notifier = new WebhookNotifier(HttpEndpoint.of(URI.create(echoing.url() + "/services/T000/B000/s3cr3tpath"))
                    .withBearerToken(Secret.of("hook-token-42")));
            DeliveryOutcome outcome = notifier.send(Alerts.notification("hook", Alerts.alert("Lagging", "q-1").build()));

            assertThat(outcome).isInstanceOf(DeliveryOutcome.Rejected.class);
            assertThat(((DeliveryOutcome.Rejected) outcome).reason()).contains("HTTP 403")
                    .doesNotContain("s3cr3tpath").doesNotContain("hook-token-42");
            assertThat(notifier.toString()).doesNotContain("s3cr3tpath").doesNotContain("hook-token-42");
        }
        assertThat(config.toString()).doesNotContain("s3cr3tpath").doesNotContain("hook-token-42");
    }

    @Test
    void aServerThatStallsMidBodyCannotHoldTheSenderBeyondItsTimeout() throws Exception {
        // Sends the status line and headers, promises a body, and never sends it.
        try (ServerSocket stalling = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CountDownLatch testOver = new CountDownLatch(1);
            Thread server = new Thread(() -> {
                try (Socket client = stalling.accept()) {
                    client.getInputStream().read(new byte[8192]);
                    client.getOutputStream().write("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n{".getBytes(StandardCharsets.US_ASCII));
                    client.getOutputStream().flush();
                    testOver.await(1, TimeUnit.MINUTES);
                } catch (Exception ignored) {
                    // the test is over
                }
            });
            server.setDaemon(true);
            server.start();
            WebhookNotifier notifier = new WebhookNotifier(HttpEndpoint.of(URI.create("http://127.0.0.1:" + stalling.getLocalPort() + "/hook"))
                    .withTimeout(Duration.ofMillis(500)));

            DeliveryOutcome outcome = notifier.send(Alerts.notification("hook", Alerts.alert("Lagging", "q-1").build()));

            testOver.countDown();
            assertThat(outcome).isInstanceOf(DeliveryOutcome.RetryLater.class);
            assertThat(((DeliveryOutcome.RetryLater) outcome).reason()).contains("no answer", "within 500 ms");
        }
    }
}
