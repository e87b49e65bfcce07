package io.streamops.listener.it;

import io.streamops.listener.StreamOpsListener;
import io.streamops.listener.agent.StreamOpsAgent;
import io.streamops.listener.it.EventTopic.Message;
import io.streamops.testkit.Await;
import io.streamops.testkit.KafkaTestBroker;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.window;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the listener lives inside Spark: many sessions (each builds its own listener instance, and a
 * stateful query's cloned session builds another mid-query), a second registration of the same
 * listener, and the plugin that hands our metrics to Spark's own metrics system.
 */
class SparkIntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static KafkaTestBroker broker;
    private static SparkSession spark;
    private static EventTopic events;

    @BeforeAll
    static void start() {
        broker = KafkaTestBroker.started();
        events = new EventTopic(broker.bootstrapServers(), "streamops-events");
        spark = TestSpark.builder("spark-integration", broker.bootstrapServers())
                .config("spark.plugins", "io.streamops.listener.StreamOpsPlugin")
                .config("spark.ui.enabled", "true")
                .config("spark.ui.port", "0")
                .config("spark.metrics.conf.*.sink.prometheusServlet.class", "org.apache.spark.metrics.sink.PrometheusServlet")
                .config("spark.metrics.conf.*.sink.prometheusServlet.path", "/metrics/prometheus")
                .getOrCreate();
    }

    @AfterAll
    static void stop() throws Exception {
        TestSpark.closeAll(spark, events, broker);
    }

    @Test
    void manySessionsAndListenerInstancesShareOneAgentAndPublishEachEventOnce() throws Exception {
        int port = StreamOpsAgent.current() == null ? -1 : StreamOpsAgent.current().prometheusPort();
        SparkSession other = spark.newSession();
        // The same listener registered a second time by hand, on top of the configured one.
        spark.streams().addListener(new StreamOpsListener());

        StreamingQuery stateful = other.readStream().format("rate").option("rowsPerSecond", "20").load()
                .withWatermark("timestamp", "1 second")
                .groupBy(window(col("timestamp"), "1 second")).count()
                .writeStream().format("noop").outputMode("append").queryName("other-session-stateful")
                .option("checkpointLocation", TestSpark.checkpoint("stateful"))
                .trigger(Trigger.ProcessingTime(300)).start();
        StreamingQuery plain = spark.readStream().format("rate-micro-batch").option("rowsPerBatch", "5").load()
                .writeStream().format("noop").queryName("main-session-plain").trigger(Trigger.ProcessingTime(200)).start();

        Await.until("both queries to run several batches", WAIT, () -> stateful.lastProgress() != null
                && stateful.lastProgress().batchId() >= 4 && plain.lastProgress() != null && plain.lastProgress().batchId() >= 4);
        assertThat(stateful.exception().isEmpty()).as("the stateful query survived its cloned session's listener").isTrue();
        stateful.stop();
        plain.stop();
        for (StreamingQuery q : List.of(stateful, plain)) {
            events.await("terminated of " + q.name(), WAIT,
                    m -> m.type().equals("terminated") && m.queryId().equals(q.id().toString()));
        }

        assertThat(StreamOpsAgent.current().prometheusPort()).as("one endpoint per JVM").isEqualTo(port > 0 ? port : StreamOpsAgent.current().prometheusPort());
        for (StreamingQuery q : List.of(stateful, plain)) {
            List<Message> mine = events.matching(m -> m.queryId().equals(q.id().toString()));
            assertThat(mine.stream().filter(m -> m.type().equals("started"))).hasSize(1);
            assertThat(mine.stream().filter(m -> m.type().equals("terminated"))).hasSize(1);
            List<String> ids = mine.stream().map(m -> m.json.path("eventId").asText()).collect(Collectors.toList());
            assertThat(ids).as("event ids of %s", q.name()).doesNotHaveDuplicates();
            assertThat(mine.stream().filter(m -> m.type().equals("progress"))).hasSizeGreaterThanOrEqualTo(4);
        }
    }

    /** Runs {@code wait}; on time-out, says what the servlet served last (the lines about plugins). */
    private static String awaitWithLast(java.util.concurrent.atomic.AtomicReference<String> last,
                                        java.util.function.Supplier<String> wait) {
        try {
            return wait.get();
        } catch (AssertionError e) {
            String plugin = last.get().lines().filter(l -> l.startsWith("HTTP") || l.toLowerCase().contains("plugin")).limit(20)
                    .collect(Collectors.joining("\n"));
            throw new AssertionError(e.getMessage() + "; plugin lines served:\n" + plugin
                    + "\n(" + last.get().length() + " characters in all)", e);
        }
    }

    @Test
    void thePluginPutsOurMetricsIntoSparksOwnMetricsSystem() throws Exception {
        StreamingQuery query = spark.readStream().format("rate-micro-batch").option("rowsPerBatch", "5").load()
                .writeStream().format("noop").queryName("via-spark-metrics").trigger(Trigger.ProcessingTime(200)).start();
        try {
            Await.until("a few batches", WAIT, () -> query.lastProgress() != null && query.lastProgress().batchId() >= 3);
            String ui = spark.sparkContext().uiWebUrl().get();
            HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
            java.util.concurrent.atomic.AtomicReference<String> last = new java.util.concurrent.atomic.AtomicReference<>("");
            String servlet = awaitWithLast(last, () -> Await.value("our gauges in Spark's PrometheusServlet", WAIT, () -> {
                try {
                    HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(ui + "/metrics/prometheus/")).build(),
                            HttpResponse.BodyHandlers.ofString());
                    String body = response.body();
                    last.set("HTTP " + response.statusCode() + "\n" + body);
                    // PrometheusServlet turns every non-alphanumeric character of a name into '_'.
                    return body.contains("StreamOpsPlugin") && body.contains("via_spark_metrics") ? body : null;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
            List<String> ours = servlet.lines().filter(l -> l.contains("StreamOpsPlugin") && l.contains("streamopsQueryBatchId")
                    && l.contains("via_spark_metrics")).collect(Collectors.toList());
            assertThat(ours).as("batch id gauge of the query through Spark's metrics system, among:\n%s",
                    servlet.lines().filter(l -> l.contains("via_spark_metrics")).limit(8).collect(Collectors.joining("\n")))
                    .isNotEmpty();
            // And in the Dropwizard registry itself, for any other reporter.
            assertThat(StreamOpsAgent.current().metrics().dropwizard().getGauges().keySet())
                    .anyMatch(name -> name.startsWith("streamopsQueryBatchId.") && name.contains("via-spark-metrics"));
        } finally {
            query.stop();
        }
    }

}
