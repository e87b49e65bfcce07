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
}
