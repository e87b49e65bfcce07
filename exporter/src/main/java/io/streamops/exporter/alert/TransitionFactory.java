package io.streamops.exporter.alert;

import io.streamops.exporter.rules.Rule;
import io.streamops.exporter.rules.RuleEvaluationError;
import io.streamops.exporter.signals.Signals;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds the {@link AlertTransition}s the tracker emits: identifying labels, annotations rendered with CEL
 * from the signals at that instant, and the signal snapshot. Rendering failures are collected, never thrown.
 */
final class TransitionFactory {

    private final List<RuleEvaluationError> errors;

    /** @param errors where annotation failures are reported */
    TransitionFactory(List<RuleEvaluationError> errors) {
        this.errors = errors;
    }

    /** What a rule announces when it fires on a query now: the labels, texts and receivers. */
    FiredAlert announce(Rule rule, Signals signals, Map<String, Object> variables) {
        Map<String, String> labels = new HashMap<>(rule.labels());
        labels.put("alertname", rule.name());
        labels.put("severity", rule.severity().wireName());
        labels.put("job", signals.job());
        labels.put("query", signals.queryLabel());
        labels.put("query_id", signals.queryId());
        return new FiredAlert(rule.severity().wireName(), labels, render(rule, signals.queryId(), variables, Map.of()),
                rule.receivers(), rule.repeatInterval(), rule.sendResolved());
    }

    AlertTransition firing(Rule rule, String queryId, AlertState state, Map<String, Object> variables, Instant now) {
        FiredAlert fired = state.fired();
        return new AlertTransition(AlertTransition.fingerprint(rule.name(), queryId), rule.name(), AlertPhase.FIRING,
                fired.severity(), fired.labels(), fired.annotations(), SignalsSnapshot.of(variables), fired.receivers(),
                fired.repeatInterval(), fired.sendResolved(), state.activeAt(), null, now);
    }

    /**
     * The RESOLVED transition of an alert that fired. It goes to the receivers and carries the labels the
     * FIRING one had, so whatever that opened (a PagerDuty incident) is closed. Its texts are the ones the
     * firing was sent with: rendered now, a summary such as "no heartbeat for {@code ...}" told the
     * resolve's reader how long the silence was at its end (seen: "no heartbeat for 932ms").
     *
     * @param rule      the rule as it is now; empty if a reload removed it
     * @param variables the query's variables now; empty when the query is being forgotten
     */
    AlertTransition resolved(String ruleName, Optional<Rule> rule, String queryId, AlertState state,
                             Map<String, Object> variables, Instant now) {
        FiredAlert fired = state.fired();
        boolean sendResolved = rule.map(Rule::sendResolved).orElse(fired.sendResolved());
        return new AlertTransition(AlertTransition.fingerprint(ruleName, queryId), ruleName, AlertPhase.RESOLVED,
                fired.severity(), fired.labels(), fired.annotations(), SignalsSnapshot.of(variables), fired.receivers(),
                fired.repeatInterval(), sendResolved, state.activeAt(), now, now);
    }

    /** Renders every annotation; one that fails keeps its {@code fallback} text, or says why it failed. */
    private Map<String, String> render(Rule rule, String queryId, Map<String, Object> variables, Map<String, String> fallback) {
        Map<String, String> texts = new HashMap<>();
        rule.annotations().forEach((name, template) -> {
            try {
                texts.put(name, String.valueOf(template.evaluate(variables)));
            } catch (Exception e) {
                errors.add(new RuleEvaluationError(rule.name(), queryId, "annotations." + name, String.valueOf(e.getMessage())));
                texts.put(name, fallback.getOrDefault(name, "(annotation '" + name + "' failed: " + e.getMessage() + ")"));
            }
        });
        return texts;
    }
}
