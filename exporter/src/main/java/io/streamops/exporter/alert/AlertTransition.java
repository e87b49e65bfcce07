package io.streamops.exporter.alert;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An alert changing phase (to firing, or to resolved): what rule evaluation emits and the notification
 * pipeline consumes. Only FIRING and RESOLVED transitions leave rule evaluation.
 *
 * @param fingerprint stable identity of the alert: the same rule on the same query always has the same
 *                    one, across restarts and instances ({@code rule + "/" + queryId})
 * @param labels      identifying labels: alertname, severity, job, query, query_id, the rule's own labels
 * @param annotations rendered texts (summary, description, ...); from Spark, so untrusted: escape on output
 * @param signals     the signal values at the transition, for custom_details / the dashboard link
 * @param receivers   channel names from the rule's {@code notify}
 * @param at          when the transition happened (evaluation time)
 */
public record AlertTransition(
        String fingerprint,
        String rule,
        AlertPhase phase,
        String severity,
        Map<String, String> labels,
        Map<String, String> annotations,
        Map<String, Object> signals,
        List<String> receivers,
        Duration repeatInterval,
        boolean sendResolved,
        Instant startsAt,
        Instant endsAt,
        Instant at) {

    public AlertTransition {
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
        signals = Map.copyOf(signals);
        receivers = List.copyOf(receivers);
    }

    public static String fingerprint(String rule, String queryId) {
        return rule + "/" + queryId;
    }
}
