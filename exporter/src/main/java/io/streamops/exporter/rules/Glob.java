package io.streamops.exporter.rules;

import org.apache.commons.io.FilenameUtils;
import org.apache.commons.io.IOCase;

/**
 * A shell-style name pattern from a rule's {@code scope} or a restart target: {@code *} matches any run
 * of characters, {@code ?} exactly one, everything else itself (case-sensitive). {@code grocery-*}
 * matches {@code grocery-eu} and {@code grocery-}. Matching is commons-io's wildcard matcher, which has
 * exactly these two wildcards; not java.nio's glob, whose {@code *} stops at {@code /} and which gives
 * braces, brackets and backslashes meanings that a job or query name must not get.
 */
public final class Glob {

    private final String pattern;

    private Glob(String pattern) {
        this.pattern = pattern;
    }

    public static Glob of(String pattern) {
        return new Glob(pattern);
    }

    public boolean matches(String text) {
        return FilenameUtils.wildcardMatch(text, pattern, IOCase.SENSITIVE);
    }

    public String pattern() {
        return pattern;
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
