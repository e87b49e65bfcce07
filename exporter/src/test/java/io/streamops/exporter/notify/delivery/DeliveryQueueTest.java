package io.streamops.exporter.notify.delivery;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamops.exporter.notify.Alerts;
import io.streamops.exporter.notify.DeliveryOutcome;
import io.streamops.exporter.notify.Notification;
import io.streamops.testkit.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The delivery queue with scripted channels: retries, giving up, restarts, isolation between receivers. */
class DeliveryQueueTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final RetryPolicy FAST = new RetryPolicy(Duration.ofMillis(10), Duration.ofMillis(100), 2.0, 10, Duration.ofMinutes(1));
    /** Retries that would only come after the test is long over. */
    private static final RetryPolicy SLOW = new RetryPolicy(Duration.ofHours(1), Duration.ofHours(1), 2.0, 10, Duration.ofDays(1));
    private static final DeliveryOutcome.RetryLater DOWN = DeliveryOutcome.retryLater("channel down");

    @TempDir
    Path dir;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void retriesUntilTheChannelAccepts() {
        ScriptedNotifier channel = new ScriptedNotifier("test").then(DOWN, DOWN);
        try (DeliveryQueue queue = queue(new Receiver("ops", channel, FAST))) {
            queue.submit(notification("ops", "g1"));

            Await.until("delivered", TIMEOUT, () -> count("sent", "ops") == 1);
            assertThat(queue.pending("ops")).isZero();
        }
        assertThat(channel.calls()).hasSize(3);
        assertThat(count("retried", "ops")).isEqualTo(2);
        assertThat(count("failed", "ops")).isZero();
        assertThat(deliveryFiles()).isEmpty();
    }

    @Test
    void givesUpAfterMaxAttemptsAndMovesOn() {
        ScriptedNotifier channel = new ScriptedNotifier("test").then(DOWN, DOWN, DOWN);
        RetryPolicy threeAttempts = new RetryPolicy(Duration.ofMillis(5), Duration.ofMillis(20), 2.0, 3, Duration.ofMinutes(1));
        try (DeliveryQueue queue = queue(new Receiver("ops", channel, threeAttempts))) {
            queue.submit(notification("ops", "doomed"));
            queue.submit(notification("ops", "next"));

            Await.until("given up, then the next delivered", TIMEOUT,
                    () -> count("failed", "ops") == 1 && count("sent", "ops") == 1);
        }
        assertThat(channel.calls()).extracting(Notification::groupKey).containsExactly("doomed", "doomed", "doomed", "next");
        assertThat(count("retried", "ops")).isEqualTo(2);
        assertThat(deliveryFiles()).isEmpty();
    }

    @Test
    void givesUpWhenTheNotificationIsTooOld() {
        ScriptedNotifier channel = new ScriptedNotifier("test").otherwise(DOWN);
        RetryPolicy shortLived = new RetryPolicy(Duration.ofMillis(20), Duration.ofMillis(20), 1.0, 1_000_000, Duration.ofMillis(200));
        try (DeliveryQueue queue = queue(new Receiver("ops", channel, shortLived))) {
            queue.submit(notification("ops", "g1"));

            Await.until("given up", TIMEOUT, () -> count("failed", "ops") == 1);
        }
        assertThat(channel.calls().size()).isGreaterThan(1).isLessThan(1_000_000);
        assertThat(deliveryFiles()).isEmpty();
    }

    @Test
    void aRejectionIsFinal() {
        ScriptedNotifier channel = new ScriptedNotifier("test").then(DeliveryOutcome.rejected("HTTP 400: bad event"));
        try (DeliveryQueue queue = queue(new Receiver("ops", channel, FAST))) {
            queue.submit(notification("ops", "bad"));
            queue.submit(notification("ops", "good"));

            Await.until("rejected and delivered", TIMEOUT, () -> count("rejected", "ops") == 1 && count("sent", "ops") == 1);
        }
        // "bad" was sent once; "good" went after it was settled, so it cannot have been retried in between.
        assertThat(channel.calls()).extracting(Notification::groupKey).containsExactly("bad", "good");
        assertThat(count("retried", "ops")).isZero();
        assertThat(deliveryFiles()).isEmpty();
    }

    @Test
    void aThrowingNotifierIsRetriedLikeATemporaryFailure() {
        ScriptedNotifier channel = new ScriptedNotifier("test").thenThrow(new IllegalStateException("bug"));
        try (DeliveryQueue queue = queue(new Receiver("ops", channel, FAST))) {
            queue.submit(notification("ops", "g1"));

            Await.until("delivered", TIMEOUT, () -> count("sent", "ops") == 1);
        }
        assertThat(channel.calls()).hasSize(2);
        assertThat(count("retried", "ops")).isEqualTo(1);
    }

    @Test
    void honoursTheDelayTheServerAskedFor() {
        Duration asked = Duration.ofMillis(300);
        ScriptedNotifier channel = new ScriptedNotifier("test")
                .then(DeliveryOutcome.retryLater("HTTP 429", Optional.of(asked)));
        RetryPolicy quick = new RetryPolicy(Duration.ofMillis(1), Duration.ofSeconds(5), 2.0, 5, Duration.ofMinutes(1));
        try (DeliveryQueue queue = queue(new Receiver("ops", channel, quick))) {
            queue.submit(notification("ops", "g1"));

            Await.until("delivered", TIMEOUT, () -> count("sent", "ops") == 1);
        }
        List<Long> calls = channel.callNanos();
        assertThat(calls.get(1) - calls.get(0)).isGreaterThanOrEqualTo(asked.toNanos());
    }

    @Test
    void keepsSubmissionOrderPerReceiver() {
        ScriptedNotifier channel = new ScriptedNotifier("test").then(DOWN);
        try (DeliveryQueue queue = queue(new Receiver("ops", channel, FAST))) {
            for (int i = 1; i <= 5; i++) {
                queue.submit(notification("ops", "g" + i));
            }
            Await.until("all delivered", TIMEOUT, () -> count("sent", "ops") == 5);
        }
        // g1 failed once and was retried before anything behind it: a resolve never overtakes its trigger.
        assertThat(channel.calls()).extracting(Notification::groupKey).containsExactly("g1", "g1", "g2", "g3", "g4", "g5");
    }

    @Test
    void aNewQueueOnTheSameDirectoryDeliversWhatTheOldOneLeft() throws Exception {
        ScriptedNotifier down = new ScriptedNotifier("test").otherwise(DOWN);
        try (DeliveryQueue before = queue(new Receiver("ops", down, SLOW))) {
            before.submit(notification("ops", "g1"));
            before.submit(notification("ops", "g2"));
            before.submit(notification("ops", "g3"));
            Await.until("first attempt failed", TIMEOUT, () -> count("retried", "ops") == 1);
            assertThat(before.pending("ops")).isEqualTo(3);
        }
        // "Restart": the old queue is gone, its files are not.
        assertThat(deliveryFiles()).hasSize(3);
        assertThat(Files.readString(deliveryFiles().get(0))).contains("\"attempts\" : 1", "channel down");

        ScriptedNotifier up = new ScriptedNotifier("test");
        SimpleMeterRegistry afterRestart = new SimpleMeterRegistry();
        try (DeliveryQueue after = new DeliveryQueue(dir, List.of(new Receiver("ops", up, SLOW)), afterRestart)) {
            assertThat(after.pending("ops")).isEqualTo(3);
            Await.until("all delivered after the restart", TIMEOUT, () -> up.calls().size() == 3 && after.pending("ops") == 0);
            // And what comes in after the restart is numbered after what was left.
            after.submit(notification("ops", "g4"));
            Await.until("new one delivered", TIMEOUT, () -> up.calls().size() == 4);
        }
        assertThat(up.calls()).extracting(Notification::groupKey).containsExactly("g1", "g2", "g3", "g4");
        assertThat(up.calls().get(0)).isEqualTo(notification("ops", "g1"));
        assertThat(deliveryFiles()).isEmpty();
    }

    @Test
    void pendingDeliveriesOfAReceiverNoLongerConfiguredStayOnDisk() throws Exception {
        try (DeliveryQueue before = queue(new Receiver("old", new ScriptedNotifier("test").otherwise(DOWN), SLOW))) {
            before.submit(notification("old", "g1"));
        }
        try (DeliveryQueue after = new DeliveryQueue(dir, List.of(new Receiver("new", new ScriptedNotifier("test"), SLOW)), registry)) {
            assertThat(after.pending("new")).isZero();
        }
        assertThat(deliveryFiles()).hasSize(1);
    }

    @Test
    void aHangingChannelDoesNotDelayAHealthyOne() {
        ScriptedNotifier hanging = new ScriptedNotifier("pagerduty").hang();
        ScriptedNotifier healthy = new ScriptedNotifier("webhook");
        try (DeliveryQueue queue = queue(new Receiver("pager", hanging, FAST), new Receiver("chat", healthy, FAST))) {
            queue.submit(notification("pager", "p1"));
            Await.until("pager send in progress", TIMEOUT, () -> hanging.inFlight() == 1);

            queue.submit(notification("chat", "c1"));
            queue.submit(notification("chat", "c2"));

            Await.until("chat delivered", TIMEOUT, () -> count("sent", "chat") == 2);
            assertThat(hanging.inFlight()).as("the pager send still hangs").isEqualTo(1);
            assertThat(queue.pending("pager")).isEqualTo(1);

            hanging.release();
            Await.until("pager delivered once released", TIMEOUT, () -> count("sent", "pager") == 1);
        } finally {
            hanging.release();
        }
    }

    @Test
    void submitReturnsWhileTheChannelHangs() {
        ScriptedNotifier hanging = new ScriptedNotifier("test").hang();
        try (DeliveryQueue queue = queue(new Receiver("ops", hanging, FAST))) {
            queue.submit(notification("ops", "g1"));
            Await.until("send in progress", TIMEOUT, () -> hanging.inFlight() == 1);

            // If submit waited for the channel, this test would hang here until the gate's minute passed.
            queue.submit(notification("ops", "g2"));
            queue.submit(notification("ops", "g3"));
            assertThat(queue.pending("ops")).isEqualTo(3);
            assertThat(deliveryFiles()).hasSize(3);

            hanging.release();
            Await.until("all delivered", TIMEOUT, () -> count("sent", "ops") == 3);
        } finally {
            hanging.release();
        }
    }

    @Test
    void countsPerReceiverAndChannel() {
        try (DeliveryQueue queue = queue(new Receiver("ops", new ScriptedNotifier("email"), FAST))) {
            queue.submit(notification("ops", "g1"));
            Await.until("delivered", TIMEOUT, () -> count("sent", "ops") == 1);
        }
        Counter sent = registry.find("streamops.exporter.notifications.sent").tags("receiver", "ops", "channel", "email").counter();
        assertThat(sent).isNotNull();
        assertThat(sent.count()).isEqualTo(1);
        for (String name : List.of("retried", "failed", "rejected")) {
            assertThat(registry.find("streamops.exporter.notifications." + name).tags("receiver", "ops", "channel", "email").counter())
                    .as(name).isNotNull();
        }
    }

    @Test
    void thePendingGaugeFollowsTheQueueAndLeavesWithIt() {
        ScriptedNotifier hanging = new ScriptedNotifier("test").hang();
        try (DeliveryQueue queue = queue(new Receiver("ops", hanging, FAST))) {
            queue.submit(notification("ops", "g1"));
            queue.submit(notification("ops", "g2"));
            Gauge pending = registry.find("streamops.exporter.notifications.pending").tags("receiver", "ops", "channel", "test").gauge();
            assertThat(pending).isNotNull();
            assertThat(pending.value()).isEqualTo(2);

            hanging.release();
            Await.until("drained", TIMEOUT, () -> pending.value() == 0);
        } finally {
            hanging.release();
        }
        // A later queue on the same registry must not find a gauge reading the closed queue's memory.
        assertThat(registry.find("streamops.exporter.notifications.pending").gauge()).isNull();
    }

    @Test
    void refusesMisuse() {
        try (DeliveryQueue queue = queue(new Receiver("ops", new ScriptedNotifier("test"), FAST))) {
            queue.submit(notification("nobody", "g1")); // dropped and counted, not thrown: the router goes on
            assertThat(registry.get("streamops.exporter.notifications.unroutable").tag("receiver", "nobody").counter().count())
                    .isEqualTo(1);
            assertThatThrownBy(() -> new DeliveryQueue(dir, List.of(), new SimpleMeterRegistry()))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("in use");
            queue.close();
            assertThatThrownBy(() -> queue.submit(notification("ops", "g1"))).isInstanceOf(IllegalStateException.class);
        }
        ScriptedNotifier any = new ScriptedNotifier("test");
        assertThatThrownBy(() -> queue(new Receiver("twice", any, FAST), new Receiver("twice", any, FAST)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate");
    }

    private DeliveryQueue queue(Receiver... receivers) {
        return new DeliveryQueue(dir, List.of(receivers), registry);
    }

    private static Notification notification(String receiver, String groupKey) {
        return Notification.of(receiver, groupKey, List.of(Alerts.alert("QueryFailed", "q-1").build()), Alerts.DASHBOARD);
    }

    private double count(String name, String receiver) {
        Counter counter = registry.find(DeliveryMetrics.PREFIX + name).tag("receiver", receiver).counter();
        return counter == null ? 0 : counter.count();
    }

    private List<Path> deliveryFiles() {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("delivery-\\d+\\.json")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
