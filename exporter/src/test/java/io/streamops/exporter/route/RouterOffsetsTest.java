package io.streamops.exporter.route;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RouterOffsetsTest {
    private static final TopicPartition P0 = new TopicPartition("streamops-alerts", 0);
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    @Test
    void aSteadyStreamIsCommittedUpToWhatTheWaitingGroupsHoldNotHeldBackForEver() {
        RouterOffsets offsets = new RouterOffsets();
        offsets.assigned(P0, 10);
        // One transition every 500 ms with a 1 s group_wait: some group is always waiting.
        for (int i = 0; i < 10; i++) {
            offsets.accepted(P0, T0.plusMillis(500L * i), 11 + i);
        }
        // The oldest group still waiting began at +4 s: everything accepted before then is dispatched.
        Map<TopicPartition, Long> ready = offsets.toCommit(tp -> Optional.of(T0.plusSeconds(4)));
        assertThat(ready).as("accepted at +0 s to +3.5 s").containsExactly(Map.entry(P0, 18L));

        offsets.committed(ready);
        assertThat(offsets.toCommit(tp -> Optional.of(T0.plusSeconds(4)))).as("nothing moved").isEmpty();
        assertThat(offsets.toCommit(tp -> Optional.empty())).as("nothing waits: all of it").containsExactly(Map.entry(P0, 20L));
    }

    @Test
    void aTransitionAcceptedWhenItsGroupBeganWaitsWithItAndAFailedCommitIsAskedForAgain() {
        RouterOffsets offsets = new RouterOffsets();
        offsets.accepted(P0, T0, 1);
        assertThat(offsets.toCommit(tp -> Optional.of(T0))).isEmpty();
        assertThat(offsets.toCommit(tp -> Optional.empty())).containsExactly(Map.entry(P0, 1L));
        // commitSync threw: committed(...) was never called, so the same offset comes again.
        assertThat(offsets.toCommit(tp -> Optional.empty())).containsExactly(Map.entry(P0, 1L));
        offsets.revoked(P0);
        assertThat(offsets.toCommit(tp -> Optional.empty())).isEmpty();
    }
}
