package io.streamops.exporter.route;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamops.exporter.alert.AlertPhase;
import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.support.Json;
import io.streamops.testkit.Await;
import io.streamops.testkit.KafkaTestBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 7 review: the router took a partition whose first record is past offset 0 for one whose oldest
 * records retention deleted, and sent resolves of alerts it never fired. An aborted first transaction
 * gives that sign too; only the log's beginning offset says retention deleted anything.
 */
class RouterLoopHistoryTest {
    private KafkaTestBroker broker;

    @BeforeEach
    void startBroker() {
        broker = KafkaTestBroker.started();
    }

    @AfterEach
    void stopBroker() {
        broker.close();
    }

    private static AlertTransition alert(String query, AlertPhase phase, Instant startsAt, Instant at) {
        return new AlertTransition(AlertTransition.fingerprint("QueryFailed", query), "QueryFailed", phase, "critical",
                Map.of("alertname", "QueryFailed", "job", "grocery-" + query, "query", query, "query_id", query),
                Map.of("summary", "QueryFailed " + query), Map.of(), List.of("pagerduty"), Duration.ofHours(4), true,
                startsAt, phase == AlertPhase.RESOLVED ? at : null, at);
    }

    private ProducerRecord<String, byte[]> record(AlertTransition t) throws Exception {
        return new ProducerRecord<>("alerts", 0, t.labels().get("job"), Json.MAPPER.writeValueAsBytes(t));
    }

    @Test
    void anAbortedFirstTransactionIsNotRetentionAndSendsNoResolveOfAnAlertNeverFired() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("alerts", 1, (short) 1))).all().get();
        }
        Instant now = Instant.now();
        Instant earlier = now.minus(Duration.ofHours(1));
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrapServers());
        p.put("transactional.id", "rules-under-test");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(record(alert("q1", AlertPhase.FIRING, earlier, earlier))).get();
            producer.abortTransaction(); // the firing never happened
            producer.beginTransaction();
            producer.send(record(alert("q1", AlertPhase.RESOLVED, earlier, now)));
            producer.send(record(alert("q2", AlertPhase.FIRING, now, now)));
            producer.commitTransaction();
        }
        List<Dispatch> sent = new CopyOnWriteArrayList<>();
        AlertRouter router = new AlertRouter(InhibitRule.DEFAULTS, List::of, List.of("job", "alertname"), r -> Duration.ZERO,
                sent::add, new SimpleMeterRegistry(), "pagerduty"::equals);
        Properties kafka = new Properties();
        kafka.put("bootstrap.servers", broker.bootstrapServers());
        try (RouterLoop loop = new RouterLoop(kafka, "router-under-test", "alerts", router, Clock.systemUTC()).start()) {
            Await.until("the firing after the resolve is sent", Duration.ofSeconds(60), () -> !sent.isEmpty());
        }
        assertThat(sent).as("no resolve of an alert whose only firing was aborted")
                .extracting(d -> d.alerts().get(0).fingerprint() + " " + d.status())
                .containsExactly(AlertTransition.fingerprint("QueryFailed", "q2") + " FIRING");
    }

    /** Issue 7 review: /healthz covered only Kafka Streams; a dead router thread now makes it unhealthy. */
    @Test
    void aRouterWhoseThreadDiedIsUnhealthy() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("alerts", 1, (short) 1))).all().get();
        }
        Properties kafka = new Properties();
        kafka.put("bootstrap.servers", broker.bootstrapServers());
        AlertRouter router = new AlertRouter(InhibitRule.DEFAULTS, List::of, List.of("job", "alertname"), r -> Duration.ZERO,
                d -> {
                    throw new LinkageError("an error no catch of ours takes");
                }, new SimpleMeterRegistry());
        try (RouterLoop loop = new RouterLoop(kafka, "router-under-test", "alerts", router, Clock.systemUTC()).start()) {
            assertThat(loop.problem()).as("polling").isEmpty();
            Properties p = new Properties();
            p.put("bootstrap.servers", broker.bootstrapServers());
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
                producer.send(record(alert("q1", AlertPhase.FIRING, Instant.now(), Instant.now()))).get();
            }
            String problem = Await.value("the router thread to die", Duration.ofSeconds(60), () -> loop.problem().orElse(null));
            assertThat(problem).contains("alert router thread has stopped");
        }
    }
}
