package io.streamops.listener.it;

import io.streamops.listener.it.EventTopic.Message;
import io.streamops.testkit.Await;
import io.streamops.testkit.KafkaTestBroker;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * The broker is down when the job starts, comes up, crashes mid-run (SIGKILL) and comes back. The
 * job never notices; Spark's listener queue drops nothing; lifecycle events survive the outages;
 * delivery resumes each time; and spark.stop() returns with the broker gone.
 */
class BrokerFaultsTest {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static KafkaTestBroker broker;
    private static EventTopic events;

    @AfterAll
    static void cleanUp() throws Exception {
        TestSpark.closeAll(null, events, broker);
    }

    @Test
    void theJobRunsThroughBrokerOutagesAndDeliveryResumes() throws Exception {
        broker = new KafkaTestBroker(); // formatted, not started: nothing listens on its port yet
        SparkSession spark = TestSpark.start("broker-faults", broker.bootstrapServers(), Map.of());
        StreamingQuery query = spark.readStream().format("rate-micro-batch").option("rowsPerBatch", "50").load()
                .writeStream().format("noop").queryName("fault-tolerant")
                .trigger(Trigger.ProcessingTime(100)).start();
        String runId = query.runId().toString();

        // Broker down from the start: batches keep coming, metrics keep being served, Spark drops nothing.
        awaitBatches(query, 30);
        // The started event is retried (and counted) while progress waits behind it in the outbox.
        Await.until("the listener to count failed attempts and hold events", WAIT, () -> {
            String s = scrape();
            return Scrape.value(s, "streamops_listener_events_failed_total", "type=\"started\"").orElse(0) > 0
                    && Scrape.value(s, "streamops_listener_buffer_events", "stage=\"outbox\"").orElse(0) > 0;
        });
        assertThat(Scrape.value(scrape(), "streamops_query_batch_id", "query=\"fault-tolerant\"").orElse(-1)).isGreaterThanOrEqualTo(20);
        assertThat(droppedByListenerBus(spark)).as("events Spark's streams queue dropped").isZero();

        // The broker comes up: the started event, held through the outage, arrives; so does new progress.
        broker.start();
        events = new EventTopic(broker.bootstrapServers(), "streamops-events");
        long atStart = query.lastProgress().batchId();
        events.await("the started event, sent once the broker came up", WAIT,
                m -> m.type().equals("started") && runId.equals(m.json.path("query").path("runId").asText()));
        events.await("progress after the broker came up", WAIT, m -> isProgressAfter(m, runId, atStart));

        // The broker crashes mid-run and returns: the job goes on meanwhile, delivery resumes after.
        broker.kill();
        long atKill = query.lastProgress().batchId();
        awaitBatches(query, atKill + 20);
        assertThat(query.isActive()).isTrue();
        broker.start();
        long atRestart = query.lastProgress().batchId();
        events.await("progress after the broker restarted", WAIT, m -> isProgressAfter(m, runId, atRestart));

        query.stop();
        events.await("the terminated event", WAIT,
                m -> m.type().equals("terminated") && runId.equals(m.json.path("query").path("runId").asText()));
        assertThat(events.matching(m -> m.type().equals("started") && runId.equals(m.json.path("query").path("runId").asText())))
                .as("started events of this run").hasSize(1);
        assertThat(droppedByListenerBus(spark)).as("events Spark's streams queue dropped").isZero();

        // With the broker gone for good, stopping Spark still returns (the naive listener never does).
        broker.kill();
        assertTimeoutPreemptively(Duration.ofSeconds(60), spark::stop);
    }

    private static boolean isProgressAfter(Message m, String runId, long batchId) {
        return m.type().equals("progress") && runId.equals(m.json.path("query").path("runId").asText())
                && m.json.path("signals").path("batchId").asLong() > batchId;
    }

    private static void awaitBatches(StreamingQuery query, long batchId) {
        Await.until("batch " + batchId + " of " + query.name(), WAIT,
                () -> query.lastProgress() != null && query.lastProgress().batchId() >= batchId);
    }

    private static String scrape() {
        try {
            return Scrape.metrics();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Spark's own count of events its "streams" listener queue had to drop (for every listener). */
    static long droppedByListenerBus(SparkSession spark) {
        return spark.sparkContext().listenerBus().metrics().metricRegistry()
                .counter("queue.streams.numDroppedEvents").getCount();
    }
}
