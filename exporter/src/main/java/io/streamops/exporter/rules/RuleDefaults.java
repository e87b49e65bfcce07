package io.streamops.exporter.rules;

import java.time.Duration;
import java.util.List;

/**
 * Values for rule fields a rule leaves out: the file's {@code defaults:} block over the built-in ones.
 *
 * @param severity null when neither the file nor the rule sets it (then the rule is invalid)
 */
record RuleDefaults(
        Duration forDuration,
        Duration keepFiringFor,
        Severity severity,
        List<String> receivers,
        Duration repeatInterval,
        boolean sendResolved) {

    /**
     * Without a defaults block: fire at once, resolve at once, notify nobody, repeat every 4 hours
     * (Alertmanager's default), and do send resolves.
     */
    static final RuleDefaults BUILT_IN = new RuleDefaults(Duration.ZERO, Duration.ZERO, null, List.of(), Duration.ofHours(4), true);
}
