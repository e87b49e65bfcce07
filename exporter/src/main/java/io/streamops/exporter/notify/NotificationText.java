package io.streamops.exporter.notify;

import io.streamops.exporter.alert.AlertTransition;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The words every channel uses for a notification: its title, an alert's name, summary and details.
 * Plain text, unescaped: each channel escapes for its own medium (HTML, Slack, headers).
 */
public final class NotificationText {
    private NotificationText() {
    }

    /** {@code [FIRING:2] QueryFailed grocery-alerts}, or {@code [RESOLVED] ...}: one line, no control characters. */
    public static String title(Notification notification) {
        StringBuilder title = new StringBuilder("[").append(notification.status().name());
        if (notification.status() == NotificationStatus.FIRING) {
            title.append(':').append(notification.firing().size());
        }
        title.append(']');
        List<String> names = new ArrayList<>();
        Map<String, String> common = notification.commonLabels();
        for (String label : List.of("alertname", "query")) {
            String value = common.get(label);
            if (value != null && !value.isBlank()) {
                names.add(value);
            }
        }
        if (names.isEmpty()) {
            names.add(notification.groupKey());
        }
        names.forEach(name -> title.append(' ').append(name));
        return oneLine(title.toString());
    }

    /** The alert's name: its {@code alertname} label, else its rule. */
    public static String alertName(AlertTransition alert) {
        return alert.labels().getOrDefault("alertname", alert.rule());
    }

    /** The query the alert is about: its {@code query} label, else {@code query_id}, else "". */
    public static String query(AlertTransition alert) {
        String query = alert.labels().get("query");
        return query != null ? query : alert.labels().getOrDefault("query_id", "");
    }

    /** The {@code summary} annotation, or a made-up one: {@code QueryFailed on grocery-alerts (job shop)}. */
    public static String summary(AlertTransition alert) {
        String summary = alert.annotations().get("summary");
        if (summary != null && !summary.isBlank()) {
            return summary;
        }
        StringBuilder made = new StringBuilder(alertName(alert));
        if (!query(alert).isEmpty()) {
            made.append(" on ").append(query(alert));
        }
        String job = alert.labels().get("job");
        if (job != null && !job.isEmpty()) {
            made.append(" (job ").append(job).append(')');
        }
        return made.toString();
    }

    /** Annotations in reading order: summary, description, then the rest by name. */
    public static Map<String, String> annotations(AlertTransition alert) {
        Map<String, String> ordered = new LinkedHashMap<>();
        for (String first : List.of("summary", "description")) {
            if (alert.annotations().containsKey(first)) {
                ordered.put(first, alert.annotations().get(first));
            }
        }
        new TreeMap<>(alert.annotations()).forEach(ordered::putIfAbsent);
        return ordered;
    }

    /**
     * Signals worth showing, by name, as text: unknown values (NaN, "") are left out, and so are those
     * a label already shows (job, query, query_id); numbers are written plainly.
     */
    public static Map<String, String> knownSignals(AlertTransition alert) {
        Map<String, String> shown = new TreeMap<>();
        alert.signals().forEach((name, value) -> {
            String text = signalText(value);
            if (!text.isEmpty() && !text.equals(alert.labels().get(name))) {
                shown.put(name, text);
            }
        });
        return shown;
    }

    static String signalText(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (!Double.isFinite(d)) {
                return "";
            }
            // No exponent notation: 1.2E7 records behind reads badly in a page.
            return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
        if (value instanceof Map<?, ?> map && map.isEmpty()) {
            return "";
        }
        return String.valueOf(value);
    }

    /** Labels sorted by name, as {@code name=value, ...}. */
    public static String labels(Map<String, String> labels) {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(labels).forEach((name, value) -> {
            if (!text.isEmpty()) {
                text.append(", ");
            }
            text.append(name).append('=').append(value);
        });
        return text.toString();
    }

    /**
     * {@code text} on one line: every control character (CR, LF, tab, NEL, the Unicode line and
     * paragraph separators) becomes a space. For mail subjects (header injection) and log lines.
     */
    public static String oneLine(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder line = new StringBuilder(text.length());
        text.codePoints().forEach(cp -> {
            boolean breaks = Character.isISOControl(cp) || cp == '\u2028' || cp == '\u2029';
            line.appendCodePoint(breaks ? ' ' : cp);
        });
        return line.toString().trim();
    }

    /** {@code text} cut to at most {@code max} characters, ending with an ellipsis when cut (never splitting a surrogate pair). */
    public static String truncate(String text, int max) {
        if (text.length() <= max) {
            return text;
        }
        int end = max - 1;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "\u2026";
    }
}
