package io.streamops.exporter.silence;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A silence's matchers, checked and compiled once: every matcher must match a label of the alert. A
 * value wrapped in slashes ({@code /orders-.*}/) is a regular expression that must match the whole
 * label value, anything else an exact value.
 *
 * <p>Patterns come from whoever holds the API token and run on the router's thread against every
 * alert, so they are compiled with RE2/J, whose matching takes time linear in the input (no
 * backtracking: {@code (a+)+$} cannot stall routing), and bounded in number and size
 * ({@link SilenceLimits}). RE2 syntax has no backreferences or lookaround; such a pattern is refused.
 * RE2 is linear in the input, not in the pattern: counted repetitions are unrolled when compiling, so
 * they are bounded too ({@link RepetitionBound}).
 */
public final class SilenceMatchers {
    private record Matcher(String label, String exact, Pattern regex) {
        boolean matches(String value) {
            return regex == null ? exact.equals(value) : regex.matcher(value).matches();
        }
    }

    private final List<Matcher> matchers;

    private SilenceMatchers(List<Matcher> matchers) {
        this.matchers = matchers;
    }

    /**
     * Checks and compiles {@code matchers} (label name to value or {@code /regex/}).
     *
     * @throws IllegalArgumentException naming the matcher and what is wrong with it
     */
    public static SilenceMatchers compile(Map<String, String> matchers) {
        if (matchers.isEmpty()) {
            throw new IllegalArgumentException("a silence needs at least one matcher");
        }
        if (matchers.size() > SilenceLimits.MAX_MATCHERS) {
            throw new IllegalArgumentException("a silence has " + matchers.size() + " matchers, at most "
                    + SilenceLimits.MAX_MATCHERS + " are allowed");
        }
        List<Matcher> out = new ArrayList<>(matchers.size());
        for (Map.Entry<String, String> m : matchers.entrySet()) {
            String label = m.getKey();
            String value = m.getValue();
            if (label == null || label.isEmpty() || value == null) {
                throw new IllegalArgumentException("matcher " + label + ": a label name and a value are required");
            }
            if (label.length() > SilenceLimits.MAX_MATCHER_CHARS || value.length() > SilenceLimits.MAX_MATCHER_CHARS) {
                throw new IllegalArgumentException("matcher " + abbreviated(label) + ": longer than "
                        + SilenceLimits.MAX_MATCHER_CHARS + " characters");
            }
            if (isRegex(value)) {
                String regex = value.substring(1, value.length() - 1);
                RepetitionBound.check(label, regex);
                try {
                    out.add(new Matcher(label, null, Pattern.compile(regex)));
                } catch (PatternSyntaxException e) {
                    throw new IllegalArgumentException("matcher " + label + ": not a regular expression in RE2 syntax ("
                            + e.getDescription() + ")");
                }
            } else {
                out.add(new Matcher(label, value, null));
            }
        }
        return new SilenceMatchers(List.copyOf(out));
    }

    /** Whether every matcher matches a label in {@code labels}. */
    public boolean matches(Map<String, String> labels) {
        for (Matcher m : matchers) {
            String value = labels.get(m.label());
            if (value == null || !m.matches(value)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isRegex(String value) {
        return value.length() >= 2 && value.startsWith("/") && value.endsWith("/");
    }

    private static String abbreviated(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "...";
    }
}
