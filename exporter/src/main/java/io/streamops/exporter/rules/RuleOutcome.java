package io.streamops.exporter.rules;

/**
 * What one rule said about one query at one instant.
 *
 * @param error why evaluation failed, for {@link Verdict#ERROR}; null otherwise
 */
public record RuleOutcome(Rule rule, Verdict verdict, String error) {

    public enum Verdict {
        /** The query is outside the rule's scope; the condition was not evaluated. */
        OUT_OF_SCOPE,
        /** The condition is false. */
        NO_MATCH,
        /** The condition is true. */
        MATCH,
        /** The condition could not be evaluated (e.g. a missing map key); treated as not matching. */
        ERROR
    }

    public boolean matches() {
        return verdict == Verdict.MATCH;
    }
}
