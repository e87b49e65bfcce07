package io.streamops.exporter.rules;

import io.streamops.exporter.yaml.SourcePosition;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.Map;

/**
 * One compiled alerting rule.
 *
 * @param name           unique in its rule set; the {@code alertname} label and half of the fingerprint
 * @param condition      bool CEL expression over the signals
 * @param forDuration    how long the condition must hold before the alert fires (pending until then)
 * @param keepFiringFor  how long a firing alert stays firing after the condition stops holding
 * @param severity       also the {@code severity} label
 * @param labels         the rule's own labels, added to the identifying ones
 * @param annotations    name to string CEL expression, rendered when the alert changes phase
 * @param scope          which queries the rule applies to
 * @param receivers      the notification channels to send to ({@code notify})
 * @param repeatInterval how often the notification pipeline repeats a still-firing alert
 * @param sendResolved   whether to notify when the alert resolves
 * @param actions        what the alert does besides notifying ({@code actions: [restart]})
 * @param definedAt      where the rule starts in its file
 */
public record Rule(
        String name,
        CompiledExpression condition,
        Duration forDuration,
        Duration keepFiringFor,
        Severity severity,
        Map<String, String> labels,
        Map<String, CompiledExpression> annotations,
        Scope scope,
        List<String> receivers,
        Duration repeatInterval,
        boolean sendResolved,
        Set<RuleAction> actions,
        SourcePosition definedAt) {

    public Rule {
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
        receivers = List.copyOf(receivers);
        actions = actions.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(actions));
    }

    /** Whether the rule's alerts ask for a restart of the job when they fire. */
    public boolean restarts() {
        return actions.contains(RuleAction.RESTART);
    }
}
