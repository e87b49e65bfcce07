package io.streamops.exporter.route;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.streamops.exporter.alert.AlertPhase;
import io.streamops.exporter.alert.AlertTransition;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class RouterOffsetsTest {
    private static final TopicPartition P0 = new TopicPartition("streamops-alerts", 0);
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");
    private static final List<String> RECEIVERS = List.of("pagerduty", "email");

    private final List<Dispatch> sent = new ArrayList<>();
    private final AlertRouter router = new AlertRouter(InhibitRule.DEFAULTS, List::of, List.of("job", "alertname"),
            receiver -> receiver.equals("pagerduty") ? Duration.ZERO : Duration.ofSeconds(1), sent::add, new SimpleMeterRegistry());

    private static AlertTransition firing(String query) {
        return new AlertTransition(AlertTransition.fingerprint("QueryFailed", query), "QueryFailed", AlertPhase.FIRING, "critical",
                Map.of("alertname", "QueryFailed", "job", "grocery", "query", query, "query_id", query), Map.of(),
                Map.of(), RECEIVERS, Duration.ofHours(1), true, T0, null, T0);
    }

    private Map<TopicPartition, OffsetAndMetadata> toCommit(RouterOffsets offsets) {
        return offsets.toCommit(router::pendingFrom, router::receiversWaiting);
    }

    /**
     * The kill between PagerDuty's page and the email group's flush: the commit stops before the firing,
     * and says PagerDuty had it, so the successor gives it to email only.
     */
    @Test
    void aSuccessorGivesEachReceiverOnlyWhatItHadNotBeenHanded() {
        RouterOffsets offsets = new RouterOffsets();
        offsets.assigned(P0, new OffsetAndMetadata(10));
        router.accept(firing("q1"), new Source(0, 10), offsets.alreadyHanded(P0, 10, RECEIVERS), T0);
        offsets.accepted(P0, 11);
        router.accept(firing("q2"), new Source(0, 11), offsets.alreadyHanded(P0, 11, RECEIVERS), T0);
        offsets.accepted(P0, 12);
        assertThat(sent).extracting(Dispatch::receiver).containsExactly("pagerduty", "pagerduty");

        Map<TopicPartition, OffsetAndMetadata> killedAfter = toCommit(offsets);
        assertThat(killedAfter.get(P0).offset()).as("the email group still holds offset 10").isEqualTo(10);

        RouterOffsets successor = new RouterOffsets();
        successor.assigned(P0, killedAfter.get(P0));
        assertThat(successor.alreadyHanded(P0, 10, RECEIVERS)).containsExactly("pagerduty");
        assertThat(successor.alreadyHanded(P0, 11, RECEIVERS)).containsExactly("pagerduty");
        assertThat(successor.alreadyHanded(P0, 12, RECEIVERS)).isEmpty();

        router.tick(T0.plusSeconds(1));
        Map<TopicPartition, OffsetAndMetadata> flushed = toCommit(offsets);
        assertThat(flushed.get(P0).offset()).as("all handed over").isEqualTo(12);
        offsets.committed(flushed);
        assertThat(toCommit(offsets)).as("nothing moved").isEmpty();
        RouterOffsets later = new RouterOffsets();
        later.assigned(P0, flushed.get(P0));
        assertThat(later.alreadyHanded(P0, 12, RECEIVERS)).isEmpty();
    }

    @Test
    void aFailedCommitIsAskedForAgainAndARevokedPartitionForgotten() {
        RouterOffsets offsets = new RouterOffsets();
        offsets.accepted(P0, 1);
        assertThat(toCommit(offsets)).containsOnlyKeys(P0);
        // commitSync threw: committed(...) was never called, so the same position comes again.
        assertThat(toCommit(offsets).get(P0).offset()).isEqualTo(1);
        offsets.revoked(P0);
        assertThat(toCommit(offsets)).isEmpty();
    }

    @Test
    void metadataNotOursMeansNothingWasHandedBeyondTheOffset() {
        RouterOffsets offsets = new RouterOffsets();
        offsets.assigned(P0, new OffsetAndMetadata(5, "written by some other tool"));
        assertThat(offsets.alreadyHanded(P0, 5, RECEIVERS)).isEmpty();
    }

    /**
     * Issue 7 review, finding 12: the broker refuses offset metadata over 4 KB (offset.metadata.max.bytes),
     * so with many receivers waiting every commit failed, forever. Past the cap it commits at the lowest
     * offset still waiting without metadata: the successor re-sends from there to all, and loses nothing.
     */
    @Test
    void metadataTooLargeForTheBrokerFallsBackToTheLowestWaitingOffset() {
        List<String> receivers = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            receivers.add("email-team-" + i + "-on-call-rotation");
        }
        RouterOffsets offsets = new RouterOffsets();
        offsets.assigned(P0, new OffsetAndMetadata(5));
        AlertTransition f = firing("q1");
        router.accept(new AlertTransition(f.fingerprint(), f.rule(), f.phase(), f.severity(), f.labels(), f.annotations(), f.signals(),
                receivers, f.repeatInterval(), f.sendResolved(), f.startsAt(), f.endsAt(), f.at()), new Source(0, 10), Set.of(), T0);
        offsets.accepted(P0, 11);
        OffsetAndMetadata position = toCommit(offsets).get(P0);
        assertThat(position.offset()).isEqualTo(10);
        assertThat(position.metadata().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(RouterOffsets.MAX_METADATA_BYTES);
        RouterOffsets successor = new RouterOffsets();
        successor.assigned(P0, position);
        assertThat(successor.alreadyHanded(P0, 10, receivers)).as("re-sent to all rather than lost").isEmpty();
    }

    /**
     * The scale-in while email is down: pagerduty had records 10 to 12, email had 11 (from another group) but
     * not 10 and 12, which the delivery queue gives back. The commit goes down to 10 and names them for email
     * alone, so the successor hands 10 and 12 to email and nothing else to anyone; killed before it re-read
     * 12, it still says so.
     */
    @Test
    void whatTheQueueGivesBackGoesToItsReceiverAloneFromTheOldestGivenBack() {
        RouterOffsets offsets = new RouterOffsets();
        offsets.assigned(P0, new OffsetAndMetadata(10));
        offsets.accepted(P0, 13);
        offsets.committed(toCommit(offsets));
        assertThat(toCommit(offsets)).as("nothing moved yet").isEmpty();

        assertThat(offsets.canReturn(P0)).isTrue();
        offsets.returned(P0, Map.of("email", new java.util.TreeSet<>(Set.of(10L, 12L))));
        OffsetAndMetadata position = toCommit(offsets).get(P0);
        assertThat(position.offset()).as("re-read from the oldest given back").isEqualTo(10);

        RouterOffsets successor = new RouterOffsets();
        successor.assigned(P0, position);
        assertThat(successor.alreadyHanded(P0, 10, RECEIVERS)).containsExactly("pagerduty");
        assertThat(successor.alreadyHanded(P0, 11, RECEIVERS)).containsExactlyElementsOf(RECEIVERS);
        assertThat(successor.alreadyHanded(P0, 12, RECEIVERS)).containsExactly("pagerduty");
        assertThat(successor.alreadyHanded(P0, 13, RECEIVERS)).isEmpty();
        assertThat(successor.acceptedBefore(P0, 12)).as("acted on as new by the previous owner").isTrue();
        assertThat(successor.acceptedBefore(P0, 13)).isFalse();

        successor.accepted(P0, 12); // re-read 10 and 11, then killed
        OffsetAndMetadata killed = successor.toCommit(router::pendingFrom, router::receiversWaiting).get(P0);
        assertThat(killed.offset()).isEqualTo(12);
        RouterOffsets third = new RouterOffsets();
        third.assigned(P0, killed);
        assertThat(third.alreadyHanded(P0, 12, RECEIVERS)).as("still given back").containsExactly("pagerduty");
        assertThat(third.alreadyHanded(P0, 13, RECEIVERS)).isEmpty();
    }

    /** Given back by an instance that read its partition only as history (a restart on its old data_dir). */
    @Test
    void aPartitionOnlyReReadHereCanGiveBackWhatItsDataDirHeld() {
        RouterOffsets offsets = new RouterOffsets();
        assertThat(offsets.canReturn(P0)).as("neither read nor committed: not this partition's records").isFalse();
        offsets.assigned(P0, new OffsetAndMetadata(20, new RouterOffsets.Handed(20, Map.of()).toMetadata()));
        offsets.returned(P0, Map.of("email", new java.util.TreeSet<>(Set.of(7L, 9L))));
        OffsetAndMetadata position = toCommit(offsets).get(P0);
        assertThat(position.offset()).isEqualTo(7);
        RouterOffsets successor = new RouterOffsets();
        successor.assigned(P0, position);
        assertThat(successor.alreadyHanded(P0, 7, RECEIVERS)).containsExactly("pagerduty");
        assertThat(successor.alreadyHanded(P0, 8, RECEIVERS)).containsExactlyElementsOf(RECEIVERS);
        assertThat(successor.alreadyHanded(P0, 9, RECEIVERS)).containsExactly("pagerduty");
    }

    /**
     * Too many records given back to name within the broker's 4 KB: each receiver concerned gets everything
     * again from its oldest (some twice), the others nothing again; never a record lost.
     */
    @Test
    void tooManyGivenBackToNameFallsBackToEverythingFromTheOldestForThatReceiver() {
        RouterOffsets offsets = new RouterOffsets();
        offsets.assigned(P0, new OffsetAndMetadata(0));
        offsets.accepted(P0, 2000);
        java.util.TreeSet<Long> many = new java.util.TreeSet<>();
        for (long o = 500; o < 1500; o++) {
            many.add(o);
        }
        offsets.returned(P0, Map.of("email", many));
        OffsetAndMetadata position = toCommit(offsets).get(P0);
        assertThat(position.metadata().getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(RouterOffsets.MAX_METADATA_BYTES);
        assertThat(position.offset()).isEqualTo(500);
        RouterOffsets successor = new RouterOffsets();
        successor.assigned(P0, position);
        assertThat(successor.alreadyHanded(P0, 500, RECEIVERS)).containsExactly("pagerduty");
        assertThat(successor.alreadyHanded(P0, 1700, RECEIVERS)).as("email again, from its oldest").containsExactly("pagerduty");
    }
}
