package io.streamops.exporter.web;

import io.streamops.exporter.signals.QueryStatus;
import io.streamops.exporter.signals.Signals;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SignalHistoryTest {
    @Test
    void keepsTheNewestSamplesOldestFirstAndNoMore() {
        SignalHistory history = new SignalHistory(5, 2000);
        for (int i = 0; i < 12; i++) {
            history.record(List.of(TestSignals.of("job", "q1", "one", QueryStatus.ACTIVE, i)), 1_000_000L + i * 2000L);
        }
        SignalHistory.View view = history.of("q1").orElseThrow();
        assertThat(view.t()).hasSize(5).isSorted();
        assertThat(view.series().get("inputRate")).containsExactly(7f, 8f, 9f, 10f, 11f);
        assertThat(view.t().get(4)).isEqualTo((1_000_000L + 11 * 2000L) / 1000);
        assertThat(view.series().get("watermarkDelaySeconds")).containsOnlyNulls(); // NaN: unknown
        assertThat(view.series()).containsOnlyKeys("inputRate", "processingRate", "batchDurationSeconds", "recordsBehind",
                "timeBehindSeconds", "watermarkDelaySeconds", "stateRows", "stateMemoryBytes");
    }

    @Test
    void forgetsAQueryOnceItsWholeRingHasAgedOut() {
        SignalHistory history = new SignalHistory(3, 1000);
        history.record(List.of(TestSignals.of("job", "gone", "g", QueryStatus.ACTIVE, 1),
                TestSignals.of("job", "stays", "s", QueryStatus.ACTIVE, 1)), 0);
        for (long at = 1000; at <= 3000; at += 1000) {
            history.record(List.of(TestSignals.of("job", "stays", "s", QueryStatus.ACTIVE, 1)), at);
        }
        assertThat(history.of("gone")).isPresent(); // 3 s old: still within 3 samples of 1 s
        history.record(List.of(TestSignals.of("job", "stays", "s", QueryStatus.ACTIVE, 1)), 3001);
        assertThat(history.of("gone")).isEmpty();
        assertThat(history.size()).isEqualTo(1);
    }

    /**
     * A fleet of 5,000 queries with full rings: memory is bounded by the ring, however long it runs. Prints the
     * heap it holds (measured, after GC) beside the arrays' own size; docs/dashboard.md quotes it.
     */
    @Test
    void aFleetOfThousandsHoldsBoundedMemory() {
        int queries = 5000;
        List<Signals> fleet = new ArrayList<>();
        for (int i = 0; i < queries; i++) {
            fleet.add(TestSignals.of("job-" + (i % 50), "query-id-" + i, "query-" + i, QueryStatus.ACTIVE, i));
        }
        long before = usedHeapAfterGc();
        SignalHistory history = new SignalHistory(Dashboard.SAMPLES_PER_QUERY, Dashboard.SAMPLE_INTERVAL.toMillis());
        long step = Dashboard.SAMPLE_INTERVAL.toMillis();
        for (int s = 0; s < Dashboard.SAMPLES_PER_QUERY * 2; s++) {
            history.record(fleet, s * step);
        }
        long held = usedHeapAfterGc() - before;
        assertThat(history.size()).isEqualTo(queries);
        assertThat(history.of("query-id-1").orElseThrow().t()).hasSize(Dashboard.SAMPLES_PER_QUERY);
        long arrays = SignalHistory.bytesPerQuery(Dashboard.SAMPLES_PER_QUERY) * queries;
        System.out.printf("signal history: %d queries x %d samples: %.1f MiB held (arrays alone %.1f MiB, %d bytes per query)%n",
                queries, Dashboard.SAMPLES_PER_QUERY, held / 1048576.0, arrays / 1048576.0, held / queries);
        // Generous: the arrays plus object and map overhead, not a second copy of anything.
        assertThat(held).isLessThan(arrays * 2);
    }

    private static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }
}
