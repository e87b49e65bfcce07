package io.streamops.exporter.streams;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamops.exporter.alert.AlertPhase;
import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.alert.RuleStage;
import io.streamops.exporter.event.EventParser;
import io.streamops.exporter.query.QueryCadence;
import io.streamops.exporter.query.QueryEvaluation;
import io.streamops.exporter.query.StatusPolicy;
import io.streamops.exporter.rules.InvalidRulesException;
import io.streamops.exporter.rules.RulesLoader;
import io.streamops.exporter.signals.Signals;
import io.streamops.exporter.support.Json;
import io.streamops.testkit.Await;
import io.streamops.testkit.KafkaTestBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 7, finding 4, on a real broker with real Kafka Streams: an exporter that was down for two minutes
 * while drivers kept sending comes back to a backlog, and must not page DriverLost for the queries whose
 * heartbeats kept coming. The second exporter runs on a clock two minutes ahead ({@link KafkaStreams}
 * takes a {@link Time}), which is what two minutes down looks like to it, without the test waiting two
 * minutes. Its backlog starts with many events of another query, so its first once-a-second pass runs
 * long before it reaches the heartbeats: judging then is what paged falsely.
 */
class RestartWithBacklogTest {
    private static final int QUERIES = 25;
    private static final int BULK = 60_000;
    private static final Duration DOWN = Duration.ofMinutes(2);
    private static KafkaTestBroker broker;

    @TempDir
    Path stateDir;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = KafkaTestBroker.started();
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("events", 2, (short) 1), new NewTopic("alerts", 1, (short) 1))).all().get();
        }
    }

    @AfterAll
    static void stopBroker() {
        broker.close();
    }

    @Test
    void anExporterBackAfterTwoMinutesDownPagesNoDriverLostForQueriesThatKeptHeartbeating() throws Exception {
        List<TestEvents> queries = new ArrayList<>();
        for (int i = 0; i < QUERIES; i++) {
            queries.add(new TestEvents("grocery-alerts", "q-" + i, "run-" + i, "orders-" + i));
        }
        // Its driver died while the exporter was down: the one query that must page once judging resumes.
        TestEvents lost = new TestEvents("grocery-alerts", "q-lost", "run-lost", "lost");
        TestEvents bulk = new TestEvents("grocery-alerts", "q-bulk", "run-bulk", "bulk");
        Instant start = Instant.now();
        try (KafkaProducer<String, byte[]> producer = producer()) {
            // Exporter A, on the real clock: every query starts and beats once.
            SimpleMeterRegistry metersA = new SimpleMeterRegistry();
            try (KafkaStreams a = exporter("a", metersA, Time.SYSTEM, new LatestSignals())) {
                a.start();
                for (TestEvents q : queries) {
                    send(producer, q, q.started(start));
                    send(producer, q, q.heartbeat(0, start, false, true));
                }
                send(producer, lost, lost.started(start));
                send(producer, lost, lost.heartbeat(0, start, false, true));
                producer.flush();
                long sentToA = 2L * QUERIES + 2;
                Await.until("exporter A to read every start", Duration.ofSeconds(60),
                        () -> metersA.get("streamops.exporter.events.consumed").counter().count() >= sentToA);
                Await.until("exporter A to save them", Duration.ofSeconds(60),
                        () -> metersA.get("streamops.exporter.state.saves").counter().count() >= QUERIES + 1);
            }

            // Two minutes down. The drivers kept sending: first a burst of another query's progress, then a
            // heartbeat every 10 s from each of the 25 queries; nothing more from the lost one.
            for (int i = 0; i < BULK; i++) {
                send(producer, bulk, bulk.progress(i, start.plusMillis(i), 100, 100, 0));
            }
            for (int beat = 1; beat <= DOWN.toSeconds() / 10; beat++) {
                for (TestEvents q : queries) {
                    send(producer, q, q.heartbeat(beat, start.plusSeconds(beat * 10L), false, true));
                }
            }
            producer.flush();
        }

        // Exporter B, on a clock two minutes on: what it saw last of every query is two minutes old.
        SimpleMeterRegistry metersB = new SimpleMeterRegistry();
        Time twoMinutesOn = new ShiftedTime(DOWN.toMillis());
        LatestSignals seen = new LatestSignals(Clock.offset(Clock.systemUTC(), DOWN).withZone(ZoneOffset.UTC));
        long backlog = BULK + (DOWN.toSeconds() / 10) * QUERIES;
        // The drivers go on beating every 10 s while B catches up, stamped on their own clocks, which agree
        // with B's.
        java.util.concurrent.ScheduledExecutorService drivers = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        KafkaProducer<String, byte[]> live = producer();
        java.util.concurrent.atomic.AtomicLong sequence = new java.util.concurrent.atomic.AtomicLong(DOWN.toSeconds() / 10);
        drivers.scheduleAtFixedRate(() -> {
            long beat = sequence.incrementAndGet();
            Instant at = Instant.now().plus(DOWN);
            for (TestEvents q : queries) {
                send(live, q, q.heartbeat(beat, at, false, true));
            }
        }, 0, 10, java.util.concurrent.TimeUnit.SECONDS);
        try (KafkaStreams b = exporter("b", metersB, twoMinutesOn, seen)) {
            b.start();
            Await.until("exporter B to read its backlog", Duration.ofSeconds(120),
                    () -> metersB.get("streamops.exporter.events.consumed").counter().count() >= backlog);
            double passes = metersB.get("streamops.exporter.evaluation.pass").timer().count();
            Await.until("three more passes", Duration.ofSeconds(30),
                    () -> metersB.get("streamops.exporter.evaluation.pass").timer().count() >= passes + 3);
            List<Signals> all = seen.all();
            assertThat(all).filteredOn(s -> s.queryId().startsWith("q-") && !s.queryId().equals("q-lost")
                    && !s.queryId().equals("q-bulk")).hasSize(QUERIES)
                    .allSatisfy(s -> assertThat(s.status().wireName()).isEqualTo("active"));
        } finally {
            drivers.shutdownNow();
            live.close(Duration.ofSeconds(5));
        }

        List<AlertTransition> transitions = alerts();
        assertThat(transitions).filteredOn(t -> t.rule().equals("DriverLost") && !t.labels().get("query_id").equals("q-lost"))
                .as("DriverLost for queries whose heartbeats kept coming").isEmpty();
        assertThat(transitions).filteredOn(t -> t.rule().equals("DriverLost"))
                .as("the query whose driver died while the exporter was down is paged once judging resumes")
                .singleElement().satisfies(t -> {
                    assertThat(t.labels()).containsEntry("query_id", "q-lost");
                    assertThat(t.phase()).isEqualTo(AlertPhase.FIRING);
                });
    }

    private KafkaStreams exporter(String name, SimpleMeterRegistry meters, Time time, LatestSignals latest)
            throws InvalidRulesException {
        RuleStage rules = new RuleStage(RulesLoader.load(Path.of("..", "alert-rules", "streamops-rules.yaml")));
        Properties p = new Properties();
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, "restart-with-backlog");
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(name).toString());
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
        p.put(StreamsConfig.CLIENT_ID_CONFIG, "restart-with-backlog-" + name);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG), 6000);
        p.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), "restart-with-backlog-instance");
        return new KafkaStreams(ExporterTopology.build("events", "alerts", new EventParser(64 * 1024),
                new QueryEvaluation(StatusPolicy.DEFAULT, () -> rules, errors -> {
                    throw new AssertionError("rule errors: " + errors);
                }), new ExporterMetrics(meters), QueryCadence.DEFAULT, latest), p, time);
    }

    private static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024),
                new StringSerializer(), new ByteArraySerializer());
    }

    private static void send(KafkaProducer<String, byte[]> producer, TestEvents query, byte[] event) {
        producer.send(new ProducerRecord<>("events", query.queryId(), event));
    }

    private static List<AlertTransition> alerts() throws Exception {
        List<AlertTransition> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition("alerts", 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            while (consumer.position(partition) < end) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    out.add(Json.MAPPER.readValue(r.value(), AlertTransition.class));
                }
            }
        }
        return out;
    }

    /** The system clock moved on by a fixed amount: an instance started that much later. */
    private static final class ShiftedTime implements Time {
        private final long shiftMillis;

        ShiftedTime(long shiftMillis) {
            this.shiftMillis = shiftMillis;
        }

        @Override
        public long milliseconds() {
            return System.currentTimeMillis() + shiftMillis;
        }

        @Override
        public long nanoseconds() {
            return System.nanoTime() + shiftMillis * 1_000_000;
        }

        @Override
        public void sleep(long ms) {
            Time.SYSTEM.sleep(ms);
        }

        @Override
        public void waitObject(Object obj, Supplier<Boolean> condition, long deadlineMs) throws InterruptedException {
            synchronized (obj) {
                while (!condition.get()) {
                    long left = deadlineMs - milliseconds();
                    if (left <= 0) {
                        throw new org.apache.kafka.common.errors.TimeoutException("condition not met before the deadline");
                    }
                    obj.wait(left);
                }
            }
        }
    }
}
