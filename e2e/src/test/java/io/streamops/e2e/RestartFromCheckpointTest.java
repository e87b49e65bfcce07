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
import jakarta.mail.internet.MimeMessage;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 8's user, for real: a Kafka-to-files streaming job with a checkpoint, launched through Spark's own
 * SparkSubmit with the listener attached by configuration; the packaged exporter with the shipped rules
 * and a {@code command} restarter holding the same SparkSubmit line. (a) The driver is SIGKILLed: the
 * exporter pages DriverLost, restarts the job, the job resumes from its checkpoint and the page resolves.
 * (b) A poison record makes the job throw once: QueryFailed pages, the exporter restarts it, the page
 * resolves. The sink then holds every input record exactly once.
 */
class RestartFromCheckpointTest {
    private static final Duration WAIT = Duration.ofSeconds(240);
    private static final String ROUTING_KEY = "e2e-routing-key";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aKilledAndAFailedJobAreRestartedFromTheirCheckpointAndLoseNothing(@TempDir Path dir) throws Exception {
        GreenMail smtp = PagingStack.startedInbox();
        Process first = null;
        SubmittedJob job = null;
        try (KafkaTestBroker broker = KafkaTestBroker.started();
             PagerDutyContractServer pagerDuty = new PagerDutyContractServer(ROUTING_KEY)) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("streamops-events", 3, (short) 1),
                        new NewTopic("streamops-alerts", 3, (short) 1), new NewTopic("orders", 1, (short) 1))).all().get();
            }
            job = SubmittedJob.prepare(dir, broker.bootstrapServers(), dir.resolve("job"));
            int httpPort = Ports.free();
            Path config = dir.resolve("exporter.yaml");
            Files.writeString(config, ExporterConfigFile.of(broker.bootstrapServers(), httpPort,
                            Path.of("..", "alert-rules", "streamops-rules.yaml").toAbsolutePath(), dir.resolve("data"))
                    .groupWait("500ms").status("driver_lost_after", "10s")
                    .pagerDuty(pagerDuty.baseUrl()).email(smtp.getSmtp().getPort(), "oncall@example.com").yaml()
                    + job.restartsSection(dir.resolve("restart-logs"), ""));
            try (ExporterProcess exporter = new ExporterProcess(Path.of("..", "exporter", "target", "streamops-exporter.jar").toAbsolutePath(),
                    config, httpPort, dir.resolve("exporter.log"),
                    Map.of(ExporterConfigFile.ROUTING_KEY_ENV, ROUTING_KEY, "SPARK_LOCAL_IP", "127.0.0.1"))) {
                exporter.awaitReady(WAIT);
                List<String> input = new ArrayList<>(records("a", 50));
                SubmittedJob.produce(broker.bootstrapServers(), input);
                first = job.launch(dir.resolve("driver-by-test.log"));
                SubmittedJob submitted = job;
                Await.until("the first run to commit the first 50 records", WAIT, () -> submitted.committedLines() >= 50);

                // (a) SIGKILL: no terminated event, the driver just goes silent.
                first.destroyForcibly();
                first.waitFor();
                List<String> whileDown = records("b", 50);
                SubmittedJob.produce(broker.bootstrapServers(), whileDown);
                input.addAll(whileDown);
                JsonNode lost = trigger(pagerDuty, "DriverLost/");
                String queryId = lost.path("dedup_key").asText().substring("DriverLost/".length());
                resolve(pagerDuty, "DriverLost/" + queryId);
                Await.until("the restarted run to commit what was written while it was down", WAIT,
                        () -> submitted.committedLines() >= 100);
                JsonNode restarts = JSON.readTree(exporter.get("/api/restarts").body());
                assertThat(restarts.path("configured").asBoolean()).isTrue();
                JsonNode record = restarts.path("restarts").get(0);
                assertThat(record.path("subject").path("job").asText()).isEqualTo(SubmittedJob.JOB);
                assertThat(record.path("sequence").asLong()).as("restarts made after the kill").isEqualTo(1);

                // (b) An exception: one poison record makes the query fail once.
                Files.createFile(job.work().resolve("poison-armed"));
                List<String> withPoison = new ArrayList<>(records("c", 25));
                withPoison.add("poison");
                withPoison.addAll(records("d", 25));
                SubmittedJob.produce(broker.bootstrapServers(), withPoison);
                input.addAll(withPoison);
                trigger(pagerDuty, "QueryFailed/" + queryId);
                resolve(pagerDuty, "QueryFailed/" + queryId);
                Await.until("the run restarted after the exception to commit every record", WAIT,
                        () -> submitted.committedLines() >= input.size());
                assertThat(job.work().resolve("poison-armed")).as("the poison record threw").doesNotExist();
                record = JSON.readTree(exporter.get("/api/restarts").body()).path("restarts").get(0);
                assertThat(record.path("sequence").asLong()).as("restarts made in all: one per incident").isEqualTo(2);

                List<String> output = job.committedOutput();
                assertThat(output).as("every input record exactly once").containsExactlyInAnyOrderElementsOf(input);
                assertThat(mailWith("QueryFailed", smtp)).as("the mail says what happens").contains("attempt 2 of 5");
                assertThat(pagerDuty.violations()).isEmpty();

                Files.createFile(job.work().resolve("stop")); // the restarted driver stops cleanly
                Await.until("the restarted driver to stop", WAIT, () -> submitted.drivers().isEmpty());
            } finally {
                Files.copy(dir.resolve("exporter.log"), Path.of("target", "e2e-restart-exporter.log"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            SubmittedJob.stop(first, job);
            smtp.stop();
        }
    }

    static List<String> records(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + "-" + i).toList();
    }

    static JsonNode trigger(PagerDutyContractServer pagerDuty, String dedupKeyPrefix) {
        return Await.value("a PagerDuty trigger " + dedupKeyPrefix, WAIT, () -> pagerDuty.acceptedEvents().stream()
                .filter(e -> e.path("event_action").asText().equals("trigger")
                        && e.path("dedup_key").asText().startsWith(dedupKeyPrefix))
                .findFirst().orElse(null));
    }

    static void resolve(PagerDutyContractServer pagerDuty, String dedupKey) {
        Await.until("the PagerDuty resolve of " + dedupKey, WAIT, () -> pagerDuty.acceptedEvents().stream()
                .anyMatch(e -> e.path("event_action").asText().equals("resolve") && e.path("dedup_key").asText().equals(dedupKey)));
    }

    /** The plain text of the first mail whose subject names {@code alertname}. */
    static String mailWith(String alertname, GreenMail smtp) throws Exception {
        MimeMessage mail = Await.value("an email about " + alertname, WAIT, () -> {
            for (MimeMessage m : smtp.getReceivedMessages()) {
                try {
                    if (m.getSubject().contains(alertname)) {
                        return m;
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            return null;
        });
        return text(mail.getContent());
    }

    private static String text(Object content) throws Exception {
        if (content instanceof jakarta.mail.Multipart multipart) {
            StringBuilder all = new StringBuilder();
            for (int i = 0; i < multipart.getCount(); i++) {
                all.append(text(multipart.getBodyPart(i).getContent()));
            }
            return all.toString();
        }
        return String.valueOf(content);
    }
}
