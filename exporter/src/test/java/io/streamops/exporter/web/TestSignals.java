package io.streamops.exporter.web;

import io.streamops.exporter.signals.QueryStatus;
import io.streamops.exporter.signals.Signals;

import java.util.List;
import java.util.Map;

/** Signals of one query for the dashboard's tests: identity, status and a few numbers, the rest unknown. */
final class TestSignals {
    private TestSignals() {
    }

    static Signals of(String job, String queryId, String name, QueryStatus status, double inputRate) {
        double nan = Double.NaN;
        return new Signals(job, queryId, name, "run-" + queryId, Map.of(), status, inputRate, inputRate * 0.9, 0.9,
                1.5, 1.0, 1000, 10, 2.0, nan, 42, 4096, 0, 0, 1, 1, status == QueryStatus.FAILED ? 1 : 0, true, true,
                status == QueryStatus.FAILED ? "boom" : "", "", 0, List.of());
    }
}
