package io.streamops.exporter.notify.delivery;

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
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the queue gives back of the partitions an instance gives up ({@link DeliveryQueue#handBack}): only
 * what it cannot deliver within the drain, only what was made from those partitions alone, nothing sent
 * from here once withdrawn, and everything sent from here after all if it is kept.
 */
class DeliveryQueueHandBackTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    /** Slow retries: a receiver that failed once is not tried again within a test. */
    private static final RetryPolicy SLOW = new RetryPolicy(Duration.ofMinutes(1), Duration.ofMinutes(1), 2.0, 100, Duration.ofHours(1));
    private static final String TOPIC = "streamops-alerts";

    @TempDir
    Path dir;

    private static Notification notification(String receiver, String query) {
        return Alerts.notification(receiver, Alerts.alert("QueryFailed", query).build());
    }

    private static List<Origin> from(int partition, long offset) {
        return List.of(new Origin(TOPIC, partition, offset));
    }

    private DeliveryQueue queue(ScriptedNotifier ops, Duration drain) {
        return new DeliveryQueue(dir, List.of(new Receiver("ops", ops, SLOW)), new SimpleMeterRegistry(), Clock.systemUTC(), drain);
    }

    @Test
    void whatADownReceiverHasNotHadOfThePartitionsIsGivenBackAndWithdrawnAtOnce() throws Exception {
        ScriptedNotifier ops = new ScriptedNotifier("webhook").otherwise(DeliveryOutcome.retryLater("HTTP 503"));
        try (DeliveryQueue queue = queue(ops, Duration.ofSeconds(1))) {
            queue.submit(notification("ops", "q-1"), from(0, 7));
            queue.submit(notification("ops", "q-2"), List.of(new Origin(TOPIC, 0, 9), new Origin(TOPIC, 0, Origin.REPEAT)));
            queue.submit(notification("ops", "q-3"), from(1, 4));                                   // a partition kept
            queue.submit(notification("ops", "q-4"), List.of(new Origin(TOPIC, 0, 11), new Origin(TOPIC, 1, 5))); // both
            queue.submit(notification("ops", "q-5"), List.of(new Origin("other-topic", 0, 3)));
            queue.submit(notification("ops", "q-6"));                                              // origin unknown
            Await.until("the first attempt to fail", TIMEOUT, () -> ops.calls().size() == 1 && ops.inFlight() == 0);

            HandBack handBack = queue.handBack(TOPIC, List.of(0));
            assertThat(handBack.records()).isEqualTo(Map.of(0, Map.of("ops", sorted(7L, 9L))));
            handBack.withdraw();
            assertThat(queue.pending("ops")).as("what came only from partition 0 is gone").isEqualTo(4);
            assertThat(deliveryFiles()).hasSize(4);
        }
        ScriptedNotifier again = new ScriptedNotifier("webhook");
        try (DeliveryQueue restarted = queue(again, Duration.ofSeconds(5))) {
            Await.until("the rest delivered from here", TIMEOUT, () -> restarted.pending("ops") == 0);
        }
        assertThat(again.calls()).extracting(n -> n.alerts().get(0).labels().get("query_id"))
                .as("the given-back ones not sent again from this data_dir").containsExactly("q-3", "q-4", "q-5", "q-6");
    }

    @Test
    void aReceiverThatIsUpGetsItsNotificationsDuringTheDrainAndNothingIsGivenBack() {
        ScriptedNotifier ops = new ScriptedNotifier("webhook");
        try (DeliveryQueue queue = queue(ops, Duration.ofSeconds(30))) {
            queue.submit(notification("ops", "q-1"), from(0, 7));
            queue.submit(notification("ops", "q-2"), from(0, 8));
            HandBack handBack = queue.handBack(TOPIC, List.of(0));
            assertThat(handBack.isEmpty()).isTrue();
            assertThat(handBack.records()).isEmpty();
            assertThat(ops.calls()).hasSize(2);
        }
    }

    @Test
    void keptWhenTheCommitFailedAndThenSentFromHere() {
        ScriptedNotifier ops = new ScriptedNotifier("webhook").then(DeliveryOutcome.retryLater("HTTP 503"));
        RetryPolicy quick = new RetryPolicy(Duration.ofMillis(50), Duration.ofMillis(50), 2.0, 100, Duration.ofHours(1));
        try (DeliveryQueue queue = new DeliveryQueue(dir, List.of(new Receiver("ops", ops, quick)), new SimpleMeterRegistry(),
                Clock.systemUTC(), Duration.ofMillis(10))) {
            queue.submit(notification("ops", "q-1"), from(0, 7));
            HandBack handBack = queue.handBack(TOPIC, List.of(0));
            assertThat(handBack.records()).isEqualTo(Map.of(0, Map.of("ops", sorted(7L))));
            handBack.keep();
            Await.until("sent from here after all", TIMEOUT, () -> queue.pending("ops") == 0);
            assertThat(ops.calls()).hasSize(2);
        }
    }

    /**
     * A send still going at the end of the drain is given back too (at least once: if it succeeds after all,
     * the next owner sends it again), and its late failure does not write it back to disk.
     */
    @Test
    void aSendInFlightAtTheDeadlineIsGivenBackAndItsLateFailureWritesNothing() throws Exception {
        ScriptedNotifier ops = new ScriptedNotifier("webhook").otherwise(DeliveryOutcome.retryLater("timeout")).hang();
        try (DeliveryQueue queue = queue(ops, Duration.ofMillis(300))) {
            queue.submit(notification("ops", "q-1"), from(0, 7));
            Await.until("the send to start", TIMEOUT, () -> ops.inFlight() == 1);
            HandBack handBack = queue.handBack(TOPIC, List.of(0));
            assertThat(handBack.records()).isEqualTo(Map.of(0, Map.of("ops", sorted(7L))));
            handBack.withdraw();
            ops.release();
            Await.until("the late answer", TIMEOUT, () -> ops.inFlight() == 0);
            assertThat(queue.pending("ops")).isZero();
        }
        assertThat(deliveryFiles()).as("not written back by the late failure").isEmpty();
    }

    private static SortedSet<Long> sorted(Long... offsets) {
        return new TreeSet<>(Set.of(offsets));
    }

    private List<Path> deliveryFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("delivery-\\d+\\.json")).toList();
        }
    }
}
