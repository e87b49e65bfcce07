package io.streamops.exporter.alert;

import static io.streamops.exporter.rules.TestRules.load;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.streamops.exporter.rules.RuleSet;
import io.streamops.exporter.signals.QueryStatus;
import io.streamops.exporter.signals.Signals;
import io.streamops.exporter.signals.TestSignals;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Alert lifecycle timing, Prometheus semantics: pending, firing at `for`, keep_firing_for, resolved. */
class AlertTrackerTest {

    static final Instant T0 = Instant.parse("2025-03-01T12:00:00Z");

    static final String RULES = """
            rules:
              - name: Lagging
                expr: records_behind > 1000.0
                for: 5m
                keep_firing_for: 2m
                severity: warning
                labels: {team: data}
                annotations:
                  summary: '"lag " + humanize(records_behind) + " on " + query'
                notify: [email]
                repeat_interval: 1h

              - name: Failed
                expr: status == "failed"
                severity: critical
                notify: [pagerduty, email]
            """;

    final AlertTracker tracker = new AlertTracker(load(RULES));
    final Signals lagging = TestSignals.healthy().with(s -> s.recordsBehind = 50_000).build();
    final Signals caughtUp = TestSignals.healthy().build();
    final Signals failed = TestSignals.healthy().with(s -> s.status = QueryStatus.FAILED).build();

    /** Feeds evaluations one at a time, keeping the state and everything emitted. */
    final class Run {
        QueryAlertState state = QueryAlertState.empty(lagging.queryId());
        final List<AlertTransition> emitted = new ArrayList<>();
        AlertUpdate last;

        List<AlertTransition> at(Duration sinceT0, Signals signals) {
            last = tracker.evaluate(state, signals, T0.plus(sinceT0));
            state = last.state();
            emitted.addAll(last.transitions());
            return last.transitions();
        }

        AlertState alert(String rule) {
            return state.alerts().get(rule);
        }
    }

    @Test
    void pendingWhileForRunsThenFiringExactlyAtFor() {
        Run run = new Run();

        assertThat(run.at(Duration.ZERO, lagging)).isEmpty();
        assertThat(run.alert("Lagging").phase()).isEqualTo(AlertPhase.PENDING);
        assertThat(run.alert("Lagging").activeAt()).isEqualTo(T0);

        assertThat(run.at(Duration.ofMinutes(5).minusMillis(1), lagging)).isEmpty();
        assertThat(run.alert("Lagging").phase()).isEqualTo(AlertPhase.PENDING);

        List<AlertTransition> fired = run.at(Duration.ofMinutes(5), lagging);
        assertThat(fired).singleElement().satisfies(t -> {
            assertThat(t.phase()).isEqualTo(AlertPhase.FIRING);
            assertThat(t.fingerprint()).isEqualTo("Lagging/" + lagging.queryId());
            assertThat(t.rule()).isEqualTo("Lagging");
            assertThat(t.severity()).isEqualTo("warning");
            assertThat(t.startsAt()).isEqualTo(T0);
            assertThat(t.endsAt()).isNull();
            assertThat(t.at()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
            assertThat(t.labels()).containsOnly(
                    java.util.Map.entry("alertname", "Lagging"), java.util.Map.entry("severity", "warning"),
                    java.util.Map.entry("job", "grocery-orders"), java.util.Map.entry("query", "cough-syrup-alerts"),
                    java.util.Map.entry("query_id", lagging.queryId()), java.util.Map.entry("team", "data"));
            assertThat(t.annotations()).containsOnly(java.util.Map.entry("summary", "lag 50k on cough-syrup-alerts"));
            assertThat(t.receivers()).containsExactly("email");
            assertThat(t.repeatInterval()).isEqualTo(Duration.ofHours(1));
            assertThat(t.sendResolved()).isTrue();
            assertThat(t.signals()).containsEntry("records_behind", 50_000.0).containsEntry("status", "active")
                    .containsEntry("tags.env", "prod").doesNotContainKey("tags");
        });
        assertThat(run.alert("Lagging").phase()).isEqualTo(AlertPhase.FIRING);
        assertThat(run.alert("Lagging").firedAt()).isEqualTo(T0.plus(Duration.ofMinutes(5)));
    }

    @Test
    void firingIsEmittedOnceNotOnEveryEvaluation() {
        Run run = new Run();
        for (int second = 0; second <= 3600; second++) {
            run.at(Duration.ofSeconds(second), lagging);
        }
        assertThat(run.emitted).extracting(AlertTransition::phase).containsExactly(AlertPhase.FIRING);
        assertThat(run.last.stateChanged()).isFalse();
    }

    @Test
    void forZeroFiresOnTheFirstEvaluation() {
        Run run = new Run();
        assertThat(run.at(Duration.ZERO, failed)).singleElement().satisfies(t -> {
            assertThat(t.phase()).isEqualTo(AlertPhase.FIRING);
            assertThat(t.startsAt()).isEqualTo(T0);
            assertThat(t.at()).isEqualTo(T0);
            assertThat(t.receivers()).containsExactly("pagerduty", "email");
        });
    }

    @Test
    void pendingThatStopsHoldingJustDisappears() {
        Run run = new Run();
        run.at(Duration.ZERO, lagging);
        assertThat(run.at(Duration.ofMinutes(4), caughtUp)).isEmpty();
        assertThat(run.state.isEmpty()).isTrue();

        // holding again starts a new pending period: `for` counts from the new start
        run.at(Duration.ofMinutes(6), lagging);
        assertThat(run.alert("Lagging").activeAt()).isEqualTo(T0.plus(Duration.ofMinutes(6)));
        assertThat(run.at(Duration.ofMinutes(10), lagging)).isEmpty();
        assertThat(run.at(Duration.ofMinutes(11), lagging)).extracting(AlertTransition::phase).containsExactly(AlertPhase.FIRING);
        assertThat(run.emitted).hasSize(1);
    }

    @Test
    void firingKeepsFiringForKeepFiringForThenResolves() {
        Run run = new Run();
        run.at(Duration.ZERO, lagging);
        run.at(Duration.ofMinutes(5), lagging);

        assertThat(run.at(Duration.ofMinutes(6), caughtUp)).isEmpty();
        assertThat(run.alert("Lagging").phase()).isEqualTo(AlertPhase.FIRING);
        assertThat(run.alert("Lagging").keepFiringSince()).isEqualTo(T0.plus(Duration.ofMinutes(6)));
        assertThat(run.at(Duration.ofMinutes(8).minusMillis(1), caughtUp)).isEmpty();

        List<AlertTransition> resolved = run.at(Duration.ofMinutes(8), caughtUp);
        assertThat(resolved).singleElement().satisfies(t -> {
            assertThat(t.phase()).isEqualTo(AlertPhase.RESOLVED);
            assertThat(t.fingerprint()).isEqualTo("Lagging/" + lagging.queryId());
            assertThat(t.startsAt()).isEqualTo(T0);
            assertThat(t.endsAt()).isEqualTo(T0.plus(Duration.ofMinutes(8)));
            assertThat(t.at()).isEqualTo(T0.plus(Duration.ofMinutes(8)));
            assertThat(t.receivers()).containsExactly("email");
            assertThat(t.labels()).containsEntry("alertname", "Lagging").containsEntry("team", "data");
            // the texts the firing was sent with, not rendered again from the signals at the resolve
            // (issue 7, finding 12: a resolve read "no heartbeat for 932ms"); the signals are the resolve's
            assertThat(t.annotations()).containsOnly(java.util.Map.entry("summary", "lag 50k on cough-syrup-alerts"));
            assertThat(t.signals()).containsEntry("records_behind", 500.0);
        });
        assertThat(run.state.isEmpty()).isTrue();
    }

    @Test
    void holdingAgainDuringKeepFiringForCancelsTheCountdown() {
        Run run = new Run();
        run.at(Duration.ZERO, lagging);
        run.at(Duration.ofMinutes(5), lagging);
        run.at(Duration.ofMinutes(6), caughtUp);       // countdown from 6m
        run.at(Duration.ofMinutes(7), lagging);        // holds again: cancelled
        assertThat(run.alert("Lagging").keepFiringSince()).isNull();
        run.at(Duration.ofMinutes(7).plusSeconds(30), caughtUp); // countdown from 7m30s

        assertThat(run.at(Duration.ofMinutes(9), caughtUp)).isEmpty(); // would have resolved at 8m without the reset
        assertThat(run.at(Duration.ofMinutes(9).plusSeconds(30), caughtUp))
                .extracting(AlertTransition::phase).containsExactly(AlertPhase.RESOLVED);
        assertThat(run.emitted).extracting(AlertTransition::phase).containsExactly(AlertPhase.FIRING, AlertPhase.RESOLVED);
    }

    @Test
    void withoutKeepFiringForAFiringAlertResolvesAtTheFirstEvaluationThatDoesNotHold() {
        Run run = new Run();
        run.at(Duration.ZERO, failed);
        assertThat(run.at(Duration.ofSeconds(1), caughtUp)).singleElement().satisfies(t -> {
            assertThat(t.phase()).isEqualTo(AlertPhase.RESOLVED);
            assertThat(t.endsAt()).isEqualTo(T0.plusSeconds(1));
        });
    }

    @Test
    void flappingConditionNeverOutlastingForNeverFires() {
        Run run = new Run();
        for (int minute = 0; minute < 60; minute++) {
            run.at(Duration.ofMinutes(minute), minute % 4 == 3 ? caughtUp : lagging); // holds 3 minutes of every 4
        }
        assertThat(run.emitted).isEmpty();
    }

    @Test
    void flappingAlertWithoutKeepFiringForFiresAndResolvesEachTimeWithTheSameFingerprint() {
        Run run = new Run();
        for (int second = 0; second < 6; second++) {
            run.at(Duration.ofSeconds(second), second % 2 == 0 ? failed : caughtUp);
        }
        assertThat(run.emitted).extracting(AlertTransition::phase).containsExactly(
                AlertPhase.FIRING, AlertPhase.RESOLVED, AlertPhase.FIRING, AlertPhase.RESOLVED, AlertPhase.FIRING,
                AlertPhase.RESOLVED);
        assertThat(run.emitted).extracting(AlertTransition::fingerprint).containsOnly("Failed/" + failed.queryId());
    }

    @Test
    void keepFiringForDampsFlappingIntoOneAlert() {
        Run run = new Run();
        for (int minute = 0; minute < 30; minute++) {
            run.at(Duration.ofMinutes(minute), minute <= 5 || minute % 2 == 0 ? lagging : caughtUp);
        }
        assertThat(run.emitted).extracting(AlertTransition::phase).containsExactly(AlertPhase.FIRING);
    }

    @Test
    void severalRulesOnOneQueryAreIndependent() {
        Signals failedAndLagging = TestSignals.healthy().with(s -> {
            s.status = QueryStatus.FAILED;
            s.recordsBehind = 50_000;
        }).build();
        Run run = new Run();
        assertThat(run.at(Duration.ZERO, failedAndLagging)).extracting(AlertTransition::rule).containsExactly("Failed");
        assertThat(run.at(Duration.ofMinutes(5), failedAndLagging)).extracting(AlertTransition::rule).containsExactly("Lagging");
        assertThat(run.state.alerts()).containsOnlyKeys("Failed", "Lagging");
    }

    @Test
    void stateChangesOnlyWhenSomethingHappens() {
        Run run = new Run();
        run.at(Duration.ZERO, caughtUp);
        assertThat(run.last.stateChanged()).isFalse();
        run.at(Duration.ofSeconds(1), lagging);
        assertThat(run.last.stateChanged()).isTrue();
        run.at(Duration.ofSeconds(2), lagging);
        assertThat(run.last.stateChanged()).isFalse();
    }

    @Test
    void evaluationErrorsCountAsNotMatchingAndAreReportedNotThrown() {
        AlertTracker withTagRule = new AlertTracker(load("""
                rules:
                  - name: OwnerMissing
                    expr: 'tags["owner"] == "nobody"'
                    severity: info
                  - name: Failed
                    expr: status == "failed"
                    severity: critical
                """));
        AlertUpdate update = withTagRule.evaluate(QueryAlertState.empty(failed.queryId()), failed, T0);
        assertThat(update.transitions()).extracting(AlertTransition::rule).containsExactly("Failed");
        assertThat(update.errors()).singleElement().satisfies(e -> {
            assertThat(e.rule()).isEqualTo("OwnerMissing");
            assertThat(e.queryId()).isEqualTo(failed.queryId());
            assertThat(e.what()).isEqualTo("expr");
            assertThat(e.message()).contains("owner");
        });
    }

    @Test
    void annotationThatFailsToRenderIsReportedAndTheAlertStillFires() {
        AlertTracker tracker = new AlertTracker(load("""
                rules:
                  - name: Failed
                    expr: status == "failed"
                    severity: critical
                    annotations:
                      summary: '"failed: " + exception_message'
                      owner: 'tags["owner"]'
                """));
        AlertUpdate update = tracker.evaluate(QueryAlertState.empty(failed.queryId()), failed, T0);
        assertThat(update.transitions()).singleElement().satisfies(t -> {
            assertThat(t.annotations().get("summary")).isEqualTo("failed: ");
            assertThat(t.annotations().get("owner")).startsWith("(annotation 'owner' failed: ");
        });
        assertThat(update.errors()).singleElement().satisfies(e -> assertThat(e.what()).isEqualTo("annotations.owner"));
    }

    @Test
    void forgettingAQueryResolvesItsFiringAlertsAndDropsPendingOnes() {
        Signals failedAndLagging = TestSignals.healthy().with(s -> {
            s.status = QueryStatus.FAILED;
            s.recordsBehind = 50_000;
        }).build();
        Run run = new Run();
        run.at(Duration.ZERO, failedAndLagging); // Failed fires, Lagging pending

        AlertUpdate forgotten = tracker.forget(run.state, T0.plusSeconds(30));
        assertThat(forgotten.transitions()).singleElement().satisfies(t -> {
            assertThat(t.fingerprint()).isEqualTo("Failed/" + failed.queryId());
            assertThat(t.phase()).isEqualTo(AlertPhase.RESOLVED);
            assertThat(t.endsAt()).isEqualTo(T0.plusSeconds(30));
            assertThat(t.receivers()).containsExactly("pagerduty", "email");
        });
        assertThat(forgotten.state().isEmpty()).isTrue();
        assertThat(forgotten.stateChanged()).isTrue();
    }

    @Test
    void stateOfOneQueryCannotBeEvaluatedWithAnothersSignals() {
        Signals other = TestSignals.healthy().with(s -> s.queryId = "other").build();
        assertThatThrownBy(() -> tracker.evaluate(QueryAlertState.empty(lagging.queryId()), other, T0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
