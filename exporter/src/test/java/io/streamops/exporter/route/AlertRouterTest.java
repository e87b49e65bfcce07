package io.streamops.exporter.route;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamops.exporter.alert.AlertPhase;
import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.silence.Silence;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

class AlertRouterTest {
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private final List<Dispatch> sent = new ArrayList<>();
    private final AtomicBoolean deliveryFails = new AtomicBoolean();
    private final List<Silence> silences = new ArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AlertRouter router = new AlertRouter(InhibitRule.DEFAULTS, () -> silences, List.of("job", "alertname"),
            receiver -> receiver.equals("pagerduty") ? Duration.ZERO : Duration.ofSeconds(2), dispatch -> {
                if (deliveryFails.get()) {
                    throw new IllegalStateException("the delivery queue's disk is full");
                }
                sent.add(dispatch);
            }, registry, receiver -> receiver.equals("pagerduty") || receiver.equals("alertmanager"));

    private static AlertTransition alert(String rule, String query, AlertPhase phase, Instant at, List<String> receivers) {
        return new AlertTransition(AlertTransition.fingerprint(rule, query), rule, phase, "critical",
                Map.of("alertname", rule, "job", "grocery", "query", query, "query_id", query), Map.of("summary", rule + " " + query),
                Map.of(), receivers, Duration.ofHours(1), true, at, phase == AlertPhase.RESOLVED ? at : null, at);
    }

    @Test
    void manyQueriesOfOneJobFailingTogetherMakeOneEmailButOnePagePerAlert() {
        for (String q : List.of("q1", "q2", "q3")) {
            router.accept(alert("QueryFailed", q, AlertPhase.FIRING, T0, List.of("email", "pagerduty")), next(0), Set.of(), T0.plusMillis(100));
        }
        // PagerDuty has no grouping (one event per alert, deduplicated by key): no wait, one each.
        assertThat(sent).extracting(Dispatch::receiver).containsExactly("pagerduty", "pagerduty", "pagerduty");
        router.tick(T0.plusSeconds(1));
        assertThat(sent).hasSize(3);
        router.tick(T0.plusSeconds(3));
        Dispatch email = sent.get(sent.size() - 1);
        assertThat(email.receiver()).isEqualTo("email");
        assertThat(email.alerts()).hasSize(3);
        assertThat(email.status()).isEqualTo(AlertPhase.FIRING);
    }

    @Test
    void theOldestWaitingGroupSaysUpToWhenEverythingWasDispatched() {
        assertThat(router.oldestPendingSince()).isEmpty();
        router.accept(alert("QueryFailed", "q1", AlertPhase.FIRING, T0, List.of("email")), next(0), Set.of(), T0);
        router.accept(alert("QueryFailed", "q2", AlertPhase.FIRING, T0, List.of("email")), next(0), Set.of(), T0.plusSeconds(1));
        assertThat(router.oldestPendingSince()).as("one group, begun by q1").contains(T0);
        router.tick(T0.plusSeconds(2));
        assertThat(router.oldestPendingSince()).isEmpty();
        assertThat(sent).hasSize(1);
    }

    @Test
    void aLostDriverInhibitsItsQueriesStalledAlerts() {
        router.accept(alert("DriverLost", "q1", AlertPhase.FIRING, T0, List.of("pagerduty")), next(0), Set.of(), T0);
        router.accept(alert("QueryStalled", "q1", AlertPhase.FIRING, T0, List.of("pagerduty")), next(0), Set.of(), T0);
        router.accept(alert("QueryStalled", "q2", AlertPhase.FIRING, T0, List.of("pagerduty")), next(0), Set.of(), T0);
        assertThat(sent).flatExtracting(Dispatch::alerts).extracting(AlertTransition::fingerprint)
                .containsExactly("DriverLost/q1", "QueryStalled/q2");
        assertThat(registry.get("streamops.exporter.alerts.inhibited").counter().count()).isEqualTo(1);
    }

    @Test
    void silencedAlertsAreHeldBackWhileTheSilenceLastsAndSentWhenItEnds() {
        silences.add(new Silence("s1", Map.of("query", "/q[12]/"), T0, T0.plusSeconds(60), "ops", "maintenance"));
        router.accept(alert("QueryFailed", "q1", AlertPhase.FIRING, T0, List.of("pagerduty")), next(0), Set.of(), T0);
        router.accept(alert("QueryFailed", "q3", AlertPhase.FIRING, T0, List.of("pagerduty")), next(0), Set.of(), T0);
        assertThat(sent).flatExtracting(Dispatch::alerts).extracting(AlertTransition::fingerprint).containsExactly("QueryFailed/q3");
        router.tick(T0.plusSeconds(59));
        assertThat(sent).hasSize(1);
        // The silence is over and q1 still fires: it goes out at once, not an hour later at its repeat interval.
        router.tick(T0.plusSeconds(61));
        assertThat(sent).flatExtracting(Dispatch::alerts).extracting(AlertTransition::fingerprint)
                .containsExactly("QueryFailed/q3", "QueryFailed/q1");
        assertThat(registry.get("streamops.exporter.alerts.silenced").counter().count()).isEqualTo(1);
    }

    @Test
    void anAlertResolvedWhileSilencedIsNeverSent() {
        silences.add(new Silence("s1", Map.of("query", "q1"), T0, T0.plusSeconds(60), "ops", "maintenance"));
        router.accept(alert("QueryFailed", "q1", AlertPhase.FIRING, T0, List.of("pagerduty")), next(0), Set.of(), T0);
        router.accept(alert("QueryFailed", "q1", AlertPhase.RESOLVED, T0.plusSeconds(30), List.of("pagerduty")), next(0), Set.of(), T0.plusSeconds(30));
        router.tick(T0.plusSeconds(61));
        assertThat(sent).isEmpty();
        assertThat(router.firing()).isEmpty();
    }

    @Test
    void anAlertThatWasPagedIsResolvedEvenWhenItIsMutedNow() {
        router.accept(alert("QueryStalled", "q1", AlertPhase.FIRING, T0, List.of("pagerduty")), next(0), Set.of(), T0);
        router.accept(alert("DriverLost", "q1", AlertPhase.FIRING, T0.plusSeconds(10), List.of("pagerduty")), next(0), Set.of(), T0.plusSeconds(10));
        silences.add(new Silence("s1", Map.of("query", "q1"), T0, T0.plusSeconds(600), "ops", "maintenance"));
        // The stall ends while the driver-lost alert inhibits it and a silence covers it: the incident
        // opened for it must still be closed.
        router.accept(alert("QueryStalled", "q1", AlertPhase.RESOLVED, T0.plusSeconds(20), List.of("pagerduty")), next(0), Set.of(), T0.plusSeconds(20));
        assertThat(sent).extracting(d -> d.alerts().get(0).fingerprint() + " " + d.status())
                .containsExactly("QueryStalled/q1 FIRING", "DriverLost/q1 FIRING", "QueryStalled/q1 RESOLVED");
    }

    @Test
    void firingAlertsRepeatAndResolveOnce() {
        router.accept(alert("QueryFailed", "q1", AlertPhase.FIRING, T0, List.of("pagerduty")), next(0), Set.of(), T0);
        router.tick(T0.plus(Duration.ofMinutes(59)));
        assertThat(sent).hasSize(1);
        router.tick(T0.plus(Duration.ofMinutes(60)));
        assertThat(sent).hasSize(2);
        router.accept(alert("QueryFailed", "q1", AlertPhase.RESOLVED, T0.plus(Duration.ofMinutes(70)), List.of("pagerduty")), next(0), Set.of(),
                T0.plus(Duration.ofMinutes(70)));
        assertThat(sent.get(2).status()).isEqualTo(AlertPhase.RESOLVED);
        router.tick(T0.plus(Duration.ofHours(3)));
        assertThat(sent).hasSize(3);
        assertThat(router.firing()).isEmpty();
    }

    @Test
    void rememberedHistoryMutedWhenItFiredGoesOutWhenItsMuteEnds() {
        silences.add(new Silence("s1", Map.of("query", "q1"), T0, T0.plusSeconds(60), "ops", "maintenance"));
        router.remember(alert("QueryFailed", "q1", AlertPhase.FIRING, T0, List.of("pagerduty")), 0, T0);
        router.tick(T0.plusSeconds(30));
        assertThat(sent).isEmpty();
        router.tick(T0.plusSeconds(61));
        assertThat(sent).flatExtracting(Dispatch::alerts).extracting(AlertTransition::fingerprint).containsExactly("QueryFailed/q1");
    }

    /**
     * Issue 7 review, finding 1: an alert paged by the previous owner and inhibited when this instance takes
     * it over was treated as never sent; its resolve was lost (the PagerDuty incident stayed open).
     */
    @Test
    void aPagedAlertInhibitedWhenTakenOverGetsItsResolve() {
        takeOverStalledThenInhibited();
        assertOnlyItsResolveGoesOut("QueryStalled", T0.plusSeconds(120));
    }

    /** Finding 1: ... and when its inhibitor resolved first, it was paged again as a new firing. */
    @Test
    void aPagedAlertInhibitedWhenTakenOverIsNotPagedAgainWhenTheInhibitionEnds() {
        takeOverStalledThenInhibited();
        router.accept(alert("DriverLost", "q1", AlertPhase.RESOLVED, T0.plusSeconds(120), List.of("pagerduty")), next(0), Set.of(), T0.plusSeconds(120));
        router.tick(T0.plusSeconds(125));
        router.tick(T0.plusSeconds(130));
        assertThat(sent).extracting(d -> d.alerts().get(0).fingerprint() + " " + d.status()).containsExactly("DriverLost/q1 RESOLVED");
    }

    /** QueryStalled paged, then DriverLost fired and inhibits it; then this instance takes the partition over. */
    private void takeOverStalledThenInhibited() {
        router.replaying(List.of(0));
        router.remember(alert("QueryStalled", "q1", AlertPhase.FIRING, T0, List.of("pagerduty")), 0, T0.plusSeconds(100));
        router.remember(alert("DriverLost", "q1", AlertPhase.FIRING, T0.plusSeconds(60), List.of("pagerduty")), 0, T0.plusSeconds(100));
        router.caughtUp(0);
        router.tick(T0.plusSeconds(101));
        assertThat(sent).isEmpty();
    }

    /** Finding 1: a silence made after the alert was paged does not make the next owner page it again, nor lose its resolve. */
    @Test
    void aPagedAlertSilencedLaterIsNotPagedAgainByItsNextOwnerAndGetsItsResolve() {
        silences.add(new Silence("s1", Map.of("query", "q1"), T0.plusSeconds(30), T0.plusSeconds(60), "ops", "maintenance"));
        router.replaying(List.of(0));
        router.remember(alert("QueryFailed", "q1", AlertPhase.FIRING, T0, List.of("pagerduty")), 0, T0.plusSeconds(40));
        router.caughtUp(0);
        router.tick(T0.plusSeconds(40));
        router.tick(T0.plusSeconds(61));
        router.tick(T0.plusSeconds(63));
        assertThat(sent).isEmpty();
        assertOnlyItsResolveGoesOut("QueryFailed", T0.plusSeconds(70));
    }

    /** Finding 1: an alert inhibited when it fired, whose inhibitor resolved before the take-over, was sent then: not again. */
    @Test
    void rememberedHistoryWhoseMuteEndedInHistoryIsNotPagedAgain() {
        router.replaying(List.of(0));
        router.remember(alert("DriverLost", "q1", AlertPhase.FIRING, T0, List.of("pagerduty")), 0, T0.plusSeconds(100));
        router.remember(alert("QueryStalled", "q1", AlertPhase.FIRING, T0.plusSeconds(10), List.of("pagerduty")), 0, T0.plusSeconds(100));
        router.remember(alert("DriverLost", "q1", AlertPhase.RESOLVED, T0.plusSeconds(20), List.of("pagerduty")), 0, T0.plusSeconds(100));
        router.caughtUp(0);
        router.tick(T0.plusSeconds(100));
        router.tick(T0.plusSeconds(102));
        assertThat(sent).isEmpty();
        assertOnlyItsResolveGoesOut("QueryStalled", T0.plusSeconds(110));
    }

    /** Finding 1: a firing the previous owner had handed to a receiver, muted now, is not sent to it again when the mute ends. */
    @Test
    void aFiringAlreadyHandedOnAndMutedNowIsNotSentAgainWhenItsMuteEnds() {
        silences.add(new Silence("s1", Map.of("query", "q1"), T0, T0.plusSeconds(60), "ops", "maintenance"));
        router.accept(alert("QueryFailed", "q1", AlertPhase.FIRING, T0, List.of("pagerduty")), next(0), Set.of("pagerduty"), T0.plusSeconds(1));
        router.tick(T0.plusSeconds(61));
        router.tick(T0.plusSeconds(63));
        assertThat(sent).isEmpty();
        assertOnlyItsResolveGoesOut("QueryFailed", T0.plusSeconds(70));
    }

    @Test
    void rememberedHistoryIsNotResentButCountsForInhibition() {
        router.remember(alert("DriverLost", "q1", AlertPhase.FIRING, T0, List.of("pagerduty")), 0, T0);
        router.accept(alert("QueryStalled", "q1", AlertPhase.FIRING, T0, List.of("pagerduty")), next(0), Set.of(), T0.plusSeconds(1));
        assertThat(sent).isEmpty();
        assertThat(router.firing()).extracting(AlertTransition::rule).containsExactly("DriverLost", "QueryStalled");
    }

    /** Finding 3: a group that delivery did not take stays, and holds its offsets back, until it is taken. */
    @Test
    void aGroupDeliveryDidNotTakeStaysAndGoesOutNextTick() {
        router.accept(alert("QueryFailed", "q1", AlertPhase.FIRING, T0, List.of("email")), next(0), Set.of(), T0);
        deliveryFails.set(true);
        router.tick(T0.plusSeconds(3));
        assertThat(sent).isEmpty();
        assertThat(router.pendingFrom(0, null)).as("its offset is not committed").hasValue(0);
        deliveryFails.set(false);
        router.tick(T0.plusSeconds(4));
        assertThat(sent).extracting(Dispatch::receiver).containsExactly("email");
        assertThat(router.oldestPendingSince()).isEmpty();
        assertThat(registry.get("streamops.exporter.routing.dispatch.failures").counter().count()).isEqualTo(1);
    }

    /**
     * Issue 7 review, finding 3: a hand-over whose delivery failed dropped the group anyway, so the commit
     * that followed went past its offset and nobody ever sent it. The group now stays, holding its offset
     * back, until the loop has committed and drops the partition.
     */
    @Test
    void aHandOverWhoseDeliveryFailsKeepsTheGroupsOffsetForTheCommit() {
        Source firing = next(0);
        router.accept(alert("QueryFailed", "q1", AlertPhase.FIRING, T0, List.of("email")), firing, Set.of(), T0);
        router.accept(alert("QueryFailed", "q2", AlertPhase.FIRING, T0, List.of("email")), next(1), Set.of(), T0);
        deliveryFails.set(true);
        Set<Integer> undelivered = router.handOver(List.of(0), T0.plusSeconds(1));
        assertThat(sent).isEmpty();
        assertThat(undelivered).containsExactly(0);
        assertThat(router.pendingFrom(0, null)).as("not committed past").hasValue(firing.offset());
        assertThat(router.receiversWaiting(0)).containsExactly("email");
        router.drop(undelivered);
        assertThat(router.pendingFrom(0, null)).isEmpty();
        assertThat(router.firing()).extracting(t -> t.labels().get("query")).containsExactly("q2");

        deliveryFails.set(false);
        assertThat(router.handOver(List.of(1), T0.plusSeconds(2))).as("delivered: nothing left to commit at").isEmpty();
        assertThat(sent).extracting(Dispatch::receiver).containsExactly("email");
        assertThat(router.firing()).isEmpty();
    }

    /**
     * Finding 12: a firing and its resolve within one group_wait reach a waiting receiver as nothing (not as
     * a lone resolve), a receiver without wait as both; the resolve says what the firing said.
     */
    @Test
    void perReceiverAFiringAndItsResolveOrNothing() {
        router.accept(withSummary(alert("DriverLost", "q1", AlertPhase.FIRING, T0, List.of("email", "pagerduty")),
                "no heartbeat for 1m 34s"), next(0), Set.of(), T0);
        router.accept(withSummary(alert("DriverLost", "q1", AlertPhase.RESOLVED, T0.plusSeconds(1), List.of("email", "pagerduty")),
                "no heartbeat for 932ms"), next(0), Set.of(), T0.plusSeconds(1));
        router.tick(T0.plusSeconds(3));
        assertThat(sent).extracting(d -> d.receiver() + " " + d.status() + " " + d.alerts().get(0).annotations().get("summary"))
                .containsExactly("pagerduty FIRING no heartbeat for 1m 34s", "pagerduty RESOLVED no heartbeat for 1m 34s");
        assertThat(router.oldestPendingSince()).isEmpty();
    }

    @Test
    void aResolveAfterTheFiringWentOutReachesTheWaitingReceiverToo() {
        router.accept(alert("QueryFailed", "q1", AlertPhase.FIRING, T0, List.of("email")), next(0), Set.of(), T0);
        router.tick(T0.plusSeconds(2));
        router.accept(alert("QueryFailed", "q1", AlertPhase.RESOLVED, T0.plusSeconds(5), List.of("email")), next(0), Set.of(), T0.plusSeconds(5));
        router.tick(T0.plusSeconds(7));
        assertThat(sent).extracting(d -> d.receiver() + " " + d.status()).containsExactly("email FIRING", "email RESOLVED");
    }

    private static AlertTransition withSummary(AlertTransition t, String summary) {
        return new AlertTransition(t.fingerprint(), t.rule(), t.phase(), t.severity(), t.labels(), Map.of("summary", summary),
                t.signals(), t.receivers(), t.repeatInterval(), t.sendResolved(), t.startsAt(), t.endsAt(), t.at());
    }

    /** {@code rule} for q1 resolves at {@code at}, and that resolve is all that was ever sent. */
    private void assertOnlyItsResolveGoesOut(String rule, Instant at) {
        router.accept(alert(rule, "q1", AlertPhase.RESOLVED, at, List.of("pagerduty")), next(0), Set.of(), at);
        assertThat(sent).extracting(d -> d.alerts().get(0).fingerprint() + " " + d.status()).containsExactly(rule + "/q1 RESOLVED");
    }

    private long offset;

    /** The next record of {@code partition}. */
    /**
     * Issue 7: an alert firing for longer than the alerts topic's retention. On a takeover its FIRING
     * record is gone from the replayed history, and its resolve, unknown here, was dropped: the incident
     * it opened stayed open for good. Now a resolve of an alert that fired before the retained history
     * begins goes out; one of an alert unknown for another reason (never sent) still does not.
     */
    @Test
    void aResolveWhoseFiringTheTopicsRetentionDeletedStillGoesOut() {
        Instant retainedFrom = T0.plus(Duration.ofDays(7));
        Instant now = T0.plus(Duration.ofDays(8));
        router.replaying(List.of(0));
        router.historyStartsAt(0, retainedFrom);
        router.caughtUp(0);
        AlertTransition longFiring = new AlertTransition("QueryFailed/q1", "QueryFailed", AlertPhase.RESOLVED, "critical",
                Map.of("alertname", "QueryFailed", "job", "grocery", "query", "q1", "query_id", "q1"), Map.of("summary", "QueryFailed q1"),
                Map.of(), List.of("pagerduty"), Duration.ofHours(1), true, T0, now, now);
        AlertTransition unknownRecent = new AlertTransition("QueryFailed/q2", "QueryFailed", AlertPhase.RESOLVED, "critical",
                Map.of("alertname", "QueryFailed", "job", "grocery", "query", "q2", "query_id", "q2"), Map.of("summary", "QueryFailed q2"),
                Map.of(), List.of("pagerduty"), Duration.ofHours(1), true, retainedFrom.plusSeconds(60), now, now);
        router.accept(longFiring, next(0), Set.of(), now);
        router.accept(unknownRecent, next(0), Set.of(), now);
        assertThat(sent).extracting(Dispatch::status).containsExactly(AlertPhase.RESOLVED);
        assertThat(sent).flatExtracting(Dispatch::alerts).extracting(AlertTransition::fingerprint).containsExactly("QueryFailed/q1");
    }

    private AlertTransition resolvedAfterRetention(String query, List<String> receivers, Instant startsAt, Instant now) {
        return new AlertTransition(AlertTransition.fingerprint("QueryFailed", query), "QueryFailed", AlertPhase.RESOLVED,
                "critical", Map.of("alertname", "QueryFailed", "job", "grocery", "query", query, "query_id", query),
                Map.of("summary", "QueryFailed " + query), Map.of(), receivers, Duration.ofHours(4), true, startsAt, now, now);
    }

    /**
     * Issue 7 review (finding 12): a resolve whose firing retention deleted goes only to receivers for which a
     * resolve without its firing is a no-op by contract (PagerDuty, Alertmanager), never to email or a webhook.
     */
    @Test
    void aResolveWhoseFiringRetentionDeletedGoesOnlyWhereALoneResolveIsANoOp() {
        Instant now = T0.plus(Duration.ofDays(8));
        router.replaying(List.of(0));
        router.historyStartsAt(0, T0.plus(Duration.ofDays(7)));
        router.caughtUp(0);
        router.accept(resolvedAfterRetention("q1", List.of("pagerduty", "email", "webhook", "alertmanager"), T0, now),
                next(0), Set.of(), now);
        router.tick(now.plusSeconds(5));
        assertThat(sent).extracting(Dispatch::receiver).containsExactlyInAnyOrder("pagerduty", "alertmanager");
    }

    /** Issue 7 review, probe 2: a firing silenced all its life, deleted by retention: its resolve goes nowhere. */
    @Test
    void aResolveWhoseFiringWasSilencedWhenItFiredGoesNowhere() {
        Instant now = T0.plus(Duration.ofDays(8));
        silences.add(new Silence("s2", Map.of("query", "q9"), T0.minusSeconds(60), now.plusSeconds(3600), "ops", "known broken"));
        router.replaying(List.of(0));
        router.historyStartsAt(0, T0.plus(Duration.ofDays(7)));
        router.caughtUp(0);
        router.accept(resolvedAfterRetention("q9", List.of("pagerduty", "alertmanager"), T0, now), next(0), Set.of(), now);
        router.tick(now.plusSeconds(5));
        assertThat(sent).as("its firing was held back by the silence: nothing to resolve").isEmpty();
    }

    /**
     * Issue 7 review, probe 1: a silence from 10 s to 118 s on an alert repeating every 60 s sent at 118 s
     * and again at 120 s. The send at the mute's end takes the next grid point's place.
     */
    @Test
    void aRepeatAfterAMuteEndsIsNotFollowedByAnotherWithinSeconds() {
        List<Long> at = new ArrayList<>();
        List<Silence> muting = new ArrayList<>();
        Instant[] now = {T0};
        AlertRouter r = new AlertRouter(InhibitRule.DEFAULTS, () -> muting, List.of("job", "alertname"), x -> Duration.ZERO,
                d -> at.add(Duration.between(T0, now[0]).getSeconds()), registry);
        r.accept(new AlertTransition(AlertTransition.fingerprint("QueryFailed", "q1"), "QueryFailed", AlertPhase.FIRING,
                "critical", Map.of("alertname", "QueryFailed", "job", "grocery", "query", "q1", "query_id", "q1"),
                Map.of("summary", "QueryFailed q1"), Map.of(), List.of("pagerduty"), Duration.ofSeconds(60), true, T0, null, T0),
                next(0), Set.of(), T0);
        muting.add(new Silence("s1", Map.of("query", "q1"), T0.plusSeconds(10), T0.plusSeconds(118), "ops", "probe"));
        for (int s = 1; s <= 250; s++) {
            now[0] = T0.plusSeconds(s);
            r.tick(now[0]);
        }
        assertThat(at).as("sends (repeat 60 s, silenced 10..118 s)").containsExactly(0L, 118L, 180L, 240L);
        for (int i = 1; i < at.size(); i++) {
            assertThat(at.get(i) - at.get(i - 1)).as("gap before send %d", i).isGreaterThanOrEqualTo(30);
        }
    }

    private Source next(int partition) {
        return new Source(partition, offset++);
    }
}
