package io.streamops.exporter.web;

import io.streamops.exporter.alert.AlertPhase;
import io.streamops.exporter.alert.AlertTransition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AlertHistoryTest {
    private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

    private static AlertTransition firing(String rule, String query, Instant startsAt) {
        return new AlertTransition(AlertTransition.fingerprint(rule, query), rule, AlertPhase.FIRING, "critical",
                Map.of("alertname", rule, "job", "grocery", "query", query, "query_id", query),
                Map.of("summary", query + " failed"), Map.of(), List.of(), Duration.ofHours(4), true, startsAt, null, startsAt);
    }

    @Test
    void recordsWhatStartedAndStoppedFiringNewestFirst() {
        AlertHistory history = new AlertHistory(10);
        AlertTransition a = firing("QueryFailed", "q1", T0);
        AlertTransition b = firing("QueryStalled", "q2", T0.plusSeconds(5));
        history.observe(List.of(a), T0.plusSeconds(1));
        history.observe(List.of(a, b), T0.plusSeconds(6));
        history.observe(List.of(a, b), T0.plusSeconds(8)); // nothing changed
        history.observe(List.of(b), T0.plusSeconds(10));
        assertThat(history.recent(10)).extracting(AlertHistory.Entry::phase, AlertHistory.Entry::alertname, AlertHistory.Entry::at)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("resolved", "QueryFailed", T0.plusSeconds(10)),
                        org.assertj.core.groups.Tuple.tuple("firing", "QueryStalled", T0.plusSeconds(5)),
                        org.assertj.core.groups.Tuple.tuple("firing", "QueryFailed", T0));
        assertThat(history.recent(1)).hasSize(1);
    }

    @Test
    void aRefiringAlertIsANewEntryAndTheHistoryIsBounded() {
        AlertHistory history = new AlertHistory(3);
        history.observe(List.of(firing("QueryFailed", "q1", T0)), T0);
        history.observe(List.of(firing("QueryFailed", "q1", T0.plusSeconds(60))), T0.plusSeconds(60));
        assertThat(history.recent(10)).extracting(AlertHistory.Entry::startsAt).containsExactly(T0.plusSeconds(60), T0);
        for (int i = 0; i < 5; i++) {
            history.observe(List.of(firing("R" + i, "q", T0.plusSeconds(100 + i))), T0.plusSeconds(100 + i));
        }
        assertThat(history.recent(10)).hasSize(3);
    }
}
