package io.streamops.listener.it;

import io.streamops.listener.it.driver.ExitingDriver;
import io.streamops.listener.it.driver.FailingThenExitingDriver;
import io.streamops.testkit.KafkaTestBroker;
import io.streamops.testkit.SparkDriverJvm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 7, finding 6: a driver JVM that exits with its queries running (no stop(), no spark.stop()).
 * Spark's shutdown hook stops the queries and posts their terminated events while the JVM is going
 * down; the listener must forward them within {@code shutdown.flush.timeout}, or the exporter takes
 * those queries for lost drivers. A real driver in its own JVM, a real broker.
 *
 * <p>And a driver that exits within a second of a query failing (after stopping the other, with or
 * without {@code spark.stop()}), its listener bus still busy: the failed query must be reported failed,
 * not stopped with the application, and each query once.
 */
class ShutdownDrainTest {
    private static final Duration WAIT = Duration.ofSeconds(180);
    private static KafkaTestBroker broker;

    @BeforeAll
    static void start() {
        broker = KafkaTestBroker.started();
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void theTerminatedEventsSparkPostsWhileTheJvmExitsReachKafka() throws Exception {
        String topic = "exiting-driver";
        try (EventTopic events = new EventTopic(broker.bootstrapServers(), topic);
             SparkDriverJvm driver = driver(ExitingDriver.class, topic)) {
            Map<String, String> ids = awaitRunning(events, driver, "exiting_a", "exiting_b");
            driver.send("EXIT");
            assertThat(driver.awaitExit(Duration.ofSeconds(60))).as("driver exit code").isZero();

            for (Map.Entry<String, String> query : ids.entrySet()) {
                EventTopic.Message terminated = events.await("terminated event of " + query.getKey()
                                + " (the driver's log:\n" + driver.logTail() + ")", Duration.ofSeconds(60),
                        m -> m.type().equals("terminated") && m.queryId().equals(query.getValue()));
                System.out.printf("exiting driver: %s terminated, outcome %s%n", query.getKey(),
                        terminated.json.path("termination").path("outcome").asText());
            }
        }
    }

    @Test
    void aQueryThatFailedJustBeforeSparkStopAndExitIsReportedFailed() throws Exception {
        failThenExit("failing-spark-stop", "FAIL SPARK_STOP");
    }

    @Test
    void aQueryThatFailedJustBeforeExitIsReportedFailed() throws Exception {
        failThenExit("failing-exit", "FAIL EXIT");
    }

    /**
     * One query fails, the application stops the other and exits within a second: the failed query's
     * terminated event must say failed, with its exception, not the stopped the listener reports for
     * queries that end with the JVM; each query gets exactly one terminated event.
     */
    private void failThenExit(String topic, String command) throws Exception {
        try (EventTopic events = new EventTopic(broker.bootstrapServers(), topic);
             SparkDriverJvm driver = driver(FailingThenExitingDriver.class, topic)) {
            Map<String, String> ids = awaitRunning(events, driver, "failing", "healthy");
            driver.send(command);
            assertThat(driver.awaitExit(Duration.ofSeconds(60))).as("driver exit code").isEqualTo(1);

            for (String id : ids.values()) {
                events.await("terminated event of " + id + " (the driver's log:\n" + driver.logTail() + ")",
                        Duration.ofSeconds(60), m -> m.type().equals("terminated") && m.queryId().equals(id));
            }
            // The driver has exited, its producer flushed: a second terminated would already be in the topic.
            List<EventTopic.Message> failing = events.matching(m -> m.type().equals("terminated") && m.queryId().equals(ids.get("failing")));
            List<EventTopic.Message> healthy = events.matching(m -> m.type().equals("terminated") && m.queryId().equals(ids.get("healthy")));
            assertThat(failing).as("terminated events of the failing query").hasSize(1);
            assertThat(healthy).as("terminated events of the healthy query").hasSize(1);
            assertThat(failing.get(0).json.path("termination").path("outcome").asText()).as(failing.get(0).raw).isEqualTo("failed");
            assertThat(failing.get(0).json.path("termination").toString()).contains(FailingThenExitingDriver.FAILURE);
            assertThat(healthy.get(0).json.path("termination").path("outcome").asText()).as(healthy.get(0).raw).isEqualTo("stopped");
        }
    }

    /** A Spark 3.5 driver JVM running {@code main} with the packaged listener, sending to {@code topic}. */
    private static SparkDriverJvm driver(Class<?> main, String topic) throws Exception {
        Path work = Files.createTempDirectory(Paths.get("target").toAbsolutePath(), topic);
        Map<String, String> conf = TestSpark.driverJvmConf(broker.bootstrapServers(), topic, work.resolve("checkpoints"));
        conf.put("spark.streamops.shutdown.flush.timeout", "10s");
        return new SparkDriverJvm(SparkDriverJvm.sparkClasspath(Paths.get(".."), "3.5.7_2.12"),
                Paths.get(System.getProperty("listener.jars"), "streamops-listener_2.12.jar"), main, work, conf);
    }

    /** Waits for the driver's queries to start and make progress; their ids by name. */
    private static Map<String, String> awaitRunning(EventTopic events, SparkDriverJvm driver, String... names) throws Exception {
        driver.await("STARTED", WAIT);
        Map<String, String> ids = new LinkedHashMap<>();
        for (String name : names) {
            ids.put(name, events.await("started event of " + name, WAIT,
                    m -> m.type().equals("started") && name.equals(m.queryName())).queryId());
        }
        for (String id : ids.values()) {
            events.await("progress of " + id, WAIT, m -> m.type().equals("progress") && m.queryId().equals(id));
        }
        return ids;
    }
}
