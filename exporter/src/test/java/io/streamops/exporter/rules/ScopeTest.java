package io.streamops.exporter.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamops.exporter.alert.AlertPhase;
import io.streamops.exporter.alert.AlertTracker;
import io.streamops.exporter.alert.AlertTransition;
import io.streamops.exporter.alert.AlertUpdate;
import io.streamops.exporter.alert.QueryAlertState;
import io.streamops.exporter.signals.QueryStatus;
import io.streamops.exporter.signals.Signals;
import io.streamops.exporter.signals.TestSignals;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rule scope: job and query name globs, and tags. */
class ScopeTest {

    @Test
    void globs() {
        assertThat(Glob.of("grocery-*").matches("grocery-orders")).isTrue();
        assertThat(Glob.of("grocery-*").matches("grocery-")).isTrue();
        assertThat(Glob.of("grocery-*").matches("my-grocery-orders")).isFalse();
        assertThat(Glob.of("*-orders").matches("grocery-orders")).isTrue();
        assertThat(Glob.of("*").matches("")).isTrue();
        assertThat(Glob.of("eu?").matches("eu1")).isTrue();
        assertThat(Glob.of("eu?").matches("eu12")).isFalse();
        assertThat(Glob.of("a.b").matches("a.b")).isTrue();
        assertThat(Glob.of("a.b").matches("axb")).as("regex characters are literal").isFalse();
        assertThat(Glob.of("(x)[y]+").matches("(x)[y]+")).isTrue();
        assertThat(Glob.of("Grocery").matches("grocery")).as("case-sensitive").isFalse();
    }

    @Test
    void emptyScopeIncludesEveryQuery() {
        assertThat(Scope.ALL.includes(TestSignals.healthy().build())).isTrue();
    }

    @Test
    void jobsQueriesAndTagsMustAllMatch() {
        Scope scope = new Scope(java.util.List.of(Glob.of("grocery-*"), Glob.of("pharmacy")),
                java.util.List.of(Glob.of("cough-*")), Map.of("env", Glob.of("prod*")));

        assertThat(scope.includes(TestSignals.healthy().build())).isTrue();
        assertThat(scope.includes(TestSignals.healthy().with(s -> s.job = "pharmacy").build())).isTrue();
        assertThat(scope.includes(TestSignals.healthy().with(s -> s.job = "bakery").build())).isFalse();
        assertThat(scope.includes(TestSignals.healthy().with(s -> s.queryName = "inventory").build())).isFalse();
        assertThat(scope.includes(TestSignals.healthy().with(s -> s.tags.put("env", "production")).build())).isTrue();
        assertThat(scope.includes(TestSignals.healthy().with(s -> s.tags.put("env", "staging")).build())).isFalse();
        assertThat(scope.includes(TestSignals.healthy().with(s -> s.tags.remove("env")).build()))
                .as("a required tag that is missing").isFalse();
    }

    @Test
    void queryPatternsMatchTheNameOrTheIdOfUnnamedQueries() {
        Scope byId = new Scope(java.util.List.of(), java.util.List.of(Glob.of("11111111-*")), Map.of());
        assertThat(byId.includes(TestSignals.healthy().build())).isTrue();
        Scope byName = new Scope(java.util.List.of(), java.util.List.of(Glob.of("cough-syrup-alerts")), Map.of());
        assertThat(byName.includes(TestSignals.healthy().build())).isTrue();
        assertThat(byName.includes(TestSignals.healthy().with(s -> s.queryName = null).build())).isFalse();
    }

    @Test
    void outOfScopeRulesAreNotEvaluated() {
        RuleSet rules = TestRules.load("""
                rules:
                  - name: ProdFailed
                    expr: status == "failed"
                    severity: critical
                    scope: {jobs: ["grocery-*"], tags: {env: prod}}
                  - name: AnyFailed
                    expr: status == "failed"
                    severity: info
                """);
        Signals stagingFailure = TestSignals.healthy().with(s -> {
            s.status = QueryStatus.FAILED;
            s.tags.put("env", "staging");
        }).build();

        RuleSetEvaluation evaluation = rules.evaluate(stagingFailure);
        assertThat(evaluation.outcomes()).extracting(RuleOutcome::verdict)
                .containsExactly(RuleOutcome.Verdict.OUT_OF_SCOPE, RuleOutcome.Verdict.MATCH);
        assertThat(evaluation.matching()).extracting(Rule::name).containsExactly("AnyFailed");
    }

    @Test
    void aFiringAlertWhoseQueryLeavesTheScopeResolves() {
        AlertTracker tracker = new AlertTracker(TestRules.load("""
                rules:
                  - name: ProdFailed
                    expr: status == "failed"
                    severity: critical
                    scope: {tags: {env: prod}}
                """));
        Signals prod = TestSignals.healthy().with(s -> s.status = QueryStatus.FAILED).build();
        Signals movedToStaging = TestSignals.healthy().with(s -> {
            s.status = QueryStatus.FAILED;
            s.tags.put("env", "staging");
        }).build();
        Instant t0 = Instant.parse("2025-03-01T12:00:00Z");

        AlertUpdate first = tracker.evaluate(QueryAlertState.empty(prod.queryId()), prod, t0);
        AlertUpdate second = tracker.evaluate(first.state(), movedToStaging, t0.plusSeconds(1));
        assertThat(first.transitions()).extracting(AlertTransition::phase).containsExactly(AlertPhase.FIRING);
        assertThat(second.transitions()).extracting(AlertTransition::phase).containsExactly(AlertPhase.RESOLVED);
    }
}
