package io.streamops.exporter.alert;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamops.exporter.rules.RuleSet;
import io.streamops.exporter.rules.TestRules;
import io.streamops.exporter.signals.QueryStatus;
import io.streamops.exporter.signals.Signals;
import io.streamops.exporter.signals.TestSignals;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A reload replaces the rule set; alert state is keyed by rule name and carries over. */
class RuleReloadTest {

    static final Instant T0 = Instant.parse("2025-03-01T12:00:00Z");

    static final AlertTracker BEFORE = new AlertTracker(TestRules.load("""
            rules:
              - name: Lagging
                expr: records_behind > 1000.0
                for: 5m
                severity: warning
                notify: [email]
                annotations: {summary: '"lag " + humanize(records_behind)'}
              - name: Failed
                expr: status == "failed"
                severity: critical
                labels: {team: data}
                notify: [pagerduty]
                annotations: {summary: '"failed: " + query'}
            """));

    final Signals lagging = TestSignals.healthy().with(s -> s.recordsBehind = 50_000).build();
    final Signals failedAndLagging = TestSignals.healthy().with(s -> {
        s.status = QueryStatus.FAILED;
        s.recordsBehind = 50_000;
    }).build();

    @Test
    void aChangedRuleKeepsItsPendingAlertUnderTheNewFor() {
        QueryAlertState pending = BEFORE.evaluate(QueryAlertState.empty(lagging.queryId()), lagging, T0).state();
        AlertTracker after = new AlertTracker(TestRules.load("""
                rules:
                  - name: Lagging
                    expr: records_behind > 2000.0
                    for: 10m
                    severity: error
                    notify: [email]
                """));

        AlertUpdate atOldFor = after.evaluate(pending, lagging, T0.plus(Duration.ofMinutes(5)));
        assertThat(atOldFor.transitions()).isEmpty();
        AlertUpdate atNewFor = after.evaluate(atOldFor.state(), lagging, T0.plus(Duration.ofMinutes(10)));
        assertThat(atNewFor.transitions()).singleElement().satisfies(t -> {
            assertThat(t.phase()).isEqualTo(AlertPhase.FIRING);
            assertThat(t.startsAt()).isEqualTo(T0);
            assertThat(t.severity()).isEqualTo("error");
        });
    }

    @Test
    void aChangedRuleKeepsItsFiringAlertWithoutFiringAgain() {
        QueryAlertState firing = BEFORE.evaluate(QueryAlertState.empty(failedAndLagging.queryId()), failedAndLagging, T0).state();
        AlertTracker after = new AlertTracker(TestRules.load("""
                rules:
                  - name: Failed
                    expr: status == "failed" || status == "driver_lost"
                    severity: critical
                    notify: [pagerduty]
                """));
        AlertUpdate update = after.evaluate(firing, failedAndLagging, T0.plusSeconds(1));
        assertThat(update.transitions()).isEmpty();
        assertThat(update.state().alerts().get("Failed").phase()).isEqualTo(AlertPhase.FIRING);
    }

    @Test
    void removedRulesResolveTheirFiringAlertsAndDropTheirPendingOnes() {
        QueryAlertState state = BEFORE.evaluate(QueryAlertState.empty(failedAndLagging.queryId()), failedAndLagging, T0).state();
        assertThat(state.alerts()).containsOnlyKeys("Failed", "Lagging"); // Failed firing, Lagging pending

        AlertUpdate update = new AlertTracker(RuleSet.empty()).evaluate(state, failedAndLagging, T0.plusSeconds(10));

        assertThat(update.transitions()).singleElement().satisfies(t -> {
            assertThat(t.phase()).isEqualTo(AlertPhase.RESOLVED);
            assertThat(t.fingerprint()).isEqualTo("Failed/" + failedAndLagging.queryId());
            assertThat(t.startsAt()).isEqualTo(T0);
            assertThat(t.endsAt()).isEqualTo(T0.plusSeconds(10));
            // what the firing announced: same labels, receivers and texts
            assertThat(t.labels()).containsEntry("team", "data").containsEntry("severity", "critical");
            assertThat(t.receivers()).containsExactly("pagerduty");
            assertThat(t.annotations()).containsEntry("summary", "failed: cough-syrup-alerts");
        });
        assertThat(update.state().isEmpty()).isTrue();
    }

    @Test
    void renamingARuleResolvesTheOldAlertAndStartsANewOne() {
        QueryAlertState state = BEFORE.evaluate(QueryAlertState.empty(failedAndLagging.queryId()), failedAndLagging, T0).state();
        AlertTracker renamed = new AlertTracker(TestRules.load("""
                rules:
                  - name: QueryFailed
                    expr: status == "failed"
                    severity: critical
                """));
        AlertUpdate update = renamed.evaluate(state, failedAndLagging, T0.plusSeconds(1));
        assertThat(update.transitions()).extracting(AlertTransition::fingerprint, AlertTransition::phase).containsExactlyInAnyOrder(
                org.assertj.core.groups.Tuple.tuple("QueryFailed/" + failedAndLagging.queryId(), AlertPhase.FIRING),
                org.assertj.core.groups.Tuple.tuple("Failed/" + failedAndLagging.queryId(), AlertPhase.RESOLVED));
    }

    @Test
    void resolveGoesToTheReceiversThatGotTheFiringEvenIfNotifyChanged() {
        QueryAlertState firing = BEFORE.evaluate(QueryAlertState.empty(failedAndLagging.queryId()), failedAndLagging, T0).state();
        AlertTracker after = new AlertTracker(TestRules.load("""
                rules:
                  - name: Failed
                    expr: status == "failed"
                    severity: critical
                    notify: [email]
                    annotations: {summary: '"recovered: " + query'}
                """));
        Signals recovered = TestSignals.healthy().build();
        AlertUpdate update = after.evaluate(firing, recovered, T0.plusSeconds(5));
        assertThat(update.transitions()).singleElement().satisfies(t -> {
            assertThat(t.phase()).isEqualTo(AlertPhase.RESOLVED);
            assertThat(t.receivers()).containsExactly("pagerduty"); // closes the incident it opened
            assertThat(t.annotations()).containsEntry("summary", "failed: cough-syrup-alerts"); // the texts the firing was sent with
        });
    }
}
