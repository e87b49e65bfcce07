package io.streamops.exporter.it;

import io.streamops.testkit.PagerDutyContractServer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.streamops.exporter.support.Json;
import io.streamops.testkit.Await;
import io.streamops.testkit.ExporterConfigFile;
import io.streamops.testkit.ExporterProcess;
import io.streamops.testkit.KafkaTestBroker;
import io.streamops.testkit.Ports;
import io.streamops.testkit.Promtool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import io.streamops.exporter.streams.ExporterTopology;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two exporter processes share the events topic; one is killed (SIGKILL) after both own queries.
 * Every query then fails: each failure reaches the PagerDuty contract server exactly once, the
 * survivor having taken over the dead instance's partitions, state and alert state.
 */
class ExporterFailoverIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int QUERIES = 12;

    @Test
    void aKilledInstancesQueriesArePagedByTheSurvivorOnceEach(@TempDir Path dir) throws Exception {
        try (KafkaTestBroker broker = KafkaTestBroker.started();
             PagerDutyContractServer pagerDuty = new PagerDutyContractServer("routing-key-for-tests")) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("streamops-events", 6, (short) 1),
                        new NewTopic("streamops-alerts", 6, (short) 1))).all().get();
            }
            Path rules = dir.resolve("rules.yaml");
            Files.writeString(rules, """
                    rules:
                      - name: QueryFailed
                        expr: 'status == "failed"'
                        severity: critical
                        notify: [pagerduty]
                        annotations:
                          summary: '"Query " + query + " failed: " + exception_message'
                    """);
            Path jar = Path.of("target", "streamops-exporter.jar").toAbsolutePath();
            int portA = Ports.free();
            int portB = Ports.freeOtherThan(portA); // a may not have bound its port yet
            ExporterProcess a = start(jar, dir, "a", portA, broker, pagerDuty, rules);
            ExporterProcess b = start(jar, dir, "b", portB, broker, pagerDuty, rules);
            try {
                a.awaitReady(WAIT);
                b.awaitReady(WAIT);
                Properties p = new Properties();
                p.put("bootstrap.servers", broker.bootstrapServers());
                p.put("acks", "all");
                try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
                    for (int i = 0; i < QUERIES; i++) {
                        producer.send(new ProducerRecord<>("streamops-events", queryId(i), started(i).toString())).get();
                    }
                    Await.until("both instances to own some of the " + QUERIES + " queries", WAIT,
                            () -> count(a) > 0 && count(b) > 0 && count(a) + count(b) == QUERIES);
                    // Progress is saved by a later pass (QueryCadence), not with the event: wait until every
                    // query's progress is in the store, so what the survivor restores must include it.
                    for (int i = 0; i < QUERIES; i++) {
                        producer.send(new ProducerRecord<>("streamops-events", queryId(i), progress(i).toString())).get();
                    }
                    // A save is durable once the transaction carrying it commits (every 100 ms): so wait on the
                    // changelog itself, read as the instance that takes over restores it.
                    awaitProgressInChangelog(broker);

                    a.kill();
                    for (int i = 0; i < QUERIES; i++) {
                        producer.send(new ProducerRecord<>("streamops-events", queryId(i), failed(i).toString())).get();
                    }
                }
                Await.until("a page for every failed query", WAIT, () -> triggers(pagerDuty).size() >= QUERIES);
                // Give a duplicate the chance to show up: wait until the survivor has committed what it routed.
                Await.until("the survivor to own every query", WAIT, () -> count(b) == QUERIES);
                // The killed instance's queries came back from the changelog with their saved progress.
                JsonNode owned = Json.MAPPER.readTree(b.get("/api/queries").body());
                for (JsonNode q : owned) {
                    int i = Integer.parseInt(q.path("queryId").asText().substring(24));
                    assertThat(q.path("recordsBehind").asDouble()).as("records behind of query %d", i).isEqualTo(1000 + i);
                    assertThat(q.path("consecutiveFailures").asLong()).isEqualTo(1);
                }
                List<String> dedupKeys = triggers(pagerDuty).stream().map(e -> e.path("dedup_key").asText()).collect(Collectors.toList());
                assertThat(dedupKeys).doesNotHaveDuplicates().hasSize(QUERIES);
                assertThat(dedupKeys).allMatch(k -> k.startsWith("QueryFailed/"));
                assertThat(pagerDuty.violations()).isEmpty();
                // The survivor's /metrics: fleet series for every query, and clean for promtool.
                String metrics = b.get("/metrics").body();
                assertThat(metrics).contains("streamops_fleet_query_status{").contains("streamops_exporter_events_consumed_total");
                assertThat(metrics.lines().filter(l -> l.startsWith("streamops_fleet_query_consecutive_failures{"))).hasSize(QUERIES);
                assertThat(Promtool.checkMetrics(metrics)).as("promtool check metrics").isEmpty();
                // SIGTERM runs the whole close (commits, queue, data_dir) before the JVM halts.
                assertThat(b.stop(WAIT)).as("b exits after SIGTERM").isTrue();
                assertThat(b.log()).contains("exporter stopped: offsets committed");
            } finally {
                a.close();
                b.close();
            }
        }
    }

    private static ExporterProcess start(Path jar, Path dir, String name, int port, KafkaTestBroker broker,
                                         PagerDutyContractServer pd, Path rules) throws Exception {
        Path config = ExporterConfigFile.of(broker.bootstrapServers(), port, rules, dir.resolve("data-" + name))
                .kafkaProperty("session.timeout.ms", "6000").kafkaProperty("heartbeat.interval.ms", "1000")
                .pagerDuty(pd.baseUrl())
                .writeTo(dir.resolve(name + ".yaml"));
        return new ExporterProcess(jar, config, port, dir.resolve(name + ".log"),
                Map.of(ExporterConfigFile.ROUTING_KEY_ENV, "routing-key-for-tests"));
    }

    private static int count(ExporterProcess instance) {
        try {
            JsonNode queries = Json.MAPPER.readTree(instance.get("/api/queries").body());
            return queries.isArray() ? queries.size() : 0;
        } catch (Exception e) {
            return 0;
        }
    }

    private static List<JsonNode> triggers(PagerDutyContractServer pd) {
        List<JsonNode> out = new ArrayList<>();
        for (JsonNode e : pd.acceptedEvents()) {
            if (e.path("event_action").asText().equals("trigger")) {
                out.add(e);
            }
        }
        return out;
    }

    private static String queryId(int i) {
        return String.format("00000000-0000-0000-0000-%012d", i);
    }

    private static ObjectNode base(int i, String type, String eventId) {
        ObjectNode e = Json.MAPPER.createObjectNode();
        String now = Instant.now().toString();
        e.put("version", 1).put("type", type).put("eventId", "run-" + i + ":" + eventId).put("timestamp", now).put("emittedAt", now);
        e.putObject("app").put("id", "app-1").put("name", "grocery").put("job", "grocery-" + (i % 3)).put("host", "driver")
                .put("sparkVersion", "3.5.7").put("listenerVersion", "test").putObject("tags");
        e.putObject("query").put("id", queryId(i)).put("runId", "run-" + i).put("name", "query-" + i);
        return e;
    }

    private static ObjectNode started(int i) {
        return base(i, "started", "started");
    }

    private static ObjectNode progress(int i) {
        ObjectNode e = base(i, "progress", "progress:0");
        e.putObject("progress").put("batchId", 0);
        ObjectNode signals = e.putObject("signals").put("batchId", 0).put("numInputRows", 100).put("inputRowsPerSecond", 50.0)
                .put("processedRowsPerSecond", 40.0).put("batchDurationMs", 2000).putNull("watermarkDelayMs")
                .put("recordsBehindLatest", 1000 + i).put("stateRows", 0).put("stateMemoryBytes", 0)
                .put("stateRowsDroppedByWatermark", 0);
        signals.putArray("sources").addObject().put("index", 0).put("description", "KafkaV2[Subscribe[purchases]]")
                .put("recordsBehindLatest", 1000 + i).putArray("partitions").addObject().put("topic", "purchases")
                .put("partition", 0).put("endOffset", 0).put("latestOffset", 1000 + i).put("recordsBehind", 1000 + i);
        return e;
    }

    /** Until every query's committed record in the state store's changelog carries its progress (records behind 1000 + i). */
    private static void awaitProgressInChangelog(KafkaTestBroker broker) {
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrapServers());
        p.put("group.id", "failover-it-changelog-reader");
        p.put("auto.offset.reset", "earliest");
        p.put("isolation.level", "read_committed");
        Map<String, Double> behind = new HashMap<>();
        try (KafkaConsumer<String, String> changelog = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
            changelog.subscribe(List.of("streamops-exporter-" + ExporterTopology.STORE + "-changelog"));
            Await.until("every query's progress committed to the changelog", WAIT, () -> {
                for (ConsumerRecord<String, String> r : changelog.poll(Duration.ofMillis(200))) {
                    try {
                        behind.put(r.key(), Json.MAPPER.readTree(r.value()).path("state").path("recordsBehind").asDouble(Double.NaN));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
                for (int i = 0; i < QUERIES; i++) {
                    if (behind.getOrDefault(queryId(i), Double.NaN) != 1000 + i) {
                        return false;
                    }
                }
                return true;
            });
        }
    }

    private static ObjectNode failed(int i) {
        ObjectNode e = base(i, "terminated", "terminated");
        e.putObject("termination").put("outcome", "failed").put("exception", "java.lang.IllegalStateException: boom " + i)
                .put("exceptionMessage", "java.lang.IllegalStateException: boom " + i).putNull("errorClassOnException");
        return e;
    }

}
