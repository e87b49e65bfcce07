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

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two exporter instances share the work; the job's query fails; the instance that owns the job is
 * SIGKILLed while the restart is under way (the new driver launched, not yet reporting). The other takes the job over from the journal: it
 * neither restarts the job again nor forgets it (the alert resolves once the restarted run reports),
 * so exactly one restart happens.
 */
class RestartOwnerKilledTest {
    private static final Duration WAIT = Duration.ofSeconds(240);
    private static final String ROUTING_KEY = "e2e-routing-key";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theOwnerKilledDuringARestartLeavesExactlyOneRestart(@TempDir Path dir) throws Exception {
        GreenMail smtp = PagingStack.startedInbox();
        Process first = null;
        SubmittedJob job = null;
        List<ExporterProcess> exporters = new ArrayList<>();
        try (KafkaTestBroker broker = KafkaTestBroker.started();
             PagerDutyContractServer pagerDuty = new PagerDutyContractServer(ROUTING_KEY)) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("streamops-events", 3, (short) 1),
                        new NewTopic("streamops-alerts", 3, (short) 1), new NewTopic("orders", 1, (short) 1))).all().get();
            }
            job = SubmittedJob.prepare(dir, broker.bootstrapServers(), dir.resolve("job"));
            Path logs = dir.resolve("restart-logs");
            for (String name : List.of("a", "b")) {
                int httpPort = Ports.free();
                Path config = dir.resolve("exporter-" + name + ".yaml");
                // A short session timeout: the survivor takes the dead instance's partitions over in seconds.
                Files.writeString(config, ExporterConfigFile.of(broker.bootstrapServers(), httpPort,
                                Path.of("..", "alert-rules", "streamops-rules.yaml").toAbsolutePath(), dir.resolve("data-" + name))
                        .groupWait("500ms").kafkaProperty("session.timeout.ms", "10000")
                        .pagerDuty(pagerDuty.baseUrl()).email(smtp.getSmtp().getPort(), "oncall@example.com").yaml()
                        + job.restartsSection(logs, ""));
                exporters.add(new ExporterProcess(Path.of("..", "exporter", "target", "streamops-exporter.jar").toAbsolutePath(),
                        config, httpPort, dir.resolve("exporter-" + name + ".log"),
                        Map.of(ExporterConfigFile.ROUTING_KEY_ENV, ROUTING_KEY, "SPARK_LOCAL_IP", "127.0.0.1")));
            }
            for (ExporterProcess exporter : exporters) {
                exporter.awaitReady(WAIT);
            }
            List<String> input = new ArrayList<>(RestartFromCheckpointTest.records("a", 20));
            input.add("poison");
            Files.createFile(job.work().resolve("poison-armed"));
            SubmittedJob.produce(broker.bootstrapServers(), input);
            first = job.launch(dir.resolve("driver-by-test.log"));

            ExporterProcess owner = Await.value("an instance to start the restart", WAIT, () -> exporters.stream()
                    .filter(e -> e.log().contains("Restarting job " + SubmittedJob.JOB)).findFirst().orElse(null));
            // Killed while the restart is under way: its driver launched (its log opened), not yet reporting.
            Await.until("the restarted driver to be launched", WAIT, () -> SubmittedJob.attemptLogs(logs).size() == 1);
            owner.kill();
            ExporterProcess survivor = exporters.stream().filter(e -> e != owner).findFirst().orElseThrow();

            SubmittedJob submitted = job;
            Await.until("the restarted run to commit every record", WAIT, () -> submitted.committedLines() >= input.size());
            Await.until("the survivor to see the restarted run make progress", WAIT, () -> {
                JsonNode record = restartRecord(survivor);
                return record != null && record.path("phase").asText().equals("HEALTHY");
            });
            JsonNode record = restartRecord(survivor);
            assertThat(record.path("sequence").asLong()).as("restarts made, by both instances").isEqualTo(1);
            assertThat(SubmittedJob.attemptLogs(logs)).as("launches").hasSize(1);
            assertThat(job.drivers()).as("drivers running").hasSize(1);
            assertThat(job.committedOutput()).containsExactlyInAnyOrderElementsOf(input);
            Files.createFile(job.work().resolve("stop"));
            Await.until("the restarted driver to stop", WAIT, () -> submitted.drivers().isEmpty());
        } finally {
            for (ExporterProcess exporter : exporters) {
                exporter.close();
            }
            if (Files.exists(dir.resolve("driver-by-test.log"))) { // the first driver's own log, for a run that never reported
                Files.copy(dir.resolve("driver-by-test.log"), Path.of("target", "e2e-owner-killed-driver.log"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            for (String name : List.of("a", "b")) {
                if (Files.exists(dir.resolve("exporter-" + name + ".log"))) {
                    Files.copy(dir.resolve("exporter-" + name + ".log"), Path.of("target", "e2e-owner-killed-exporter-" + name + ".log"),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            SubmittedJob.stop(first, job);
            smtp.stop();
        }
    }

    private static JsonNode restartRecord(ExporterProcess exporter) {
        try {
            JsonNode records = JSON.readTree(exporter.get("/api/restarts").body()).path("restarts");
            return records.size() == 1 ? records.get(0) : null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
