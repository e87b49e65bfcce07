package io.streamops.listener.it;

import io.streamops.listener.it.driver.ExitingDriver;
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
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 7, finding 6: a driver JVM that exits with its queries running (no stop(), no spark.stop()).
 * Spark's shutdown hook stops the queries and posts their terminated events while the JVM is going
 * down; the listener must forward them within {@code shutdown.flush.timeout}, or the exporter takes
 * those queries for lost drivers. A real driver in its own JVM, a real broker.
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
        Path work = Files.createTempDirectory(Paths.get("target").toAbsolutePath(), "exiting-driver");
        Map<String, String> conf = TestSpark.driverJvmConf(broker.bootstrapServers(), topic, work.resolve("checkpoints"));
        conf.put("spark.streamops.shutdown.flush.timeout", "10s");

        try (EventTopic events = new EventTopic(broker.bootstrapServers(), topic);
             SparkDriverJvm driver = new SparkDriverJvm(SparkDriverJvm.sparkClasspath(Paths.get(".."), "3.5.7_2.12"),
                     Paths.get(System.getProperty("listener.jars"), "streamops-listener_2.12.jar"), ExitingDriver.class, work, conf)) {
            driver.await("STARTED", WAIT);
            Map<String, String> ids = new LinkedHashMap<>();
            for (String name : new String[] {"exiting_a", "exiting_b"}) {
                ids.put(name, events.await("started event of " + name, WAIT,
                        m -> m.type().equals("started") && name.equals(m.queryName())).queryId());
            }

            for (String id : ids.values()) {
                events.await("progress of " + id, WAIT, m -> m.type().equals("progress") && m.queryId().equals(id));
            }
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
}
