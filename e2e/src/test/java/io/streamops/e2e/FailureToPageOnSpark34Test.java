package io.streamops.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamops.e2e.spark34.FailingQueryDriver;
import io.streamops.listener.StreamOpsListener;
import io.streamops.testkit.Await;
import io.streamops.testkit.PagerDutyContractServer;
import io.streamops.testkit.SparkDriverJvm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
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

    @Test
    void aFailingQueryOnSpark34PagesQueryFailed(@TempDir Path dir) throws Exception {
        try (PagingStack stack = new PagingStack(dir, WAIT, "e2e-spark34-exporter.log")) {
            Map<String, String> conf = Map.of(
                    "spark.driver.host", "127.0.0.1", "spark.driver.bindAddress", "127.0.0.1",
                    "spark.ui.enabled", "false", "spark.sql.shuffle.partitions", "2",
                    "spark.sql.streaming.streamingQueryListeners", StreamOpsListener.class.getName(),
                    "spark.streamops.kafka.bootstrap.servers", stack.bootstrapServers(),
                    "spark.streamops.job", "warehouse-sync",
                    "spark.streamops.heartbeat.interval", "1s");
            String queryId;
            try (SparkDriverJvm driver = new SparkDriverJvm(SparkDriverJvm.sparkClasspath(Path.of(".."), "3.4.4_2.12"),
                    SparkDriverJvm.codeSource(StreamOpsListener.class), FailingQueryDriver.class, dir, conf)) {
                queryId = driver.await("QUERY ", WAIT).substring("QUERY ".length());
                driver.await("FAILED", WAIT);
                assertThat(driver.awaitExit(WAIT)).as("driver exit code").isZero();
            }

            PagerDutyContractServer pagerDuty = stack.pagerDuty();
            JsonNode page = Await.value("a PagerDuty trigger for the failed query", WAIT, () -> pagerDuty.acceptedEvents().stream()
                    .filter(e -> e.path("event_action").asText().equals("trigger")
                            && e.path("dedup_key").asText().endsWith("/" + queryId))
                    .findFirst().orElse(null));
            assertThat(page.path("dedup_key").asText()).as("the first page for the query").isEqualTo("QueryFailed/" + queryId);
            assertThat(page.path("payload").path("summary").asText())
                    .contains("orders-to-warehouse").contains("IllegalStateException").contains("warehouse db unreachable");
            assertThat(pagerDuty.violations()).isEmpty();
        }
    }
}
