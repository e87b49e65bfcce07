package io.streamops.exporter.rules;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** How bad an alert is. The names are PagerDuty's Events v2 severities, so they map one to one. */
public enum Severity {
    CRITICAL,
    ERROR,
    WARNING,
    INFO;

    private final String wireName = name().toLowerCase(java.util.Locale.ROOT);

    /** The lower-case name used in rule files and in the {@code severity} label. */
    public String wireName() {
        return wireName;
    }

    public static Optional<Severity> fromWireName(String text) {
        return Arrays.stream(values()).filter(s -> s.wireName().equals(text)).findFirst();
    }

    /** "critical, error, warning, info": for error messages. */
    static String allWireNames() {
        return Arrays.stream(values()).map(Severity::wireName).collect(Collectors.joining(", "));
    }
}
