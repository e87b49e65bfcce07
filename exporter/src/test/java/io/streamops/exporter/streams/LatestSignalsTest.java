package io.streamops.exporter.streams;

import io.streamops.exporter.signals.QueryStatus;
import io.streamops.exporter.signals.Signals;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What the endpoints see: each task's last pass, gone when the task goes or when its passes stop. */
class LatestSignalsTest {
    private static final Instant T0 = Instant.parse("2026-11-21T10:00:00Z");

    private static Signals query(String job, String id, String name) {
        return new Signals(job, id, name, "run", Map.of(), QueryStatus.ACTIVE, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0,
                true, true, "", "", 0, List.of());
    }

    @Test
    void eachTasksLastPassSortedUntilItIsWithdrawnOrStale() {
        Instant[] now = {T0};
        LatestSignals latest = new LatestSignals(new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        });
        latest.publish("0_1", Map.of("b", query("jobB", "b", "beta")), T0.toEpochMilli());
        latest.publish("0_2", Map.of("a", query("jobA", "a", "alpha"), "c", query("jobA", "c", "")), T0.toEpochMilli());
        assertThat(latest.all()).extracting(Signals::queryId).containsExactly("a", "c", "b");

        latest.publish("0_1", Map.of(), T0.toEpochMilli());
        assertThat(latest.all()).extracting(Signals::queryId).containsExactly("a", "c");

        now[0] = T0.plus(LatestSignals.STALE_AFTER);
        latest.publish("0_1", Map.of("b", query("jobB", "b", "beta")), now[0].toEpochMilli());
        assertThat(latest.all()).as("0_2 exactly at the limit").extracting(Signals::queryId).containsExactly("a", "c", "b");
        now[0] = now[0].plusMillis(1);
        assertThat(latest.all()).as("0_2 has not passed for too long").extracting(Signals::queryId).containsExactly("b");

        latest.withdraw("0_1");
        assertThat(latest.all()).isEmpty();
    }
}
