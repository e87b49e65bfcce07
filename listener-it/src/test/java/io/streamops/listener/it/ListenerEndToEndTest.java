package io.streamops.listener.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamops.listener.it.EventTopic.Message;
import io.streamops.testkit.Await;
import io.streamops.testkit.KafkaTestBroker;
import io.streamops.testkit.Promtool;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.window;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Five queries at once in one real Spark driver with the shaded listener attached by configuration,
 * a real broker: a Kafka-source query that is behind, an unnamed query, a stateful watermark query, a
 * failing query and an idle one. Checks what reaches the events topic and the Prometheus endpoint.
 */
class ListenerEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int RECORDS = 30_000;

    private static KafkaTestBroker broker;
    private static SparkSession spark;
    private static EventTopic events;

    @BeforeAll
    static void start() throws Exception {
        broker = KafkaTestBroker.started();
        try (AdminClient admin = AdminClient.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("purchases", 3, (short) 1), new NewTopic("idle-topic", 3, (short) 1),
                    new NewTopic("streamops-events", 3, (short) 1))).all().get();
        }
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrapServers());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>("purchases", "shopper-" + (i % 97),
                        "{\"shopper\":\"s" + i + "\",\"product\":\"cough syrup\",\"quantity\":" + (i % 15) + "}"));
            }
        }
        events = new EventTopic(broker.bootstrapServers(), "streamops-events");
        spark = TestSpark.start("listener-e2e", broker.bootstrapServers(), Map.of(
                "spark.sql.streaming.noDataProgressEventInterval", "1000",
                "spark.streamops.metrics.terminated.grace", "15s",
                "spark.streamops.metrics.partitions.enabled", "true",
                "spark.streamops.job", "grocery-alerts"));
    }

    @AfterAll
    static void stop() throws Exception {
        TestSpark.closeAll(spark, events, broker);
    }

    @Test
    void everyQueryIsReportedToKafkaAndPrometheus() throws Exception {
        StreamingQuery behind = spark.readStream().format("kafka")
                .option("kafka.bootstrap.servers", broker.bootstrapServers())
                .option("subscribe", "purchases")
                .option("startingOffsets", "earliest")
                .option("maxOffsetsPerTrigger", "3000")
                .load()
                .writeStream().format("noop").queryName("purchases-behind")
                .option("checkpointLocation", TestSpark.checkpoint("behind"))
                .trigger(Trigger.ProcessingTime(300)).start();
        StreamingQuery unnamed = spark.readStream().format("rate-micro-batch").option("rowsPerBatch", "100").load()
                .writeStream().format("noop").trigger(Trigger.ProcessingTime(300)).start();
        StreamingQuery windowed = spark.readStream().format("rate").option("rowsPerSecond", "50").load()
                .withWatermark("timestamp", "2 seconds")
                .groupBy(window(col("timestamp"), "2 seconds")).count()
                .writeStream().format("noop").outputMode("append").queryName("windowed-counts")
                .option("checkpointLocation", TestSpark.checkpoint("windowed"))
                .trigger(Trigger.ProcessingTime(500)).start();
        StreamingQuery failing = spark.readStream().format("rate-micro-batch").option("rowsPerBatch", "10").load()
                .writeStream().queryName("audit-writer")
                .foreachBatch((VoidFunction2<Dataset<Row>, Long>) (batch, id) -> {
                    if (id >= 2) {
                        batch.select("no_such_column").count();
                    }
                })
                .trigger(Trigger.ProcessingTime(300)).start();
        StreamingQuery idle = spark.readStream().format("kafka")
                .option("kafka.bootstrap.servers", broker.bootstrapServers())
                .option("subscribe", "idle-topic")
                .option("startingOffsets", "latest")
                .load()
                .writeStream().format("noop").queryName("idle-watcher")
                .option("checkpointLocation", TestSpark.checkpoint("idle"))
                .trigger(Trigger.ProcessingTime(500)).start();

        String behindId = behind.id().toString();
        String unnamedId = unnamed.id().toString();

        // The failing query: terminated with Spark's exception text and error class.
        Message failed = events.await("audit-writer to fail", WAIT,
                m -> m.type().equals("terminated") && m.queryId().equals(failing.id().toString()));
        assertThat(failed.queryName()).isEqualTo("audit-writer");
        JsonNode termination = failed.json.path("termination");
        assertThat(termination.path("outcome").asText()).isEqualTo("failed");
        assertThat(termination.path("errorClassOnException").asText()).isEqualTo("UNRESOLVED_COLUMN.WITH_SUGGESTION");
        assertThat(termination.path("exceptionMessage").asText()).contains("no_such_column").doesNotContain("\n");
        assertThat(termination.path("exception").asText()).contains("\tat ");
        String afterFailure = awaitMetric("failed status of audit-writer", "streamops_query_status", "query=\"audit-writer\"",
                "status=\"failed\"} 1.0");
        assertThat(Scrape.value(afterFailure, "streamops_query_status", "query=\"audit-writer\"", "status=\"active\"")).hasValue(0.0);

        // The Kafka source is behind: the listener's figures agree with the broker's own end offsets.
        Message lagging = events.await("a progress event of purchases-behind with records behind", WAIT,
                m -> m.type().equals("progress") && "purchases-behind".equals(m.queryName())
                        && m.json.path("signals").path("recordsBehindLatest").asLong(0) > 0);
        Map<Integer, Long> brokerEnd = endOffsets("purchases", 3);
        JsonNode source = lagging.json.path("signals").path("sources").get(0);
        long sum = 0;
        assertThat(source.path("partitions")).hasSize(3);
        for (JsonNode partition : source.path("partitions")) {
            int number = partition.path("partition").asInt();
            assertThat(partition.path("topic").asText()).isEqualTo("purchases");
            assertThat(partition.path("latestOffset").asLong()).as("latest offset of partition %d", number)
                    .isEqualTo(brokerEnd.get(number));
            assertThat(partition.path("recordsBehind").asLong())
                    .isEqualTo(brokerEnd.get(number) - partition.path("endOffset").asLong());
            sum += partition.path("recordsBehind").asLong();
        }
        assertThat(source.path("recordsBehindLatest").asLong()).isEqualTo(sum);
        assertThat(lagging.json.path("signals").path("recordsBehindLatest").asLong()).isEqualTo(sum);
        assertThat(lagging.key).isEqualTo(behindId);
        // ... and catches up: records behind reaches 0 once every record is read.
        events.await("purchases-behind to catch up", WAIT, m -> m.type().equals("progress")
                && "purchases-behind".equals(m.queryName())
                && m.json.path("signals").path("recordsBehindLatest").asLong(-1) == 0
                && m.json.path("progress").path("numInputRows").asLong() > 0);

        // The idle query: idle events, and heartbeats that say no data and no trigger running.
        Message idleEvent = events.await("an idle event for idle-watcher", WAIT,
                m -> m.type().equals("idle") && "idle-watcher".equals(m.queryName()));
        // A heartbeat taken once Spark has declared the query idle (earlier ones may catch it starting up).
        java.time.Instant idleSince = java.time.Instant.parse(idleEvent.json.path("timestamp").asText());
        Message idleBeat = events.await("a heartbeat of idle-watcher after it went idle", WAIT,
                m -> m.type().equals("heartbeat") && "idle-watcher".equals(m.queryName())
                        && m.json.path("heartbeat").path("status").isObject()
                        && java.time.Instant.parse(m.json.path("timestamp").asText()).isAfter(idleSince));
        assertThat(idleBeat.json.path("heartbeat").path("triggerIntervalMs").asLong()).isEqualTo(500);
        assertThat(idleBeat.json.path("heartbeat").path("intervalMs").asLong()).as("the configured heartbeat.interval").isEqualTo(1000);
        assertThat(idleBeat.json.path("heartbeat").path("status").path("isDataAvailable").asBoolean()).isFalse();
        assertThat(idleBeat.json.path("heartbeat").path("listenerEventsDropped").isIntegralNumber()).isTrue();

        // The stateful query: a real watermark delay and state.
        Message watermarked = events.await("windowed-counts to have a watermark", WAIT,
                m -> m.type().equals("progress") && "windowed-counts".equals(m.queryName())
                        && m.json.path("signals").path("watermarkDelayMs").isNumber());
        assertThat(watermarked.json.path("progress").path("stateOperators")).isNotEmpty();
        assertThat(watermarked.json.path("signals").path("watermarkDelayMs").asLong()).isGreaterThanOrEqualTo(2000);

        // The unnamed query: name null on the wire, id as the query label in metrics.
        Message unnamedProgress = events.await("progress of the unnamed query", WAIT,
                m -> m.type().equals("progress") && m.queryId().equals(unnamedId));
        assertThat(unnamedProgress.json.path("query").path("name").isNull()).isTrue();

        awaitMetric("state rows of windowed-counts", "streamops_query_state_rows", "query=\"windowed-counts\"");
        awaitMetric("trigger-active flag of idle-watcher", "streamops_query_trigger_active", "query=\"idle-watcher\"");
        String scrape = awaitMetric("a watermark delay for windowed-counts", "streamops_query_watermark_delay_seconds",
                "query=\"windowed-counts\"");
        java.nio.file.Files.writeString(java.nio.file.Path.of("target", "e2e-scrape.txt"), scrape);
        assertThat(Scrape.value(scrape, "streamops_query_watermark_delay_seconds", "query=\"windowed-counts\"").getAsDouble())
                .isGreaterThanOrEqualTo(2.0);
        assertThat(Promtool.checkMetrics(scrape)).as("promtool check metrics").isEmpty();
        assertThat(Scrape.lines(scrape, "streamops_query_input_rows_total", "query=\"" + unnamedId + "\"", "query_id=\"" + unnamedId + "\""))
                .isNotEmpty();
        assertThat(Scrape.lines(scrape, "streamops_query_batch_phase_duration_seconds", "query=\"purchases-behind\"", "phase=\"addBatch\""))
                .isNotEmpty();
        assertThat(Scrape.lines(scrape, "streamops_query_partition_records_behind_latest", "topic=\"purchases\"", "partition=\"2\""))
                .isNotEmpty();
        assertThat(Scrape.lines(scrape, "streamops_query_state_memory_bytes", "query=\"windowed-counts\"")).isNotEmpty();
        assertThat(Scrape.lines(scrape, "streamops_query_batch_duration_seconds", "job=\"grocery-alerts\"")).isNotEmpty();
        assertThat(Scrape.value(scrape, "streamops_listener_events_sent_total", "type=\"progress\"").orElse(0)).isGreaterThan(0);
        assertThat(scrape).doesNotContain(spark.sparkContext().applicationId());

        // Clean stops, then the stopped queries' series go away after the grace period.
        behind.stop();
        unnamed.stop();
        windowed.stop();
        idle.stop();
        Message stopped = events.await("purchases-behind terminated", WAIT,
                m -> m.type().equals("terminated") && m.queryId().equals(behindId));
        assertThat(stopped.json.path("termination").path("outcome").asText()).isEqualTo("stopped");
        assertThat(stopped.json.path("termination").path("exception").isNull()).isTrue();
        assertThat(stopped.queryName()).isEqualTo("purchases-behind");
        Await.until("stopped queries' series to be removed after the grace period", WAIT, () -> {
            try {
                return !Scrape.metrics().contains("query=\"purchases-behind\"");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        // Every message: valid against the schema, keyed by its query id, published once.
        events.await("windowed-counts terminated", WAIT,
                m -> m.type().equals("terminated") && m.queryId().equals(windowed.id().toString()));
        SchemaCheck schema = new SchemaCheck();
        List<Message> all = events.all();
        // Kept as a record of real listener output (the exporter's tests use a copy of one such run).
        java.nio.file.Files.write(java.nio.file.Path.of("target", "recorded-events.jsonl"),
                all.stream().map(m -> m.raw).collect(Collectors.toList()));
        Set<String> ids = new HashSet<>();
        Map<String, Integer> types = new HashMap<>();
        for (Message m : all) {
            assertThat(schema.errors(m.raw)).as("schema errors in %s", m.raw).isEmpty();
            assertThat(m.key).isEqualTo(m.queryId());
            assertThat(ids.add(m.json.path("eventId").asText())).as("published once: %s", m.json.path("eventId")).isTrue();
            assertThat(m.json.path("app").path("job").asText()).isEqualTo("grocery-alerts");
            assertThat(m.json.path("app").path("tags").path("env").asText()).isEqualTo("test");
            types.merge(m.type(), 1, Integer::sum);
        }
        assertThat(types.keySet()).containsExactlyInAnyOrder("started", "progress", "idle", "terminated", "heartbeat");
        assertThat(all.stream().filter(m -> m.type().equals("started")).map(Message::queryId).collect(Collectors.toSet()))
                .contains(behindId, unnamedId, windowed.id().toString(), failing.id().toString(), idle.id().toString());
    }

    /** Scrapes until a sample of {@code name} with all the fragments appears; returns that scrape. */
    private static String awaitMetric(String what, String name, String... fragments) {
        java.util.concurrent.atomic.AtomicReference<String> last = new java.util.concurrent.atomic.AtomicReference<>("");
        try {
            return Await.value(what, WAIT, () -> {
                try {
                    String s = Scrape.metrics();
                    last.set(s);
                    return Scrape.lines(s, name, fragments).isEmpty() ? null : s;
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last scrape:\n" + last.get(), e);
        }
    }

    private static Map<Integer, Long> endOffsets(String topic, int partitions) throws Exception {
        try (AdminClient admin = AdminClient.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            for (int i = 0; i < partitions; i++) {
                request.put(new TopicPartition(topic, i), OffsetSpec.latest());
            }
            Map<Integer, Long> result = new HashMap<>();
            admin.listOffsets(request).all().get().forEach((tp, info) -> result.put(tp.partition(), info.offset()));
            return result;
        }
    }
}
