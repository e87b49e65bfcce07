package io.streamops.exporter.alert;

import io.streamops.exporter.rules.RuleEvaluationError;

import java.util.List;

/**
 * The result of evaluating one query: its next alert state, the transitions to emit (FIRING and RESOLVED
 * only), and any expression that failed to evaluate (to count and log; never thrown).
 *
 * @param stateChanged false when {@code state} equals the previous state, so the caller can skip the
 *                     state-store write (most evaluations change nothing)
 */
public record AlertUpdate(QueryAlertState state, boolean stateChanged, List<AlertTransition> transitions,
                          List<RuleEvaluationError> errors) {

    public AlertUpdate {
        transitions = List.copyOf(transitions);
        errors = List.copyOf(errors);
    }
}
