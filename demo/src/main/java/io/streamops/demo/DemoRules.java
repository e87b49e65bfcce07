package io.streamops.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shipped rules (alert-rules/streamops-rules.yaml), unchanged but for their {@code for:} durations, which
 * are divided by the timeline's factor: a lag alert that waits 5 minutes in production waits 10 seconds in a
 * short demo, so a surge shows it fire and resolve within the run. Expressions, thresholds, severities,
 * receivers and actions are the shipped ones. The file is our own (not untrusted input), so one pattern on
 * its {@code for:} lines is enough.
 */
final class DemoRules {
    private static final Pattern FOR = Pattern.compile("(?m)^(\\s+for: )(\\d+)([smh])\\s*$");

    private DemoRules() {
    }

    /** Writes the shortened copy of {@code shipped} to {@code target}. */
    static Path shortened(Path shipped, int factor, Path target) throws IOException {
        Matcher m = FOR.matcher(Files.readString(shipped));
        StringBuilder out = new StringBuilder("# " + shipped + " with every `for:` divided by " + factor
                + " for the demo's timeline (written by scripts/demo)\n");
        while (m.find()) {
            Duration d = switch (m.group(3)) {
                case "s" -> Duration.ofSeconds(Long.parseLong(m.group(2)));
                case "m" -> Duration.ofMinutes(Long.parseLong(m.group(2)));
                default -> Duration.ofHours(Long.parseLong(m.group(2)));
            };
            long seconds = Math.max(1, d.toSeconds() / factor);
            m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + seconds + "s"));
        }
        m.appendTail(out);
        return Files.writeString(target, out.toString());
    }
}
