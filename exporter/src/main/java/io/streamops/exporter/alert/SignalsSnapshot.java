package io.streamops.exporter.alert;

import java.util.HashMap;
import java.util.Map;

/**
 * The signal values attached to a transition ({@link io.streamops.exporter.alert.AlertTransition#signals()}),
 * made safe for JSON: every value is a string, a boolean, a long or a finite double.
 * <ul>
 *   <li>the {@code tags} map becomes one string entry per tag, {@code tags.<name>}</li>
 *   <li>an unknown number (NaN) is left out: absent means unknown</li>
 *   <li>an infinite number becomes the string {@code +Inf} or {@code -Inf} (e.g. time behind with a
 *       processing rate of 0), as Prometheus writes it</li>
 * </ul>
 */
final class SignalsSnapshot {

    private SignalsSnapshot() {}

    static Map<String, Object> of(Map<String, Object> variables) {
        Map<String, Object> snapshot = new HashMap<>();
        variables.forEach((name, value) -> {
            if (value instanceof Map<?, ?> map) {
                map.forEach((key, tagValue) -> snapshot.put(name + "." + key, String.valueOf(tagValue)));
            } else if (value instanceof Double number) {
                if (Double.isInfinite(number)) {
                    snapshot.put(name, number > 0 ? "+Inf" : "-Inf");
                } else if (!number.isNaN()) {
                    snapshot.put(name, number);
                }
            } else if (value != null) {
                snapshot.put(name, value);
            }
        });
        return snapshot;
    }
}
