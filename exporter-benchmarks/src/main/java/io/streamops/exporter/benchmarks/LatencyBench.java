package io.streamops.exporter.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import io.streamops.exporter.support.Json;
import io.streamops.testkit.Await;
import io.streamops.testkit.ExporterConfigFile;
import io.streamops.testkit.ExporterProcess;
import io.streamops.testkit.KafkaTestBroker;
import io.streamops.testkit.Ports;
import io.streamops.testkit.LocalHttpServer;
import io.streamops.testkit.PagerDutyContractServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

/**
 * Failure to page: the packaged exporter jar in its own process (as a user runs it) with the shipped
 * rules, PagerDuty pointed at the {@link PagerDutyContractServer} in this JVM and email pointed at a
 * port where nothing listens (so every email attempt fails and is retried, which must not delay the
 * page). For each of {@code failures} distinct queries: a started event, then 100 ms later a failed
 * terminated event; the clock starts when {@code producer.send(...).get()} returns (Kafka has the event)
 * and stops at {@link LocalHttpServer.Request#receivedNanos()} of that query's PagerDuty trigger, both
 * {@code System.nanoTime()} of this JVM. Failures are spaced {@code spacingMillis} apart.
 *
 * <p>A side consumer (read_committed, like the exporter's router) also notes when each QueryFailed
 * transition becomes readable on the alerts topic, splitting the latency into "rules" (event to
 * committed transition) and "routing and delivery" (transition to page).
 */
final class LatencyBench {
    record Result(List<Double> totalMillis, List<Double> toTransitionMillis, List<Double> warmupMillis,
                  int violations, String emailEvidence, String pagerDutyEvidence) {
    }

    private LatencyBench() {
    }

    static Result run(KafkaTestBroker broker, Path jar, Path rulesFile, Path dir, int warmup, int failures, long spacingMillis)
            throws Exception {
        String events = "xb-latency-events";
        String alerts = "xb-latency-alerts";
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(events, 6, (short) 1), new NewTopic(alerts, 6, (short) 1))).all().get();
        }
        Fleet fleet = Fleet.fromRecording(10);
        String routingKey = "xb-routing-key-0123456789abcdef";
        int httpPort = Ports.free();
        int deadSmtpPort = Ports.freeOtherThan(httpPort); // free now, and nothing of ours will listen there
        try (PagerDutyContractServer pagerDuty = new PagerDutyContractServer(routingKey)) {
            Path config = dir.resolve("latency-exporter.yaml");
            // The shipped default rules, as a user runs them: QueryFailed notifies [pagerduty, email].
            ExporterConfigFile.of(broker.bootstrapServers(), httpPort, rulesFile, dir.resolve("latency-data"))
                    .topics(events, alerts).applicationId("xb-latency-exporter")
                    .pagerDuty(pagerDuty.baseUrl()).email(deadSmtpPort, "data-oncall@example.com")
                    .writeTo(config);
            Map<String, Long> transitionSeen = new ConcurrentHashMap<>();
            AlertsWatcher watcher = new AlertsWatcher(broker, alerts, transitionSeen);
            try (ExporterProcess exporter = new ExporterProcess(jar, config, httpPort, dir.resolve("latency-exporter.log"),
                    Map.of(ExporterConfigFile.ROUTING_KEY_ENV, routingKey));
                 KafkaProducer<String, byte[]> producer = producer(broker)) {
                exporter.awaitReady(Duration.ofSeconds(120));
                long[] failedAt = new long[warmup + failures];
                long next = System.nanoTime();
                for (int i = 0; i < warmup + failures; i++) {
                    int q = 100_000 + i;
                    LockSupport.parkNanos(next - System.nanoTime());
                    producer.send(new ProducerRecord<>(events, Fleet.queryId(q), fleet.started(q, Instant.now()))).get();
                    LockSupport.parkNanos(Duration.ofMillis(100).toNanos());
                    producer.send(new ProducerRecord<>(events, Fleet.queryId(q), fleet.failed(q, Instant.now()))).get();
                    failedAt[i] = System.nanoTime();
                    next = failedAt[i] + Duration.ofMillis(spacingMillis).toNanos() - Duration.ofMillis(100).toNanos();
                    if (i == warmup - 1) {
                        // Warm-up pages first: the first ones also wait for the router to join its group.
                        Await.until("the warm-up pages", Duration.ofSeconds(60), () -> pages(pagerDuty, fleet).size() >= warmup);
                        next = System.nanoTime() + Duration.ofMillis(spacingMillis).toNanos();
                    }
                }
                Await.until((warmup + failures) + " PagerDuty triggers", Duration.ofSeconds(120),
                        () -> pages(pagerDuty, fleet).size() >= warmup + failures);
                Map<String, Long> pages = pages(pagerDuty, fleet);
                List<Double> total = new ArrayList<>();
                List<Double> toTransition = new ArrayList<>();
                List<Double> warm = new ArrayList<>();
                for (int i = 0; i < warmup + failures; i++) {
                    String name = fleet.queryName(100_000 + i);
                    double ms = (pages.get(name) - failedAt[i]) / 1e6;
                    if (i < warmup) {
                        warm.add(ms);
                        continue;
                    }
                    total.add(ms);
                    Long seen = transitionSeen.get(name);
                    if (seen != null) {
                        toTransition.add((seen - failedAt[i]) / 1e6);
                    }
                }
                // Give the email worker a moment to show its failing attempts in the exporter's own metrics.
                LockSupport.parkNanos(Duration.ofSeconds(2).toNanos());
                String metrics = exporter.get("/metrics").body();
                return new Result(total, toTransition, warm, pagerDuty.violations().size(),
                        evidence(metrics, "receiver=\"email\""), evidence(metrics, "receiver=\"pagerduty\""));
            } finally {
                watcher.close();
            }
        }
    }

    /** The earliest accepted QueryFailed trigger per query name, by arrival time in this JVM. */
    private static Map<String, Long> pages(PagerDutyContractServer pagerDuty, Fleet fleet) {
        Map<String, Long> first = new java.util.HashMap<>();
        for (LocalHttpServer.Request r : pagerDuty.http().requests()) {
            try {
                JsonNode e = Json.MAPPER.readTree(r.body());
                JsonNode p = e.path("payload");
                if (e.path("event_action").asText().equals("trigger") && p.path("class").asText().equals("QueryFailed")) {
                    first.merge(p.path("component").asText(), r.receivedNanos(), Math::min);
                }
            } catch (Exception ignored) {
                // not JSON: the contract server counts it as a violation
            }
        }
        return first;
    }

    /** Notes when each QueryFailed firing transition becomes readable (read_committed, as the router reads). */
    private static final class AlertsWatcher implements AutoCloseable {
        private final KafkaConsumer<String, String> consumer;
        private final Thread thread;
        private volatile boolean running = true;

        AlertsWatcher(KafkaTestBroker broker, String alerts, Map<String, Long> seen) {
            Properties p = new Properties();
            p.put("bootstrap.servers", broker.bootstrapServers());
            p.put("group.id", "xb-latency-watcher");
            p.put("auto.offset.reset", "earliest");
            p.put("enable.auto.commit", "false");
            p.put("isolation.level", "read_committed");
            consumer = new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
            thread = new Thread(() -> {
                try {
                    consumer.subscribe(List.of(alerts));
                    while (running) {
                        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(20))) {
                            long now = System.nanoTime();
                            try {
                                JsonNode t = Json.MAPPER.readTree(r.value());
                                if (t.path("rule").asText().equals("QueryFailed") && t.path("phase").asText().equalsIgnoreCase("firing")) {
                                    seen.putIfAbsent(t.path("labels").path("query").asText(), now);
                                }
                            } catch (Exception ignored) {
                                // not ours to judge
                            }
                        }
                    }
                } catch (org.apache.kafka.common.errors.WakeupException e) {
                    // closing
                } finally {
                    consumer.close(Duration.ofSeconds(5));
                }
            }, "xb-alerts-watcher");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            consumer.wakeup();
            thread.join(10_000);
        }
    }

    private static KafkaProducer<String, byte[]> producer(KafkaTestBroker broker) {
        Properties p = new Properties();
        p.put("bootstrap.servers", broker.bootstrapServers());
        // As the listener sends: acks=all, idempotent; linger 0 here so the clock starts at the broker's ack.
        p.put("acks", "all");
        p.put("enable.idempotence", "true");
        p.put("linger.ms", "0");
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    private static String evidence(String metrics, String receiver) {
        StringBuilder out = new StringBuilder();
        for (String line : metrics.split("\n")) {
            if (line.startsWith("streamops_exporter_notifications_") && line.contains(receiver)) {
                String name = line.substring("streamops_exporter_notifications_".length(), line.indexOf('{'));
                String value = line.substring(line.lastIndexOf(' ') + 1);
                out.append(out.length() == 0 ? "" : ", ").append(name).append(' ').append(value.replaceAll("\\.0$", ""));
            }
        }
        return out.toString();
    }
}
