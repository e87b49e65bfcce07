package io.streamops.exporter.rules;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What an alert does besides notifying, from a rule's {@code actions}. {@code restart}: when the alert
 * starts firing, the restart controller brings the job back under its target's policy (a clean stop is
 * never restarted).
 */
public enum RuleAction {
    RESTART;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<RuleAction> fromWireName(String name) {
        return Arrays.stream(values()).filter(a -> a.wireName().equals(name)).findFirst();
    }

    public static String allWireNames() {
        return Arrays.stream(values()).map(RuleAction::wireName).collect(Collectors.joining(", "));
    }
}
