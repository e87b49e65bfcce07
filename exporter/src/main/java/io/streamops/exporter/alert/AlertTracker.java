package io.streamops.exporter.alert;

import io.streamops.exporter.rules.Rule;
import io.streamops.exporter.rules.RuleEvaluationError;
import io.streamops.exporter.rules.RuleOutcome;
import io.streamops.exporter.rules.RuleSet;
import io.streamops.exporter.rules.RuleSetEvaluation;
import io.streamops.exporter.signals.Signals;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Applies a {@link RuleSet} to one query's signals over time and says which alerts fire and resolve.
 *
 * <p>Pure and deterministic: the state goes in and comes out as a value, and the time is the caller's
 * ({@code now}: the event or punctuation time), so it can run inside a Kafka Streams processor, a replay
 * of recorded events, or a test, with the same results. Safe to share between threads.
 *
 * <p>Reloading rules is building a new tracker over the new RuleSet and passing it the old state: alerts of
 * rules that kept their name carry on (a pending one keeps counting toward the new {@code for}); firing
 * alerts of removed rules resolve at the query's next evaluation; pending ones are dropped.
 */
public final class AlertTracker {

    private final RuleSet rules;

    public AlertTracker(RuleSet rules) {
        this.rules = rules;
    }

    public RuleSet rules() {
        return rules;
    }

    /**
     * Evaluates every rule against {@code signals} at {@code now} and advances each alert's lifecycle.
     *
     * @param previous the query's state from the last evaluation ({@link QueryAlertState#empty} at first)
     */
    public AlertUpdate evaluate(QueryAlertState previous, Signals signals, Instant now) {
        if (!previous.queryId().equals(signals.queryId())) {
            throw new IllegalArgumentException(
                    "state of query " + previous.queryId() + " evaluated with signals of " + signals.queryId());
        }
        RuleSetEvaluation evaluation = rules.evaluate(signals);
        List<RuleEvaluationError> errors = new ArrayList<>(evaluation.errors());
        TransitionFactory transitions = new TransitionFactory(errors);
        List<AlertTransition> emitted = new ArrayList<>();
        Map<String, AlertState> next = new HashMap<>();
        // AlertLifecycle hands back the same instance when an alert did not move: an unchanged query (most
        // of them, on most passes) keeps its state object and needs no copy and no deep comparison.
        boolean changed = false;

        for (RuleOutcome outcome : evaluation.outcomes()) {
            Rule rule = outcome.rule();
            AlertState before = previous.alerts().get(rule.name());
            AlertLifecycle.Step step = AlertLifecycle.next(before, outcome.matches(), rule.forDuration(), rule.keepFiringFor(), now);
            AlertState after = step.state();
            if (step.transition() == AlertPhase.FIRING) {
                after = after.withFired(transitions.announce(rule, signals, evaluation.variables()));
                emitted.add(transitions.firing(rule, signals.queryId(), after, evaluation.variables(), now));
            } else if (step.transition() == AlertPhase.RESOLVED) {
                AlertState ended = withAnnouncement(before, rule, signals, evaluation, transitions);
                emitted.add(transitions.resolved(rule.name(), Optional.of(rule), signals.queryId(), ended, evaluation.variables(), now));
            }
            if (after != null) {
                next.put(rule.name(), after);
            }
            changed |= after != before;
        }
        resolveRemovedRules(previous, signals.queryId(), evaluation.variables(), now, transitions, emitted);

        if (!changed && next.size() == previous.alerts().size()) {
            return new AlertUpdate(previous, false, emitted, errors);
        }
        QueryAlertState state = new QueryAlertState(previous.queryId(), next);
        return new AlertUpdate(state, !state.equals(previous), emitted, errors);
    }

    /**
     * Resolves every firing alert of a query the caller stops tracking (its state expired or was deleted),
     * so no incident stays open for a query that no longer exists. Pending alerts just go.
     */
    public AlertUpdate forget(QueryAlertState previous, Instant now) {
        List<RuleEvaluationError> errors = new ArrayList<>();
        TransitionFactory transitions = new TransitionFactory(errors);
        List<AlertTransition> emitted = new ArrayList<>();
        previous.alerts().forEach((ruleName, state) -> {
            if (state.isFiring() && state.fired() != null) {
                emitted.add(transitions.resolved(ruleName, Optional.empty(), previous.queryId(), state, Map.of(), now));
            }
        });
        QueryAlertState empty = QueryAlertState.empty(previous.queryId());
        return new AlertUpdate(empty, !empty.equals(previous), emitted, errors);
    }

    /** Firing alerts whose rule a reload removed: resolved with what they announced when they fired. */
    private void resolveRemovedRules(QueryAlertState previous, String queryId, Map<String, Object> variables, Instant now,
                                     TransitionFactory transitions, List<AlertTransition> emitted) {
        previous.alerts().forEach((ruleName, state) -> {
            if (rules.rule(ruleName).isEmpty() && state.isFiring() && state.fired() != null) {
                emitted.add(transitions.resolved(ruleName, Optional.empty(), queryId, state, variables, now));
            }
        });
    }

    /**
     * A firing state always carries its announcement; only state written by hand (or damaged) lacks it.
     * Then the rule as it is now stands in, so the alert still resolves.
     */
    private static AlertState withAnnouncement(AlertState state, Rule rule, Signals signals, RuleSetEvaluation evaluation,
                                               TransitionFactory transitions) {
        return state.fired() != null ? state : state.withFired(transitions.announce(rule, signals, evaluation.variables()));
    }
}
