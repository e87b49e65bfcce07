package io.streamops.exporter.rules;

import io.streamops.exporter.signals.Signals;
import java.util.List;
import java.util.Map;

/**
 * The rule set applied to one query's signals at one instant: one outcome per rule, in file order.
 *
 * @param variables the CEL variables the conditions saw ({@link Signals#toVariables()}), reused to render
 *                  annotations so a transition's texts and its condition agree
 */
public record RuleSetEvaluation(Signals signals, Map<String, Object> variables, List<RuleOutcome> outcomes) {

    public RuleSetEvaluation {
        outcomes = List.copyOf(outcomes);
    }

    /** The rules whose condition holds. */
    public List<Rule> matching() {
        return outcomes.stream().filter(RuleOutcome::matches).map(RuleOutcome::rule).toList();
    }

    /** The conditions that failed to evaluate. */
    public List<RuleEvaluationError> errors() {
        return outcomes.stream()
                .filter(o -> o.verdict() == RuleOutcome.Verdict.ERROR)
                .map(o -> new RuleEvaluationError(o.rule().name(), signals.queryId(), "expr", o.error()))
                .toList();
    }
}
