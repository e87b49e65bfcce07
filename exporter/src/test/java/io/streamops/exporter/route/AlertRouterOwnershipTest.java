package io.streamops.exporter.route;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamops.exporter.alert.AlertPhase;
import io.streamops.exporter.alert.AlertTransition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The router's alerts belong to the alerts-topic partitions it owns: taking one over, and giving it up. */
class AlertRouterOwnershipTest {
    private static final Instant NOW = Instant.parse("2026-11-21T15:00:00Z");
    private static final Duration REPEAT = Duration.ofHours(1);
    private final List<Dispatch> sent = new ArrayList<>();
    private final AlertRouter router = new AlertRouter(InhibitRule.DEFAULTS, List::of, List.of("job", "alertname"),
            receiver -> receiver.equals("pagerduty") ? Duration.ZERO : Duration.ofSeconds(1), sent::add, new SimpleMeterRegistry());

    private static AlertTransition alert(String query, AlertPhase phase, Instant at) {
        return new AlertTransition(AlertTransition.fingerprint("QueryFailed", query), "QueryFailed", phase, "critical",
                Map.of("alertname", "QueryFailed", "job", "grocery", "query", query, "query_id", query), Map.of("summary", "failed"),
                Map.of(), List.of("pagerduty", "email"), REPEAT, true, at, phase == AlertPhase.RESOLVED ? at : null, at);
    }

    /**
     * Finding 1: history is re-read in poll batches with a tick after each; a firing whose resolve comes
     * in a later batch was paged again (an incident nothing ever closed).
     */
    @Test
    void historyReReadInBatchesPagesNothing() {
        Instant fired = NOW.minus(Duration.ofMinutes(270));
        router.replaying(List.of(3));
        router.remember(alert("q1", AlertPhase.FIRING, fired), 3, NOW);
        router.tick(NOW); // between two poll batches
        router.remember(alert("q1", AlertPhase.RESOLVED, fired.plusSeconds(60)), 3, NOW);
        router.tick(NOW.plusMillis(100));
        router.caughtUp(3);
        router.tick(NOW.plusSeconds(5));
        assertThat(sent).isEmpty();
        assertThat(router.firing()).isEmpty();
    }

    /** Finding 1: an alert firing longer than its repeat interval is not repeated at once by the instance taking it over. */
    @Test
    void aTakenOverAlertRepeatsOnItsScheduleNotAtOnce() {
        Instant fired = NOW.minus(Duration.ofMinutes(270)); // last repeated at +4 h = NOW - 30 min
        router.replaying(List.of(3));
        router.remember(alert("q1", AlertPhase.FIRING, fired), 3, NOW);
        router.caughtUp(3);
        router.tick(NOW);
        router.tick(NOW.plus(Duration.ofMinutes(29)));
        assertThat(sent).isEmpty();
        router.tick(NOW.plus(Duration.ofMinutes(30)));
        router.tick(NOW.plus(Duration.ofMinutes(31)));
        assertThat(sent).extracting(Dispatch::receiver).containsExactly("pagerduty", "email");
    }

    /**
     * Finding 2: after a clean rebalance the old owner kept the partition's alerts and repeated them, never
     * seeing their resolves. What waits in a group goes out at once instead, so its offset can be committed.
     */
    @Test
    void aPartitionHandedOverIsForgottenAfterWhatWaitsInItsGroupsWentOut() {
        router.accept(alert("q1", AlertPhase.FIRING, NOW), next(2), Set.of(), NOW);
        router.accept(alert("q2", AlertPhase.FIRING, NOW), next(4), Set.of(), NOW);
        assertThat(sent).extracting(Dispatch::receiver).containsExactly("pagerduty", "pagerduty");
        router.handOver(List.of(2), NOW.plusMillis(300));
        assertThat(sent).as("q1's email went out at hand-over, not after group_wait")
                .extracting(d -> d.receiver() + " " + d.alerts().get(0).labels().get("query"))
                .containsExactly("pagerduty q1", "pagerduty q2", "email q1");
        assertThat(router.pendingFrom(2, null)).isEmpty();
        assertThat(router.firing()).extracting(t -> t.labels().get("query")).containsExactly("q2");
        sent.clear();
        router.tick(NOW.plus(REPEAT));
        router.tick(NOW.plus(REPEAT).plusSeconds(2));
        assertThat(sent).as("only q2 repeats here").allMatch(d -> d.alerts().get(0).labels().get("query").equals("q2")).hasSize(2);
    }

    @Test
    void aLostPartitionIsForgottenWithoutSendingWhatWaited() {
        router.accept(alert("q1", AlertPhase.FIRING, NOW), next(2), Set.of(), NOW);
        router.drop(List.of(2));
        router.tick(NOW.plus(REPEAT));
        assertThat(sent).extracting(Dispatch::receiver).containsExactly("pagerduty");
        assertThat(router.firing()).isEmpty();
        assertThat(router.oldestPendingSince()).isEmpty();
    }

    @Test
    void aFiringTakenOverIsResolvedToEveryReceiverWithItsOwnTexts() {
        router.replaying(List.of(1));
        router.remember(alert("q1", AlertPhase.FIRING, NOW.minusSeconds(60)), 1, NOW);
        router.accept(alert("q1", AlertPhase.RESOLVED, NOW), next(1), Set.of(), NOW);
        router.tick(NOW.plusSeconds(2));
        assertThat(sent).extracting(d -> d.receiver() + " " + d.status()).containsExactly("pagerduty RESOLVED", "email RESOLVED");
    }

    private long offset;

    /** The next record of {@code partition}. */
    private Source next(int partition) {
        return new Source(partition, offset++);
    }
}
