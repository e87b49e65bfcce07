package io.streamops.exporter.restart;

import io.streamops.exporter.alert.AlertPhase;
import io.streamops.exporter.alert.AlertTransition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TransitionSubjectTest {
    private static AlertTransition firing(Map<String, String> labels, Map<String, Object> signals) {
        Instant at = Instant.parse("2026-12-03T10:00:00Z");
        return new AlertTransition("QueryFailed/q-1", "QueryFailed", AlertPhase.FIRING, "critical", labels, Map.of(), signals,
                List.of("pagerduty"), Duration.ofHours(4), true, at, null, at);
    }

    @Test
    void readsTheJobQueryTagsStatusAndRunFromTheTransition() {
        TransitionSubject told = TransitionSubject.of(firing(
                Map.of("alertname", "QueryFailed", "job", "orders", "query", "enrich", "query_id", "q-1"),
                Map.of("status", "failed", "run_id", "run-7", "tags.env", "prod", "records_behind", 12.0)));
        assertThat(told.subject()).isEqualTo(new RestartSubject("orders", "enrich", "q-1", "", Map.of("env", "prod")));
        assertThat(told.queryStatus()).isEqualTo("failed");
        assertThat(told.runId()).isEqualTo("run-7");
    }

    @Test
    void anUnnamedQuerysLabelIsItsIdNotAName() {
        TransitionSubject told = TransitionSubject.of(firing(Map.of("job", "orders", "query", "q-1", "query_id", "q-1"), Map.of()));
        assertThat(told.subject().queryName()).isEmpty();
        assertThat(told.queryStatus()).isEmpty();
    }
}
