package io.streamops.exporter.rules;

import java.util.regex.Pattern;

/**
 * A shell-style name pattern from a rule's {@code scope}: {@code *} matches any run of characters,
 * {@code ?} exactly one, everything else itself (case-sensitive). {@code grocery-*} matches
 * {@code grocery-eu} and {@code grocery-}.
 */
public final class Glob {

    private final String pattern;
    /** Null for "*", which matches everything: the common case skips the regex entirely. */
    private final Pattern regex;

    private Glob(String pattern) {
        this.pattern = pattern;
        this.regex = pattern.equals("*") ? null : Pattern.compile(toRegex(pattern));
    }

    public static Glob of(String pattern) {
        return new Glob(pattern);
    }

    public boolean matches(String text) {
        return regex == null || regex.matcher(text).matches();
    }

    public String pattern() {
        return pattern;
    }

    private static String toRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                if (!literal.isEmpty()) {
                    regex.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                regex.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (!literal.isEmpty()) {
            regex.append(Pattern.quote(literal.toString()));
        }
        return regex.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Glob g && g.pattern.equals(pattern);
    }

    @Override
    public int hashCode() {
        return pattern.hashCode();
    }

    @Override
    public String toString() {
        return pattern;
    }
}
