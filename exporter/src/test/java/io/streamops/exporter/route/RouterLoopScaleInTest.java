package io.streamops.exporter.route;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamops.exporter.alert.AlertPhase;
import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.notify.DashboardLinks;
import io.streamops.exporter.notify.Notification;
import io.streamops.exporter.notify.delivery.DeliveryQueue;
import io.streamops.exporter.notify.delivery.Receiver;
import io.streamops.exporter.notify.delivery.RetryPolicy;
import io.streamops.exporter.notify.http.HttpEndpoint;
import io.streamops.exporter.notify.webhook.WebhookNotifier;
import io.streamops.exporter.support.Json;
import io.streamops.testkit.Await;
import io.streamops.testkit.KafkaTestBroker;
import io.streamops.testkit.LocalHttpServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The scale-in while a receiver is down: the instance that queued a page for a webhook answering 503 is
 * stopped for good, gracefully. Its queued page used to stay in its data_dir, the commit saying it had
 * been handed, so the instance that took the partition over never sent it. Now the stopping instance
 * gives it back through the commit and withdraws it: the survivor sends it once the webhook is back, to
 * the webhook only (the chat receiver had it), and the stopped instance started again on its old
 * data_dir sends nothing twice. Real broker, two router instances, real HTTP receivers on 127.0.0.1.
 */
class RouterLoopScaleInTest {
    private static final String TOPIC = "alerts";
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Quick retries, never given up within the test. */
    private static final RetryPolicy QUICK = new RetryPolicy(Duration.ofMillis(100), Duration.ofMillis(300), 2.0,
            Integer.MAX_VALUE, Duration.ofMinutes(10));

    @TempDir
    Path dir;

    /** One exporter's routing: its alert router, delivery queue on its data_dir, and router loop. */
    private static final class Instance implements AutoCloseable {
        final AlertRouter router;
        final DeliveryQueue queue;
        final RouterLoop loop;
        /** The transitions the router took as new (what the restart controller and the alert history act on). */
        final List<AlertTransition> fresh = new java.util.concurrent.CopyOnWriteArrayList<>();

        Instance(KafkaTestBroker broker, Path dataDir, LocalHttpServer webhook, LocalHttpServer chat) {
            queue = new DeliveryQueue(dataDir, List.of(
                    new Receiver("webhook", new WebhookNotifier(HttpEndpoint.of(webhook.url())), QUICK),
                    new Receiver("chat", new WebhookNotifier(HttpEndpoint.of(chat.url())), QUICK)),
                    new SimpleMeterRegistry(), Clock.systemUTC(), Duration.ofSeconds(2));
            router = new AlertRouter(InhibitRule.DEFAULTS, List::of, List.of("job", "alertname"), receiver -> Duration.ZERO,
                    d -> queue.submit(Notification.of(d.receiver(), d.groupKey(), d.alerts(), DashboardLinks.NONE), d.origins(TOPIC)),
                    new SimpleMeterRegistry());
            Properties kafka = new Properties();
            kafka.put("bootstrap.servers", broker.bootstrapServers());
            kafka.put("session.timeout.ms", "6000");
            kafka.put("heartbeat.interval.ms", "1000");
            RouterLoop.OwnerActions owner = new RouterLoop.OwnerActions() {
                @Override
                public void fresh(AlertTransition transition) {
                    fresh.add(transition);
                }
            };
            loop = new RouterLoop(kafka, "router-under-test", TOPIC, router, Clock.systemUTC(), owner, queue);
        }

        Instance start() {
            loop.start();
            return this;
        }

        /** A graceful stop, in the exporter's order: routing (giving its partitions up), then delivery. */
        @Override
        public void close() throws InterruptedException {
            loop.close();
            queue.close();
        }
    }

    private static AlertTransition firing(String query) {
        Instant now = Instant.now();
        return new AlertTransition(AlertTransition.fingerprint("QueryFailed", query), "QueryFailed", AlertPhase.FIRING, "critical",
                Map.of("alertname", "QueryFailed", "job", "grocery-" + query, "query", query, "query_id", query),
                Map.of("summary", "QueryFailed " + query), Map.of(), List.of("webhook", "chat"), Duration.ofHours(4), true,
                now, null, now);
    }

    private static long answered(LocalHttpServer server, int status) {
        return server.statuses().stream().filter(s -> s == status).count();
    }

    @Test
    void aPageQueuedForADownReceiverOnAnInstanceStoppedForGoodIsSentOnceByItsSuccessor() throws Exception {
        AtomicBoolean webhookDown = new AtomicBoolean(true);
        try (KafkaTestBroker broker = KafkaTestBroker.started();
             LocalHttpServer webhook = LocalHttpServer.start(request ->
                     LocalHttpServer.Response.of(webhookDown.get() ? 503 : 200, "{}"));
             LocalHttpServer chat = LocalHttpServer.answering(200)) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1))).all().get();
            }
            Instance a = new Instance(broker, dir.resolve("data-a"), webhook, chat).start();
            Properties p = new Properties();
            p.put("bootstrap.servers", broker.bootstrapServers());
            AlertTransition alert = firing("q1");
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>(TOPIC, 0, "grocery-q1", Json.MAPPER.writeValueAsBytes(alert))).get();
            }
            Await.until("the only instance to page chat and fail on the webhook", WAIT,
                    () -> answered(chat, 200) == 1 && answered(webhook, 503) >= 1);
            Instance b = new Instance(broker, dir.resolve("data-b"), webhook, chat).start();

            a.close(); // scale-in: the webhook is still down
            assertThat(answered(webhook, 200)).as("nothing reached the webhook yet").isZero();
            webhookDown.set(false);
            Await.until("the survivor to page the webhook", WAIT, () -> answered(webhook, 200) == 1);

            Instance restarted = new Instance(broker, dir.resolve("data-a"), webhook, chat);
            assertThat(restarted.queue.pending("webhook")).as("nothing left in the stopped instance's data_dir").isZero();
            restarted.start();
            b.close(); // the partition goes back to the restarted instance, from the survivor's commit
            Await.until("the restarted instance to own the alert again", WAIT, () -> !restarted.loop.firing().isEmpty());
            Await.until("its queue to be idle", WAIT, () -> restarted.queue.pending("webhook") == 0 && restarted.queue.pending("chat") == 0);
            restarted.close();

            assertThat(answered(webhook, 200)).as("the webhook paged exactly once").isEqualTo(1);
            assertThat(answered(chat, 200)).as("chat, which had it before the scale-in, not again").isEqualTo(1);
            assertThat(chat.requests()).hasSize(1);
            assertThat(a.fresh).hasSize(1);
            assertThat(b.fresh).as("re-read for the webhook only: the firing is not new to the survivor").isEmpty();
        }
    }
}
