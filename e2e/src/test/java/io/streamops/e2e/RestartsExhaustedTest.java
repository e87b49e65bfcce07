package io.streamops.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import io.streamops.e2e.restart.SubmittedJob;
import io.streamops.testkit.Await;
import io.streamops.testkit.ExporterConfigFile;
import io.streamops.testkit.ExporterProcess;
import io.streamops.testkit.KafkaTestBroker;
import io.streamops.testkit.PagerDutyContractServer;
import io.streamops.testkit.Ports;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A job that fails at every start (its SparkSubmit exits non-zero before the query starts): asked to
 * restart by an Alertmanager webhook, the exporter retries it as the policy says (3 attempts), then sends
 * exactly one RestartsExhausted page and restarts nothing more, even when asked again, until an operator
 * restarts it by hand, which resets the policy and resolves the page.
 */
class RestartsExhaustedTest {
    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final String ROUTING_KEY = "e2e-routing-key";
    private static final String TOKEN = "e2e-api-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String POLICY = """
            max_attempts: 3
            initial_backoff: 1s
            multiplier: 1
            max_backoff: 1s
            jitter: 0
            progress_deadline: 1m
            """;

    @Test
    void aJobFailingAtEveryStartIsRetriedAsThePolicySaysThenPagedOnceAndLeftAlone(@TempDir Path dir) throws Exception {
        GreenMail smtp = PagingStack.startedInbox();
        try (KafkaTestBroker broker = KafkaTestBroker.started();
             PagerDutyContractServer pagerDuty = new PagerDutyContractServer(ROUTING_KEY)) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("streamops-events", 3, (short) 1),
                        new NewTopic("streamops-alerts", 3, (short) 1))).all().get();
            }
            SubmittedJob job = SubmittedJob.prepare(dir, broker.bootstrapServers(), dir.resolve("job"));
            Files.createFile(job.work().resolve("fail-at-start"));
            Path logs = dir.resolve("restart-logs");
            int httpPort = Ports.free();
            Path config = dir.resolve("exporter.yaml");
            String yaml = ExporterConfigFile.of(broker.bootstrapServers(), httpPort,
                            Path.of("..", "alert-rules", "streamops-rules.yaml").toAbsolutePath(), dir.resolve("data"))
                    .groupWait("500ms").pagerDuty(pagerDuty.baseUrl()).email(smtp.getSmtp().getPort(), "oncall@example.com")
                    .yaml().replace("http:\n  host: 127.0.0.1\n", "http:\n  host: 127.0.0.1\n  token: " + TOKEN + "\n");
            Files.writeString(config, yaml + job.restartsSection(logs, POLICY));
            try (ExporterProcess exporter = new ExporterProcess(Path.of("..", "exporter", "target", "streamops-exporter.jar").toAbsolutePath(),
                    config, httpPort, dir.resolve("exporter.log"),
                    Map.of(ExporterConfigFile.ROUTING_KEY_ENV, ROUTING_KEY, "SPARK_LOCAL_IP", "127.0.0.1"))) {
                exporter.awaitReady(WAIT);
                String ask = """
                        {"version": "4", "status": "firing", "receiver": "streamops", "groupKey": "{}:{job=\\"orders-job\\"}",
                         "alerts": [{"status": "firing", "fingerprint": "a1b2c3",
                                     "labels": {"alertname": "OrdersJobDown", "job": "orders-job", "action": "restart"},
                                     "annotations": {}, "startsAt": "2026-01-01T00:00:00Z"}]}""";
                HttpResponse<String> asked = post(httpPort, "/api/alertmanager", ask);
                assertThat(asked.statusCode()).as(asked.body()).isEqualTo(200);

                JsonNode page = RestartFromCheckpointTest.trigger(pagerDuty, "RestartsExhausted/");
                assertThat(page.path("dedup_key").asText()).isEqualTo("RestartsExhausted/" + SubmittedJob.JOB + "#3");
                assertThat(page.path("payload").path("severity").asText()).isEqualTo("critical");
                assertThat(SubmittedJob.attemptLogs(logs)).as("one launch per attempt the policy allows").hasSize(3);
                JsonNode record = JSON.readTree(exporter.get("/api/restarts").body()).path("restarts").get(0);
                assertThat(record.path("phase").asText()).isEqualTo("GIVEN_UP");
                assertThat(record.path("announced").asBoolean()).isTrue();

                // Asked again after giving up, by another alert: accepted (2xx, as Alertmanager needs), handed to
                // the job's owner, which notes it and restarts nothing.
                HttpResponse<String> again = post(httpPort, "/api/alertmanager", ask.replace("a1b2c3", "d4e5f6"));
                assertThat(again.statusCode()).isEqualTo(200);
                assertThat(JSON.readTree(again.body()).path("forwarded").get(0).path("job").asText()).isEqualTo(SubmittedJob.JOB);
                Await.until("the owner to note the second alert", WAIT,
                        () -> exporter.get("/api/restarts").body().contains("d4e5f6@"));
                assertThat(JSON.readTree(exporter.get("/api/restarts").body()).path("restarts").get(0).path("phase").asText())
                        .isEqualTo("GIVEN_UP");
                assertThat(post(httpPort, "/api/alertmanager", "{\"version\": \"3\", \"alerts\": []}").statusCode())
                        .as("a payload of another version").isEqualTo(400);
                assertThat(SubmittedJob.attemptLogs(logs)).as("no restart after giving up").hasSize(3);
                assertThat(metric(exporter, "streamops_restart_given_up_jobs")).isEqualTo(1.0);

                // An operator's restart resets the policy: a new attempt, and the page resolves.
                HttpResponse<String> byHand = post(httpPort, "/api/jobs/" + SubmittedJob.JOB + "/restart", "");
                assertThat(byHand.statusCode()).as(byHand.body()).isEqualTo(200);
                RestartFromCheckpointTest.resolve(pagerDuty, "RestartsExhausted/" + SubmittedJob.JOB + "#3");
                Await.until("the attempt made by hand", WAIT, () -> SubmittedJob.attemptLogs(logs).size() == 4);
                assertThat(pagerDuty.acceptedEvents().stream().filter(e -> e.path("event_action").asText().equals("trigger")
                        && e.path("dedup_key").asText().startsWith("RestartsExhausted/")).count())
                        .as("RestartsExhausted pages").isEqualTo(1);
                assertThat(pagerDuty.violations()).isEmpty();
            } finally {
                Files.copy(dir.resolve("exporter.log"), Path.of("target", "e2e-exhausted-exporter.log"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            smtp.stop();
        }
    }

    private static HttpResponse<String> post(int port, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static double metric(ExporterProcess exporter, String name) {
        return exporter.get("/metrics").body().lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
