package io.streamops.exporter.route;

import io.streamops.exporter.alert.AlertTransition;

import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Mutes matching alerts between two instants, as in Alertmanager: every matcher must match a label.
 * A matcher value wrapped in slashes ({@code /orders-.*}/) is a regular expression, anything else is
 * an exact value.
 */
public record Silence(String id, Map<String, String> matchers, Instant startsAt, Instant endsAt, String createdBy,
                      String comment) {

    public Silence {
        matchers = Map.copyOf(matchers);
        if (matchers.isEmpty()) {
            throw new IllegalArgumentException("a silence needs at least one matcher");
        }
        if (!endsAt.isAfter(startsAt)) {
            throw new IllegalArgumentException("endsAt must be after startsAt");
        }
        for (String value : matchers.values()) {
            if (isRegex(value)) {
                Pattern.compile(value.substring(1, value.length() - 1));
            }
        }
    }

    public boolean activeAt(Instant t) {
        return !t.isBefore(startsAt) && t.isBefore(endsAt);
    }

    public boolean mutes(AlertTransition alert, Instant at) {
        if (!activeAt(at)) {
            return false;
        }
        for (Map.Entry<String, String> m : matchers.entrySet()) {
            String label = alert.labels().get(m.getKey());
            if (label == null) {
                return false;
            }
            String want = m.getValue();
            boolean ok = isRegex(want) ? label.matches(want.substring(1, want.length() - 1)) : label.equals(want);
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static boolean isRegex(String value) {
        return value.length() >= 2 && value.startsWith("/") && value.endsWith("/");
    }
}
