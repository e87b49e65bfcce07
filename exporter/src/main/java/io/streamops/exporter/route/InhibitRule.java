package io.streamops.exporter.route;

import io.streamops.exporter.alert.AlertTransition;

import java.util.List;
import java.util.Map;

/**
 * While an alert matching {@code source} fires, alerts matching {@code target} with the same values of
 * the {@code equal} labels are not notified. The default: a lost driver makes its queries' stalled and
 * lag alerts noise, so DriverLost inhibits them for the same query.
 */
public record InhibitRule(Map<String, String> source, Map<String, String> target, List<String> equal) {

    public static final List<InhibitRule> DEFAULTS = List.of(
            new InhibitRule(Map.of("alertname", "DriverLost"), Map.of("alertname", "QueryStalled"), List.of("query_id")),
            new InhibitRule(Map.of("alertname", "DriverLost"), Map.of("alertname", "QueryFallingBehind"), List.of("query_id")));

    public boolean inhibits(AlertTransition firingSource, AlertTransition target) {
        if (firingSource.fingerprint().equals(target.fingerprint())) {
            return false;
        }
        if (!matches(firingSource, source) || !matches(target, this.target)) {
            return false;
        }
        for (String label : equal) {
            String a = firingSource.labels().get(label);
            if (a == null || !a.equals(target.labels().get(label))) {
                return false;
            }
        }
        return true;
    }

    private static boolean matches(AlertTransition alert, Map<String, String> matchers) {
        for (Map.Entry<String, String> m : matchers.entrySet()) {
            if (!m.getValue().equals(alert.labels().get(m.getKey()))) {
                return false;
            }
        }
        return true;
    }
}
