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
    /**
     * The exporter's driver-lost timeout here (default 45 s), short enough for the test to watch it pass. The
     * listener beats every second, so its own floor (4 missed beats) is shorter and this is what counts.
     */
    private static final int DRIVER_LOST_AFTER_SECONDS = 5;

    @Test
    void aFailingQueryOnSpark34PagesQueryFailed(@TempDir Path dir) throws Exception {
        try (PagingStack stack = new PagingStack(dir, WAIT, "e2e-spark34-exporter.log",
                Map.of("driver_lost_after", DRIVER_LOST_AFTER_SECONDS + "s"))) {
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

            // The driver has gone, silent: past the driver-lost timeout by as long again (time for a pass of the
            // rules, the group wait and the delivery) on the exporter's own clock, the query is still failed and
            // nothing else has paged for it.
            Await.until("the exporter to have heard nothing from the query for twice the driver-lost timeout", WAIT,
                    () -> fleetValue(stack, "streamops_fleet_query_seconds_since_heartbeat", queryId, "") > 2 * DRIVER_LOST_AFTER_SECONDS);
            assertThat(fleetValue(stack, "streamops_fleet_query_status", queryId, "status=\"failed\""))
                    .as("the query's status past the driver-lost timeout").isEqualTo(1.0);
            assertThat(pagerDuty.acceptedEvents().stream()
                    .filter(e -> e.path("event_action").asText().equals("trigger") && e.path("dedup_key").asText().endsWith("/" + queryId))
                    .map(e -> e.path("dedup_key").asText()))
                    .as("triggers for the query").containsExactly("QueryFailed/" + queryId);
            assertThat(pagerDuty.violations()).isEmpty();
        }
    }

    /** The value of the exporter's fleet series {@code name} for the query, of the point also labelled {@code label}; NaN if none. */
    private static double fleetValue(PagingStack stack, String name, String queryId, String label) {
        return stack.exporter().get("/metrics").body().lines()
                .filter(l -> l.startsWith(name + "{") && l.contains("query_id=\"" + queryId + "\"") && l.contains(label))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst().orElse(Double.NaN);
    }
}
