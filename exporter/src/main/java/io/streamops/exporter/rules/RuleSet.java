package io.streamops.exporter.rules;

import io.streamops.exporter.alert.AlertTracker;
import io.streamops.exporter.signals.Signals;
import io.streamops.exporter.yaml.Problem;
import dev.cel.runtime.CelEvaluationException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * An immutable, compiled set of rules: build it once with {@link RulesLoader}, then evaluate it against
 * every query as often as needed, from any thread. Reloading means building a new RuleSet; alert state is
 * keyed by rule name, so it carries over (see {@link AlertTracker}).
 */
public final class RuleSet {

    private final String source;
    private final List<Rule> rules;
    private final Map<String, Rule> byName;

    public RuleSet(String source, List<Rule> rules) {
        this.source = source;
        this.rules = List.copyOf(rules);
        this.byName = new LinkedHashMap<>();
        for (Rule rule : this.rules) {
            if (byName.putIfAbsent(rule.name(), rule) != null) {
                throw new IllegalArgumentException("duplicate rule name '" + rule.name() + "'");
            }
        }
    }

    public static RuleSet empty() {
        return new RuleSet("(none)", List.of());
    }

    /** Where the rules came from (the file name), for logs and the API. */
    public String source() {
        return source;
    }

    /** The rules in file order. */
    public List<Rule> rules() {
        return rules;
    }

    public Optional<Rule> rule(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /**
     * One problem per rule that notifies a receiver not in {@code defined} (the receivers of
     * exporter.yaml): such a rule's alerts would have nowhere to go.
     */
    public List<Problem> undefinedReceivers(Set<String> defined) {
        List<Problem> problems = new ArrayList<>();
        for (Rule rule : rules) {
            Set<String> missing = new TreeSet<>(rule.receivers());
            missing.removeAll(defined);
            if (!missing.isEmpty()) {
                problems.add(new Problem(rule.definedAt(), "rule '" + rule.name() + "': notify: " + String.join(", ", missing)
                        + (missing.size() == 1 ? " is" : " are") + " not a receiver in the exporter's config (it has: "
                        + (defined.isEmpty() ? "none" : String.join(", ", new TreeSet<>(defined))) + ")"));
            }
        }
        return problems;
    }

    /**
     * Applies every rule to one query's signals. Never throws: a condition that fails to evaluate is an
     * {@link RuleOutcome.Verdict#ERROR} outcome (counted as not matching) with the reason.
     */
    public RuleSetEvaluation evaluate(Signals signals) {
        // Built once per query and instant, shared by all rules: the map is the main per-call allocation.
        Map<String, Object> variables = signals.toVariables();
        List<RuleOutcome> outcomes = new ArrayList<>(rules.size());
        for (Rule rule : rules) {
            outcomes.add(evaluate(rule, signals, variables));
        }
        return new RuleSetEvaluation(signals, variables, outcomes);
    }

    private static RuleOutcome evaluate(Rule rule, Signals signals, Map<String, Object> variables) {
        if (!rule.scope().includes(signals)) {
            return new RuleOutcome(rule, RuleOutcome.Verdict.OUT_OF_SCOPE, null);
        }
        try {
            boolean holds = Boolean.TRUE.equals(rule.condition().evaluate(variables));
            return new RuleOutcome(rule, holds ? RuleOutcome.Verdict.MATCH : RuleOutcome.Verdict.NO_MATCH, null);
        } catch (CelEvaluationException | RuntimeException e) {
            // A runtime failure (missing map key, int overflow, ...) must not stop the other rules or the
            // stream thread; it is reported and the rule counts as not matching.
            return new RuleOutcome(rule, RuleOutcome.Verdict.ERROR, String.valueOf(e.getMessage()));
        }
    }

    @Override
    public String toString() {
        return "RuleSet[" + source + ", " + rules.size() + " rules]";
    }
}
