package io.streamops.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.streamops.e2e.spark34.FailingQueryDriver;
import io.streamops.listener.StreamOpsListener;
import io.streamops.testkit.Await;
import io.streamops.testkit.ExporterConfigFile;
import io.streamops.testkit.ExporterProcess;
import io.streamops.testkit.KafkaTestBroker;
import io.streamops.testkit.PagerDutyContractServer;
import io.streamops.testkit.Ports;
import io.streamops.testkit.SparkDriverJvm;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 11's user: a Spark 3.4 driver (Scala 2.12, jars from Maven Central, its own JVM) with the packaged
 * listener attached by configuration, a real broker and the packaged exporter with the shipped rules. A
 * query that fails must page {@code QueryFailed} for that query, not {@code DriverLost} when the driver
 * has gone: Spark 3.4's terminated event has no error class, and once that cost every failure.
 */
class FailureToPageOnSpark34Test {
    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final String ROUTING_KEY = "e2e-routing-key";

    @Test
    void aFailingQueryOnSpark34PagesQueryFailed(@TempDir Path dir) throws Exception {
        // The shipped rules also mail, so the exporter needs an email receiver to start.
        GreenMail smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort());
        smtp.start();
        try (KafkaTestBroker broker = KafkaTestBroker.started();
             PagerDutyContractServer pagerDuty = new PagerDutyContractServer(ROUTING_KEY)) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("streamops-events", 3, (short) 1),
                        new NewTopic("streamops-alerts", 3, (short) 1))).all().get();
            }
            int httpPort = Ports.free();
            Path config = dir.resolve("exporter.yaml");
            ExporterConfigFile.of(broker.bootstrapServers(), httpPort, Path.of("..", "alert-rules", "streamops-rules.yaml"),
                            dir.resolve("data"))
                    .groupWait("500ms").pagerDuty(pagerDuty.baseUrl())
                    .email(smtp.getSmtp().getPort(), "oncall@example.com").writeTo(config);
            try (ExporterProcess exporter = new ExporterProcess(Path.of("..", "exporter", "target", "streamops-exporter.jar").toAbsolutePath(),
                    config, httpPort, dir.resolve("exporter.log"), Map.of(ExporterConfigFile.ROUTING_KEY_ENV, ROUTING_KEY))) {
                exporter.awaitReady(WAIT);

                Map<String, String> conf = Map.of(
                        "spark.driver.host", "127.0.0.1", "spark.driver.bindAddress", "127.0.0.1",
                        "spark.ui.enabled", "false", "spark.sql.shuffle.partitions", "2",
                        "spark.sql.streaming.streamingQueryListeners", StreamOpsListener.class.getName(),
                        "spark.streamops.kafka.bootstrap.servers", broker.bootstrapServers(),
                        "spark.streamops.job", "warehouse-sync",
                        "spark.streamops.heartbeat.interval", "1s");
                String queryId;
                try (SparkDriverJvm driver = new SparkDriverJvm(SparkDriverJvm.sparkClasspath(Path.of(".."), "3.4.4_2.12"),
                        SparkDriverJvm.codeSource(StreamOpsListener.class), FailingQueryDriver.class, dir, conf)) {
                    queryId = driver.await("QUERY ", WAIT).substring("QUERY ".length());
                    driver.await("FAILED", WAIT);
                    assertThat(driver.awaitExit(WAIT)).as("driver exit code").isZero();
                }

                JsonNode page = Await.value("a PagerDuty trigger for the failed query", WAIT, () -> pagerDuty.acceptedEvents().stream()
                        .filter(e -> e.path("event_action").asText().equals("trigger")
                                && e.path("dedup_key").asText().endsWith("/" + queryId))
                        .findFirst().orElse(null));
                assertThat(page.path("dedup_key").asText()).as("the first page for the query").isEqualTo("QueryFailed/" + queryId);
                assertThat(page.path("payload").path("summary").asText())
                        .contains("orders-to-warehouse").contains("IllegalStateException").contains("warehouse db unreachable");
                assertThat(pagerDuty.violations()).isEmpty();
            } finally {
                java.nio.file.Files.copy(dir.resolve("exporter.log"), Path.of("target", "e2e-spark34-exporter.log"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            smtp.stop();
        }
    }
}
