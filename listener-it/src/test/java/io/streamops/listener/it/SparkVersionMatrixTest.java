package io.streamops.listener.it;

import io.streamops.listener.it.matrix.MatrixDriver;
import io.streamops.testkit.KafkaTestBroker;
import io.streamops.testkit.Ports;
import io.streamops.testkit.Promtool;
import io.streamops.testkit.SparkDriverJvm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The version matrix: the packaged listener jar on every Spark line users run, each a real local driver
 * in its own JVM with that version's jars from Maven Central (resolved by {@code listener-matrix/}),
 * the jar of the matching Scala version attached by configuration only, one shared KRaft broker and
 * the real promtool. Versions run one after another.
 *
 * <p>Per version: started, progress, heartbeat (with the query's status, reached through Spark internals
 * that move between versions) and terminated for each of five queries (named, unnamed, stateful
 * with a watermark, failing, idle); idle events from 3.5 on (before 3.5 an idle query reports no-data
 * progress instead); the failure's exception text, and its error class where Spark has one (3.5+);
 * every message schema-valid and keyed by its query id; the endpoint promtool-clean with per-query
 * labels; the unreadable counter at 0; {@code spark.stop()} returning and the JVM exiting.
 */
class SparkVersionMatrixTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String FAILURE = "matrix_no_such_column";
    private static final List<String> NAMED = List.of("matrix_named", "matrix_stateful", "matrix_failing", "matrix_idle");
    private static KafkaTestBroker broker;
    private static SchemaCheck schema;

    @BeforeAll
    static void start() throws Exception {
        broker = KafkaTestBroker.started();
        schema = new SchemaCheck();
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @ParameterizedTest(name = "Spark {0}")
    @ValueSource(strings = {"3.3.4_2.12", "3.4.4_2.12", "3.5.7_2.12", "3.5.7_2.13", "4.0.1_2.13", "4.1.1_2.13"})
    void theListenerReportsEveryQueryOn(String version) throws Exception {
        String sparkVersion = version.substring(0, version.indexOf('_'));
        String scala = version.substring(version.indexOf('_') + 1);
        boolean from35 = compare(sparkVersion, "3.5") >= 0;
        String topic = "matrix-" + version.replace('.', '-');
        int port = Ports.free();
        Path work = Paths.get("target", "matrix", version).toAbsolutePath();
        deleteRecursively(work); // named queries would resume from an earlier run's checkpoints
        Files.createDirectories(work);

        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("spark.sql.streaming.streamingQueryListeners", "io.streamops.listener.StreamOpsListener");
        conf.put("spark.driver.host", "127.0.0.1");
        conf.put("spark.driver.bindAddress", "127.0.0.1");
        conf.put("spark.ui.enabled", "false");
        conf.put("spark.sql.shuffle.partitions", "2");
        conf.put("spark.sql.streaming.noDataProgressEventInterval", "1s");
        conf.put("spark.sql.streaming.checkpointLocation", work.resolve("checkpoints").toString());
        conf.put("spark.streamops.kafka.bootstrap.servers", broker.bootstrapServers());
        conf.put("spark.streamops.kafka.topic", topic);
        conf.put("spark.streamops.job", "matrix");
        conf.put("spark.streamops.heartbeat.interval", "1s");
        conf.put("spark.streamops.prometheus.port", String.valueOf(port));
        conf.put("spark.streamops.prometheus.host", "127.0.0.1");

        long began = System.nanoTime();
        try (EventTopic events = new EventTopic(broker.bootstrapServers(), topic);
             SparkDriverJvm driver = new SparkDriverJvm(SparkDriverJvm.sparkClasspath(Paths.get(".."), version), listenerJar(scala),
                     MatrixDriver.class, work, conf)) {
            driver.await("STARTED", WAIT);
            Map<String, String> ids = new LinkedHashMap<>();
            for (String name : NAMED) {
                ids.put(name, events.await("started event of " + name, WAIT,
                        m -> m.type().equals("started") && name.equals(m.queryName())).queryId());
            }
            ids.put("unnamed", events.await("started event of the unnamed query", WAIT,
                    m -> m.type().equals("started") && m.queryName() == null).queryId());
            assertThat(ids.values()).doesNotHaveDuplicates();

            for (String name : List.of("matrix_named", "unnamed", "matrix_stateful", "matrix_failing")) {
                events.await("progress of " + name, WAIT, m -> m.type().equals("progress") && m.queryId().equals(ids.get(name)));
            }
            events.await("progress of the stateful query with state and a watermark", WAIT,
                    m -> m.type().equals("progress") && m.queryId().equals(ids.get("matrix_stateful"))
                            && m.json.path("progress").path("stateOperators").size() > 0
                            && m.json.path("progress").path("eventTime").has("watermark"));
            events.await("heartbeat of matrix_named with the query's status and trigger", WAIT,
                    m -> m.type().equals("heartbeat") && m.queryId().equals(ids.get("matrix_named"))
                            && m.json.path("heartbeat").path("status").has("message")
                            && m.json.path("heartbeat").path("triggerIntervalMs").asLong() == 200);
            String idleId = ids.get("matrix_idle");
            if (from35) {
                events.await("idle event of matrix_idle", WAIT, m -> m.type().equals("idle") && m.queryId().equals(idleId));
            } else {
                // Before 3.5 Spark has no idle callback: an idle query reports progress without input.
                events.await("no-data progress of matrix_idle", WAIT, m -> m.type().equals("progress")
                        && m.queryId().equals(idleId) && m.json.path("progress").path("numInputRows").asLong(-1) == 0);
            }

            EventTopic.Message failed = events.await("terminated event of matrix_failing", WAIT,
                    m -> m.type().equals("terminated") && m.queryId().equals(ids.get("matrix_failing")));
            assertThat(failed.json.path("termination").path("outcome").asText()).isEqualTo("failed");
            assertThat(failed.json.path("termination").path("exception").asText()).contains(FAILURE);
            assertThat(failed.json.path("app").path("sparkVersion").asText()).isEqualTo(sparkVersion);
            if (from35) {
                assertThat(failed.json.path("termination").path("errorClassOnException").asText(""))
                        .as("the error class Spark %s gives", sparkVersion).isNotEmpty();
            } else {
                assertThat(failed.json.path("termination").path("errorClassOnException").isNull()
                        || failed.json.path("termination").path("errorClassOnException").isMissingNode())
                        .as("no error class before 3.5").isTrue();
            }

            String running = Scrape.metrics(port);
            assertThat(Promtool.checkMetrics(running)).as("promtool on Spark %s", version).isEmpty();
            for (String name : List.of("matrix_named", "matrix_stateful", "matrix_idle")) {
                assertThat(Scrape.lines(running, "streamops_query_batch_id", "query=\"" + name + "\"", "query_id=\"" + ids.get(name) + "\""))
                        .as("per-query series of %s", name).isNotEmpty();
            }
            assertThat(Scrape.lines(running, "streamops_query_batch_id", "query=\"" + ids.get("unnamed") + "\"", "query_id=\"" + ids.get("unnamed") + "\""))
                    .as("the unnamed query is labelled by its id").isNotEmpty();
            assertNothingUnreadable(running, version);

            driver.send("STOP");
            driver.await("QUERIES_STOPPED", WAIT);
            for (Map.Entry<String, String> query : ids.entrySet()) {
                EventTopic.Message terminated = events.await("terminated event of " + query.getKey(), WAIT,
                        m -> m.type().equals("terminated") && m.queryId().equals(query.getValue()));
                if (!query.getKey().equals("matrix_failing")) {
                    assertThat(terminated.json.path("termination").path("outcome").asText()).isEqualTo("stopped");
                }
            }
            assertNothingUnreadable(Scrape.metrics(port), version);

            driver.send("EXIT");
            String stopped = driver.await("SPARK_STOPPED", Duration.ofSeconds(60));
            assertThat(driver.awaitExit(Duration.ofSeconds(60))).as("driver exit code").isZero();
            // A Spark API the jar was compiled against but this version lacks shows up as a linkage error, logged
            // (and survived) on a listener or heartbeat thread: any of them fails the version.
            assertThat(driver.log()).as("driver log of Spark %s", version)
                    .doesNotContain("NoSuchMethodError").doesNotContain("NoSuchFieldError").doesNotContain("NoClassDefFoundError")
                    .doesNotContain("VerifyError").doesNotContain("AbstractMethodError").doesNotContain("IncompatibleClassChangeError")
                    .doesNotContain("could not read");

            List<EventTopic.Message> all = events.all();
            for (EventTopic.Message m : all) {
                assertThat(schema.errors(m.raw)).as("schema errors in %s", m.raw).isEmpty();
                assertThat(m.key).as("key of %s", m.raw).isEqualTo(m.queryId());
            }
            System.out.printf("matrix Spark %s: %d messages, spark.stop() %s ms, %d s for the version%n", version, all.size(),
                    stopped.substring("SPARK_STOPPED ".length()), (System.nanoTime() - began) / 1_000_000_000L);
        }
    }

    private static void assertNothingUnreadable(String exposition, String version) {
        List<String> unreadable = Scrape.lines(exposition, "streamops_listener_events_dropped_total", "reason=\"unreadable\"");
        assertThat(unreadable).as("the unreadable counter is exposed").isNotEmpty();
        assertThat(unreadable.stream().map(l -> l.substring(l.lastIndexOf(' ') + 1)).map(Double::parseDouble).collect(Collectors.toList()))
                .as("events Spark %s gave that the listener could not read: %s", version, unreadable)
                .allMatch(v -> v == 0.0);
    }

    private static void deleteRecursively(Path dir) throws java.io.IOException {
        if (Files.exists(dir)) {
            try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
                for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).collect(Collectors.toList())) {
                    Files.delete(p);
                }
            }
        }
    }

    private static Path listenerJar(String scala) {
        Path jar = Paths.get(System.getProperty("listener.jars"), "streamops-listener_" + scala + ".jar");
        assertThat(jar).exists();
        return jar;
    }

    private static int compare(String version, String than) {
        String[] a = version.split("\\.");
        String[] b = than.split("\\.");
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            int c = Integer.compare(Integer.parseInt(a[i]), Integer.parseInt(b[i]));
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
